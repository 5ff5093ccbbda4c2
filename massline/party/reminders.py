"""The worker's periodic sweep for 掌上党建: meetings about to be missed, committee terms
ending, development steps falling due, dues in arrears, wishes unclaimed or unfulfilled past
their deadlines. Each notice has a unique key, so a sweep run twice sends nothing new."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from massline.notices.services import notify
from massline.party import development, dues, meetings, wishes

ARREARS_MONTHS = 3
"""A member owing this many months is reminded (党员连续六个月不交纳党费 is 自行脱党)."""


def _dues(now: datetime) -> int:
    month = dues.month_of(now)
    sent = 0
    for member, owed in dues.members_in_arrears(ARREARS_MONTHS, now):
        sent += len(
            notify(
                [member.user],
                key=f"party.arrears:{member.pk}:{month:%Y%m}",
                title=f"您已有 {owed.months} 个月党费未交，共 {owed.total} 元",
                body="请尽快向支部党费收缴员交纳。",
                link=reverse("party:my_dues"),
                level="warning",
                now=now,
            )
        )
    return sent


def sweep(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return meetings.remind(now) + _dues(now) + wishes.escalate(now) + development.remind(now)
