"""The month's figures the home page shows for the city: received, answered, on time, satisfied.

Every figure is read from rows that are never rewritten (appeals' creation time, the append-only
events, the ratings), so a figure for a past month does not change when an appeal moves on.
Months are calendar months in the platform's time zone; "the city" is the region
settings.MASSLINE_REGION and everything below it (all appeals when that region is unknown).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from massline.appeals.actions import Action
from massline.appeals.models import Appeal, AppealEvent, Rating, State, Verdict
from massline.core.cache import ProcessCache
from massline.orgs.models import Region


@dataclass(frozen=True)
class MonthFigures:
    month: date
    """The first day of the month counted."""
    received: int
    """Appeals created in the month (any channel) in the city, except those the resident
    withdrew: a withdrawn appeal is taken back, not asked."""
    answered: int
    """Appeals of the city that received a public reply (a `reply` event) in the month; an
    appeal answered twice in the month (after a reopening) counts once."""
    replies_timed: int
    """Replies in the month that had a reply deadline running (a merged appeal answered
    through its primary has none of its own)."""
    replies_on_time: int
    """Of `replies_timed`, those given no later than the deadline in force at the moment of
    the reply (the event's `due_after`, extensions included)."""
    ratings: int
    """Ratings residents of the city gave in the month, each round of each appeal once."""
    satisfied: int
    """Of `ratings`, those 满意 or 基本满意."""
    counted_at: datetime
    """When these were counted (the home page says so: it shows them up to a minute old)."""

    @property
    def on_time_percent(self) -> int | None:
        """按时答复率: replies_on_time / replies_timed in whole percent; None with no reply."""
        return _percent(self.replies_on_time, self.replies_timed)

    @property
    def satisfaction_percent(self) -> int | None:
        """满意率: (满意 + 基本满意) / all ratings in whole percent; None with no rating."""
        return _percent(self.satisfied, self.ratings)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _month_bounds(day: date) -> tuple[date, datetime, datetime]:
    first = day.replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)

    def start(d: date) -> datetime:
        return timezone.make_aware(datetime.combine(d, time.min))

    return first, start(first), start(following)


def _city_path(region_code: str | None) -> str | None:
    code = region_code if region_code is not None else settings.MASSLINE_REGION
    return Region.objects.filter(code=code).values_list("path", flat=True).first()


def month_figures(
    day: date | None = None, *, region_code: str | None = None, now: datetime | None = None
) -> MonthFigures:
    """The figures of the month that contains `day` (default: today, local time) for the
    region `region_code` (default: settings.MASSLINE_REGION). Four aggregate queries and one
    lookup of the region, whatever the number of appeals."""
    day = day or timezone.localdate(now or timezone.now())
    first, start, end = _month_bounds(day)
    path = _city_path(region_code)
    in_city = Q(region__path__startswith=path) if path else Q()
    via_appeal = Q(appeal__region__path__startswith=path) if path else Q()

    received = (
        Appeal.objects.filter(in_city, created_at__gte=start, created_at__lt=end)
        .exclude(state=State.WITHDRAWN)
        .count()
    )
    replies = AppealEvent.objects.filter(
        via_appeal, action=Action.REPLY, created_at__gte=start, created_at__lt=end
    )
    answered = replies.values("appeal_id").distinct().count()
    timed = replies.aggregate(
        timed=Count("pk", filter=Q(due_after__isnull=False)),
        on_time=Count("pk", filter=Q(due_after__isnull=False, created_at__lte=F("due_after"))),
    )
    rated = Rating.objects.filter(via_appeal, created_at__gte=start, created_at__lt=end).aggregate(
        all=Count("pk"),
        satisfied=Count("pk", filter=Q(verdict__in=[Verdict.SATISFIED, Verdict.BASIC])),
    )
    return MonthFigures(
        month=first,
        received=received,
        answered=answered,
        replies_timed=timed["timed"],
        replies_on_time=timed["on_time"],
        ratings=rated["all"],
        satisfied=rated["satisfied"],
        counted_at=timezone.now(),
    )


HOME = ProcessCache(seconds=60)
"""This month's figures for the home page, per (region, month): the home page is the most read
page and four counts over a month of appeals, replies and ratings are the most of its time.
Counted at most once a minute per process; the month is in the key, so a new month starts
with its own figures, and the page shows when they were counted."""


def home_figures(now: datetime | None = None) -> MonthFigures:
    """The figures of this month (local time) for the city, at most a minute old."""
    day = timezone.localdate(now or timezone.now())
    key = (settings.MASSLINE_REGION, day.replace(day=1))
    return HOME.get(key, lambda: month_figures(day))
