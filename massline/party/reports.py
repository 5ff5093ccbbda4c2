"""双报到: a member reports to the community where they live and records the service given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from massline.core.audit import audit
from massline.core.errors import InvalidInput, NotFound
from massline.orgs.models import Org, OrgKind
from massline.party import rules
from massline.party.models import CommunityReport, PartyMember, ServiceRecord


def report(member: PartyMember, community: Org, on: date | None = None) -> CommunityReport:
    if community.kind != OrgKind.PARTY_BRANCH:
        raise InvalidInput("请选择社区的党组织。", field="community")
    if community.pk == member.branch_id:
        raise InvalidInput("这就是您的组织关系所在支部，不需要报到。", field="community")
    with transaction.atomic():
        row, created = CommunityReport.objects.get_or_create(
            member=member,
            community=community,
            defaults={"reported_on": on or rules.points_day(timezone.now())},
        )
        if not created and not row.active:
            row.active = True
            row.save(update_fields=["active"])
        audit("party.reported", target=row, community=community.pk)
    return row


def log_service(
    member: PartyMember, report_id: int, *, day: date, hours: Decimal, task: str
) -> ServiceRecord:
    with transaction.atomic():
        found = CommunityReport.objects.filter(pk=report_id, member=member, active=True).first()
        if found is None:
            raise NotFound("请先向社区报到。", field="report")
        if day > rules.points_day(timezone.now()):
            raise InvalidInput("服务日期不能晚于今天。", field="day")
        row = ServiceRecord.objects.create(report=found, day=day, hours=hours, task=task.strip())
        audit("party.service_logged", target=found, hours=str(hours), task=task.strip()[:100])
    return row


@dataclass(frozen=True)
class Reported:
    report: CommunityReport
    hours: Decimal
    tasks: int
    last: list[ServiceRecord]


def reported_to(community: Org) -> list[Reported]:
    rows = (
        CommunityReport.objects.filter(community=community, active=True)
        .select_related("member__branch")
        .annotate(h=Sum("services__hours"), n=Count("services"))
        .order_by("-reported_on")
    )
    return [Reported(r, r.h or Decimal(0), r.n, list(r.services.all()[:3])) for r in rows]
