"""The automatic actions administrators configure (`AutomationRule` rows), and 回访 tasks.

Each rule has a default here for a deployment that has not edited its row; the seed migration
writes the same defaults as rows for administrators to tune (a test holds the two equal).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from massline.appeals import events
from massline.appeals.actions import Action
from massline.appeals.models import Appeal, AutomationRule, FollowUp
from massline.appeals.privacy import notice_link, notice_title
from massline.core.calendar import get_calendar
from massline.notices.models import Level
from massline.notices.services import notify
from massline.orgs.models import Role
from massline.orgs.staff import members

K = AutomationRule.Key


@dataclass(frozen=True)
class RuleDefault:
    enabled: bool
    days: int
    percent: int


DEFAULT_RULES: dict[str, RuleDefault] = {
    K.CLOSE_UNRATED: RuleDefault(True, 3, 0),
    K.FOLLOW_UP_DISSATISFIED: RuleDefault(True, 3, 0),
    K.FOLLOW_UP_SAMPLE: RuleDefault(True, 5, 10),
}
"""close_unrated: close this many working days after the rating window ends (the hub may close
earlier by hand, the platform does it then); follow-ups: done
within `days` working days; the sample takes `percent` % of closed appeals."""


def rule(key: str) -> AutomationRule:
    found = AutomationRule.objects.filter(key=key).first()
    if found is None:
        d = DEFAULT_RULES[key]
        found = AutomationRule(key=key, enabled=d.enabled, days=d.days, percent=d.percent)
    return found


def in_sample(appeal: Appeal, round_: int, percent: int) -> bool:
    """A fixed draw per appeal and round, so every worker and every retry picks the same."""
    digest = hashlib.sha256(f"{appeal.tracking_no}/{round_}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def consider_follow_up(appeal: Appeal, *, dissatisfied: bool, now: datetime) -> FollowUp | None:
    """Inside the transaction that rates or closes `appeal`: owe the resident a 回访 when the
    verdict is dissatisfied, or when the closed round falls in the configured sample. Once per
    round; the hub's dispatchers are told."""
    round_ = appeal.round
    if appeal.sealed:
        return None  # the hub's callers must not learn who reported; the 纪检监察 org follows up
    if FollowUp.objects.filter(appeal=appeal, round=round_).exists():
        return None
    if dissatisfied:
        r, reason = rule(K.FOLLOW_UP_DISSATISFIED), FollowUp.Reason.DISSATISFIED
        if not r.enabled:
            return None
    else:
        r, reason = rule(K.FOLLOW_UP_SAMPLE), FollowUp.Reason.SAMPLE
        if not r.enabled or not in_sample(appeal, round_, r.percent):
            return None
    due = get_calendar().add_working_days(now, max(1, r.days))
    follow = FollowUp.objects.create(
        appeal=appeal, round=round_, hub=appeal.hub, reason=reason, due_at=due, created_at=now
    )
    label = FollowUp.Reason(reason).label
    events.append(
        appeal,
        Action.FOLLOW_UP_DUE,
        actor=None,
        role=Role.SYSTEM,
        now=now,
        note=f"需回访：{label}",
        data={"follow_up": follow.pk, "reason": reason},
        org=appeal.hub,
        public=False,
    )
    notify(
        members(appeal.hub, Role.DISPATCHER),
        key=f"follow_up:{follow.pk}",
        title=f"{appeal.tracking_no} 需回访（{label}）",
        body=notice_title(appeal),
        link=notice_link(appeal),
        level=Level.FOLLOW_UP,
        now=now,
    )
    return follow
