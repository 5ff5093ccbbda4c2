"""The home page's month figures, on histories made by hand with the workflow at chosen times."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from massline.appeals import figures, services, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal, State
from massline.orgs.models import Level, Org, OrgKind, Region
from tests.conftest import SAMPLE

REPLY = "经现场核查，已责令施工单位夜间22时后停止作业，并安排执法人员每晚巡查。"


def at(y, m, d, hour=10):
    return timezone.make_aware(datetime(y, m, d, hour))


@pytest.fixture
def history(people, orgs):
    """Small steps on one appeal, each at a given moment."""

    def submit(when, **overrides):
        data = AppealIn(**{**SAMPLE, **overrides})
        appeal, _ = services.submit_appeal(people.resident, data, now=when)
        return appeal

    def to_reply(appeal, dispatched, replied):
        d, h = people.county_dispatcher, people.handler
        workflow.perform("accept", appeal.pk, d, now=dispatched)
        workflow.perform("dispatch", appeal.pk, d, {"org_id": orgs.county_urban.pk}, now=dispatched)
        workflow.perform("sign", appeal.pk, h, now=dispatched + timedelta(hours=1))
        workflow.perform("reply", appeal.pk, h, {"text": REPLY}, now=replied)

    def rate(appeal, verdict, when):
        workflow.perform(
            "rate", appeal.pk, people.resident, {"verdict": verdict, "resolved": True}, now=when
        )

    return submit, to_reply, rate


def test_an_empty_month_has_zero_counts_and_no_percentages(places):
    f = figures.month_figures(date(2026, 3, 15))
    assert (f.month, f.received, f.answered, f.ratings) == (date(2026, 3, 1), 0, 0, 0)
    assert f.on_time_percent is None and f.satisfaction_percent is None


def test_received_counts_the_months_appeals_of_the_city_except_withdrawn(history, people):
    submit, _, _ = history
    submit(at(2026, 3, 1, 0) + timedelta(minutes=1))  # just after midnight, Beijing time
    submit(at(2026, 3, 31, 23))
    submit(at(2026, 2, 28, 23))  # February
    submit(at(2026, 4, 1, 0))  # April
    taken_back = submit(at(2026, 3, 10))
    workflow.perform("withdraw", taken_back.pk, people.resident, now=at(2026, 3, 11))
    f = figures.month_figures(date(2026, 3, 15))
    assert f.received == 2


def test_appeals_outside_the_city_are_not_counted(history, places):
    submit, _, _ = history
    wuhan = Region.objects.create(
        code="420100", name="武汉市", level=Level.CITY, parent=places.hubei
    )
    Org.objects.create(name="武汉市12345", kind=OrgKind.HUB, level=Level.CITY, region=wuhan)
    submit(at(2026, 3, 5), region_code="420100")
    submit(at(2026, 3, 5))  # 黄州区, in 黄冈市
    assert figures.month_figures(date(2026, 3, 5)).received == 1
    assert figures.month_figures(date(2026, 3, 5), region_code="420000").received == 2


def test_answered_and_on_time_come_from_the_reply_events_of_the_month(history):
    submit, to_reply, _ = history
    quick, late, next_month = (submit(at(2026, 3, 2)) for _ in range(3))
    to_reply(quick, at(2026, 3, 2, 11), at(2026, 3, 4))  # 2 working days: on time
    to_reply(late, at(2026, 3, 2, 11), at(2026, 3, 30))  # 13 working days were due by ~19 March
    to_reply(next_month, at(2026, 3, 2, 11), at(2026, 4, 2))  # late too, and in April
    late = Appeal.objects.get(pk=late.pk)
    assert late.replied_at > late.reply_due_at

    f = figures.month_figures(date(2026, 3, 1))
    assert (f.answered, f.replies_timed, f.replies_on_time) == (2, 2, 1)
    assert f.on_time_percent == 50
    april = figures.month_figures(date(2026, 4, 1))
    assert (april.received, april.answered, april.on_time_percent) == (0, 1, 0)


def test_a_reopened_appeal_answered_twice_in_the_month_counts_once(history, people, orgs):
    submit, to_reply, rate = history
    appeal = submit(at(2026, 3, 2))
    to_reply(appeal, at(2026, 3, 2, 11), at(2026, 3, 3))
    rate(appeal, "dissatisfied", at(2026, 3, 4))  # a first round dissatisfied reopens
    assert Appeal.objects.get(pk=appeal.pk).state == State.REOPENED
    d, h = people.county_dispatcher, people.handler
    workflow.perform("dispatch", appeal.pk, d, {"org_id": orgs.county_urban.pk}, now=at(2026, 3, 5))
    workflow.perform("sign", appeal.pk, h, now=at(2026, 3, 5, 11))
    workflow.perform("reply", appeal.pk, h, {"text": REPLY}, now=at(2026, 3, 6))
    rate(appeal, "basic", at(2026, 3, 9))

    f = figures.month_figures(date(2026, 3, 1))
    assert f.answered == 1 and f.replies_timed == 2 and f.on_time_percent == 100
    assert (f.ratings, f.satisfied, f.satisfaction_percent) == (2, 1, 50)


def test_satisfaction_counts_satisfied_and_basically_satisfied_of_the_months_ratings(history):
    submit, to_reply, rate = history
    verdicts = ["satisfied", "basic", "satisfied", "dissatisfied"]
    for verdict in verdicts:
        appeal = submit(at(2026, 2, 20))
        to_reply(appeal, at(2026, 2, 20, 11), at(2026, 2, 25))
        rate(appeal, verdict, at(2026, 3, 2))
    old = submit(at(2026, 2, 20))
    to_reply(old, at(2026, 2, 20, 11), at(2026, 2, 25))
    rate(old, "dissatisfied", at(2026, 2, 26))  # February's rating

    f = figures.month_figures(date(2026, 3, 20))
    assert (f.received, f.answered) == (0, 0)
    assert (f.ratings, f.satisfied, f.satisfaction_percent) == (4, 3, 75)
    assert figures.month_figures(date(2026, 2, 1)).satisfaction_percent == 0


def test_the_figures_take_a_fixed_number_of_queries(history, django_assert_num_queries):
    submit, to_reply, rate = history
    for _ in range(3):
        a = submit(at(2026, 3, 2))
        to_reply(a, at(2026, 3, 2, 11), at(2026, 3, 3))
        rate(a, "satisfied", at(2026, 3, 4))
    with django_assert_num_queries(5):
        figures.month_figures(date(2026, 3, 1))


@pytest.mark.django_db(transaction=True)
def test_the_home_page_counts_at_most_once_a_minute_and_each_month_anew(history):
    """Committed rows are needed for the cache to keep anything (nothing read inside a
    transaction is kept), hence a transactional test."""
    submit, _, _ = history
    now = timezone.now()
    first = figures.home_figures(now)
    submit(now)
    assert figures.home_figures(now) == first  # the new appeal shows at the next count
    assert figures.month_figures(timezone.localdate(now)).received == first.received + 1
    later = figures.home_figures(now + timedelta(days=32))
    assert later.month > first.month and later.counted_at > first.counted_at
