"""The working-day calendar as the database states it, cached per process.

``get_calendar()`` joins the holiday package with the administrators' tables.  The cached
calendar is dropped when either table is saved or deleted in this process, re-checked against
a fingerprint of the tables every ``RECHECK_SECONDS`` (edits made by other processes), and
never cached while this thread has an uncommitted calendar edit, because a rolled-back edit
sends no signal (this is what keeps tests that add overrides inside a transaction correct).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone

from massline.core.audit import audit
from massline.core.models import CalendarDay, CalendarYear
from massline.core.workdays import ScheduleDay, WorkCalendar, package_day_name

RECHECK_SECONDS = 30.0


@dataclass(frozen=True)
class _Cached:
    calendar: WorkCalendar
    fingerprint: tuple[object, ...]
    checked_at: float


_cached: _Cached | None = None
_thread = threading.local()


def _fingerprint() -> tuple[object, ...]:
    days = CalendarDay.objects.aggregate(
        n=Count("id"), changed=Max("updated_at"), last=Max("id"), latest=Max("date")
    )
    years = CalendarYear.objects.aggregate(n=Count("id"), total=Sum("year"), last=Max("id"))
    return tuple(days.values()) + tuple(years.values())


def _build() -> WorkCalendar:
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    maintained = CalendarYear.objects.values_list("year", flat=True)
    return WorkCalendar(overrides, maintained, tz=ZoneInfo(settings.TIME_ZONE))


def get_calendar() -> WorkCalendar:
    """The working-day calendar: CalendarDay overrides, then the package, then Monday–Friday."""
    global _cached
    if getattr(_thread, "dirty", False):
        if transaction.get_connection().in_atomic_block:
            return _build()
        _thread.dirty = False
        _cached = None
    cached = _cached
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < RECHECK_SECONDS:
        return cached.calendar
    fingerprint = _fingerprint()
    if cached is not None and cached.fingerprint == fingerprint:
        _cached = _Cached(cached.calendar, fingerprint, now)
        return cached.calendar
    calendar = _build()
    _cached = _Cached(calendar, fingerprint, now)
    return calendar


def clear_calendar_cache(**_kwargs: Any) -> None:
    global _cached
    _cached = None


def _table_changed(using: str | None = None, **_kwargs: Any) -> None:
    clear_calendar_cache()
    if transaction.get_connection(using).in_atomic_block:
        _thread.dirty = True
        transaction.on_commit(_committed, using=using)


def _committed() -> None:
    _thread.dirty = False
    clear_calendar_cache()


def connect_signals() -> None:
    for model in (CalendarDay, CalendarYear):
        post_save.connect(_table_changed, sender=model, dispatch_uid=f"calendar-{model.__name__}")
        post_delete.connect(
            _table_changed, sender=model, dispatch_uid=f"calendar-del-{model.__name__}"
        )
    post_migrate.connect(clear_calendar_cache, dispatch_uid="calendar-migrate")


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def calendar_warnings(start: date, end: date, calendar: WorkCalendar | None = None) -> list[str]:
    """Warnings for staff when a span runs through a year whose holidays nobody entered."""
    calendar = calendar or get_calendar()
    return [
        f"{year}年节假日安排尚未录入，期限按周一至周五计算，"
        "请管理员在“节假日”中录入国务院公布的安排。"
        for year in calendar.fallback_years(_as_date(start), _as_date(end))
    ]


def year_schedule(year: int) -> list[ScheduleDay]:
    """Every holiday and make-up working day of ``year``, with the name staff know it by."""
    names = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "name"))
    return [
        ScheduleDay(day, is_workday, names.get(day) or package_day_name(day) or "")
        for day, is_workday in get_calendar().marked_days(year).items()
    ]


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    deleted: int
    year_created: bool


def load_year_schedule(
    year: int, days: list[ScheduleDay], note: str = "", replace: bool = False
) -> LoadResult:
    """Store a year's official schedule and mark the year as entered, all or nothing.

    ``replace`` also deletes the year's rows that ``days`` does not list (a corrected file).
    """
    created = updated = deleted = 0
    with transaction.atomic():
        for day in days:
            _, was_created = CalendarDay.objects.update_or_create(
                date=day.date, defaults={"is_workday": day.is_workday, "name": day.name}
            )
            created += was_created
            updated += not was_created
        if replace:
            stale = CalendarDay.objects.filter(date__year=year).exclude(
                date__in=[d.date for d in days]
            )
            deleted = stale.count()
            stale.delete()
        entry, year_created = CalendarYear.objects.get_or_create(year=year, defaults={"note": note})
        if note and not year_created and entry.note != note:
            entry.note = note
            entry.save(update_fields=["note"])
        audit(
            "calendar.year_loaded",
            target=entry,
            created=created,
            updated=updated,
            deleted=deleted,
        )
    return LoadResult(created, updated, deleted, year_created)
