"""舆情 alerts: a topic that flares up (话题激增) or urgent appeals gathering on one topic
(紧急诉求聚集), per government whose hub received them, raised once while it is not closed,
told to that government's (and the governments above its) leaders and analysts through the
notification centre; acknowledging and closing are recorded.

Rules, over the stored analysis (a sweep every 5 minutes, `detect`): a burst is at least
`BURST_MIN` appeals of one topic in the last 24 hours and at least `BURST_RATIO` times the
topic's daily mean of the 7 days before; an urgent cluster is at least `URGENT_MIN` urgent
appeals of one topic in the last 24 hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from massline.core.audit import audit
from massline.core.errors import IllegalTransition, NotFound
from massline.notices.services import notify
from massline.opinion import permissions
from massline.opinion.models import (
    Alert,
    AlertKind,
    AlertState,
    AnalysisState,
    AppealAnalysis,
    Topic,
)
from massline.orgs.models import Membership, Org, Role

BURST_MIN = 5
BURST_RATIO = 3.0
URGENT_MIN = 3
SAMPLES = 10


def detect(now: datetime | None = None) -> int:
    """Raise the alerts the last day calls for; returns how many are new."""
    now = now or timezone.now()
    day_ago = now - timedelta(days=1)
    week_ago = day_ago - timedelta(days=7)
    rows = (
        AppealAnalysis.objects.filter(
            state=AnalysisState.DONE,
            topic__isnull=False,
            appeal__merged_into__isnull=True,
            appeal__created_at__gte=week_ago,
            appeal__created_at__lte=now,
            appeal__hub__parent__isnull=False,
        )
        .values("topic_id", "appeal__hub__parent_id")
        .annotate(
            recent=Count("pk", filter=Q(appeal__created_at__gte=day_ago)),
            before=Count("pk", filter=Q(appeal__created_at__lt=day_ago)),
            urgent=Count("pk", filter=Q(appeal__created_at__gte=day_ago, urgency__gt=0)),
        )
        .filter(Q(recent__gte=BURST_MIN) | Q(urgent__gte=URGENT_MIN))
    )
    made = 0
    for row in rows:
        topic_id, org_id = row["topic_id"], row["appeal__hub__parent_id"]
        baseline = row["before"] / 7
        evidence = {
            "recent": row["recent"],
            "before": row["before"],
            "baseline": round(baseline, 2),
            "urgent": row["urgent"],
            "since": day_ago.isoformat(),
        }
        if row["recent"] >= BURST_MIN and row["recent"] >= BURST_RATIO * baseline:
            made += _raise(AlertKind.BURST, org_id, topic_id, evidence, day_ago, now)
        if row["urgent"] >= URGENT_MIN:
            made += _raise(AlertKind.URGENT, org_id, topic_id, evidence, day_ago, now)
    return made


def _raise(
    kind: str, org_id: int, topic_id: int, evidence: dict[str, Any], since: datetime, now: datetime
) -> int:
    topic = Topic.objects.get(pk=topic_id)
    org = Org.objects.get(pk=org_id)
    recent = AppealAnalysis.objects.filter(
        topic_id=topic_id, appeal__hub__parent_id=org_id, appeal__created_at__gte=since
    )
    if kind == AlertKind.URGENT:
        recent = recent.filter(urgency__gt=0)
    evidence = {
        **evidence,
        "appeals": list(
            recent.order_by("-appeal_id").values_list("appeal_id", flat=True)[:SAMPLES]
        ),
    }
    if kind == AlertKind.BURST:
        title = f"{org.name}：“{topic.title}”24小时内{evidence['recent']}件，明显增多"
    else:
        title = f"{org.name}：“{topic.title}”24小时内{evidence['urgent']}件紧急诉求"
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind,
                org=org,
                topic=topic,
                title=title[:200],
                evidence=evidence,
                created_at=now,
            )
            audit("opinion.alert_raised", None, alert, kind=kind, topic=topic_id, org=org_id)
            notify(
                readers_of(org),
                key=f"opinion-alert-{alert.pk}",
                title=alert.title,
                body="请在舆情概览查看依据并处理。",
                link=reverse("opinion:overview") + f"?org={org.pk}",
                now=now,
            )
    except IntegrityError:
        return 0  # a live alert of this kind on this topic already says it
    return 1


def readers_of(org: Org) -> list[Any]:
    """The leaders and analysts whose subtree holds the org (they read its 舆情)."""
    found = Membership.objects.filter(role__in=(Role.LEADER, Role.ANALYST)).select_related(
        "user", "org", "org__parent"
    )
    return [m.user for m in found if org.path.startswith(m.org.scope.path)]


def live_alerts(unit: Org) -> list[Alert]:
    return list(
        Alert.objects.filter(org__path__startswith=unit.path)
        .exclude(state=AlertState.CLOSED)
        .select_related("topic", "org", "acknowledged_by")[:20]
    )


def _change(alert_id: int, actor: Any, to: str) -> Alert:
    with transaction.atomic():
        alert = Alert.objects.select_for_update().select_related("org").filter(pk=alert_id).first()
        if alert is None or not permissions.may_read(actor, alert.org):
            raise NotFound("预警不存在或不在您的查看范围内。")
        allowed = {
            AlertState.ACKNOWLEDGED: (AlertState.OPEN,),
            AlertState.CLOSED: (AlertState.OPEN, AlertState.ACKNOWLEDGED),
        }[AlertState(to)]
        if alert.state not in allowed:
            raise IllegalTransition(
                f"该预警{alert.get_state_display()}，不能再{AlertState(to).label}。",
                state=alert.state,
            )
        now = timezone.now()
        before = alert.state
        alert.state = to
        if to == AlertState.ACKNOWLEDGED:
            alert.acknowledged_by, alert.acknowledged_at = actor, now
        else:
            alert.closed_by, alert.closed_at = actor, now
        alert.save()
        audit(f"opinion.alert_{to}", actor, alert, before=before)
    return alert


def acknowledge_alert(alert_id: int, actor: Any) -> Alert:
    return _change(alert_id, actor, AlertState.ACKNOWLEDGED)


def close_alert(alert_id: int, actor: Any) -> Alert:
    return _change(alert_id, actor, AlertState.CLOSED)
