"""The ledger and the 考核 rates on histories made by hand, each figure worked out by hand.

The histories run through the workflow at chosen moments of autumn 2026, whose calendar has
the Mid-autumn and National Day holidays (25 Sep, 1–7 Oct) and the make-up working days
Sunday 20 Sep and Saturday 10 Oct (调休). Consultations (咨询) have 3 working days to reply;
signing for an appeal has 24 working hours (one working day), dispatching too.
"""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from massline.appeals import workflow
from massline.assessment import figures, rollup
from massline.assessment.ledger import light
from massline.assessment.models import StepKind
from tests.assessment.conftest import REPLY

NOW = timezone.make_aware(datetime(2026, 11, 20, 12))


def at(month, day, hour=9, minute=0):
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


def month(m):
    return figures.month_period(date(2026, m, 1))


def urban(orgs, period):
    return figures.figures_for([orgs.county_urban], period, orgs.city, now=NOW)[
        orgs.county_urban.pk
    ]


def test_holidays_and_make_up_days_decide_what_is_on_time(book, orgs):
    a = book.new(at(9, 28, 9))  # Monday
    book.dispatch(a, at(9, 28, 9, 30))
    book.do("sign", a, "h", at(9, 28, 15))
    # reply due: Tue 29, Wed 30, then the holiday to Thursday 8 Oct, 09:30
    book.do("reply", a, "h", at(10, 8, 9), text=REPLY)

    b = book.new(at(9, 28, 9))
    book.dispatch(b, at(9, 28, 9, 30))
    book.do("sign", b, "h", at(9, 30, 10))  # sign-for was due Tue 29 09:30: late
    book.do("reply", b, "h", at(10, 9, 10), text=REPLY)  # due 8 Oct 09:30: late

    c = book.new(at(10, 9, 9))  # Friday before the make-up Saturday
    book.dispatch(c, at(10, 9, 10))
    book.do("sign", c, "h", at(10, 9, 11))
    # due: Sat 10 Oct (a working day), Mon 12, Tue 13 at 10:00
    book.do("reply", c, "h", at(10, 13, 11), text=REPLY)
    rollup.rebuild(NOW)

    (ra,) = book.steps(a, StepKind.REPLY)
    assert ra.due_at == at(10, 8, 9, 30) and ra.on_time is True
    (rc,) = book.steps(c, StepKind.REPLY)
    assert rc.due_at == at(10, 13, 10) and rc.on_time is False
    assert rc.decided_at == rc.due_at  # a late step counts when it became late

    sep, octo = urban(orgs, month(9)), urban(orgs, month(10))
    # sign-for: a on time and b late, both judged in September; c on time in October
    assert (sep.sums["sign_judged"], sep.rates["response"]) == (2, 0.5)
    assert (octo.sums["sign_judged"], octo.rates["response"]) == (1, 1.0)
    # replies judged in October: a on time, b late (at its limit, 8 Oct), c late
    assert octo.sums["reply_judged"] == 3
    assert octo.rates["on_time"] == pytest.approx(1 / 3)
    assert octo.count("received") == 1 and sep.count("received") == 2
    # working days from receipt to reply: a 3 − 0.5 h… measured in working time
    assert octo.mean_days == pytest.approx(
        round((ra.workdays + book.steps(b, StepKind.REPLY)[0].workdays + rc.workdays) / 3, 1)
    )


def test_a_transfer_charges_each_department_only_for_the_time_it_held_the_appeal(
    book, orgs, people
):
    d = book.new(at(10, 12, 8))
    book.dispatch(d, at(10, 12, 9), org=orgs.county_env)  # the wrong department
    book.do("sign", d, "env", at(10, 12, 10))
    book.do("transfer", d, "d", at(10, 14, 9), org_id=orgs.county_urban.pk)
    # the appeal's deadline stays 15 Oct 09:00; 城管 got it with two working days used, so it
    # is measured against 15 Oct + 2 working days = Mon 19 Oct 09:00
    book.do("sign", d, "h", at(10, 14, 10))
    book.do("reply", d, "h", at(10, 16, 15), text=REPLY)
    rollup.rebuild(NOW)

    env_reply, urban_reply = book.steps(d, StepKind.REPLY)
    assert env_reply.org == orgs.county_env and env_reply.outcome == "transferred"
    assert env_reply.on_time is None  # ended by the hub's transfer before its limit
    assert urban_reply.due_at == at(10, 19, 9) and urban_reply.on_time is True
    assert urban_reply.cause == "transfer"

    env = figures.figures_for([orgs.county_env], month(10), orgs.city, now=NOW)[orgs.county_env.pk]
    assert env.count("received") == 1 and env.sums["reply_judged"] == 0
    assert env.rates["response"] == 1.0
    u = urban(orgs, month(10))
    assert u.count("received") == 1 and u.rates["on_time"] == 1.0


def test_a_refused_return_is_shirking_and_the_department_keeps_its_first_deadline(book, orgs):
    e = book.new(at(10, 12, 9))
    book.dispatch(e, at(10, 12, 10))
    book.do("return", e, "h", at(10, 12, 16), reason="路灯不属本单位管养，请转供电公司")
    book.do("refuse_return", e, "d", at(10, 13, 9), reason="胜利街路灯由城管局管养，请继续办理")
    book.do("sign", e, "h", at(10, 13, 10))
    book.do("reply", e, "h", at(10, 14, 16), text=REPLY)
    rollup.rebuild(NOW)

    first, again = book.steps(e, StepKind.REPLY)
    assert first.outcome == "returned" and first.shirked and first.on_time is None
    assert again.cause == "refused" and again.due_at == at(10, 15, 10)
    assert again.on_time is True and again.first_time is False
    u = urban(orgs, month(10))
    assert u.count("received") == 1  # the same work again is not received twice
    assert (u.count("returns"), u.count("shirked")) == (1, 1)
    assert u.rates["return_rate"] == 1.0
    assert u.rates["first_time"] == 0.0
    assert u.rates["response"] == 1.0  # the return answered the sign-for in time, then signed


def test_an_approved_extension_moves_the_limit_and_is_counted(book, orgs):
    f = book.new(at(10, 12, 8))
    book.dispatch(f, at(10, 12, 9))  # due Thu 15 Oct 09:00
    book.do("sign", f, "h", at(10, 12, 10))
    book.do("request_extension", f, "h", at(10, 13, 9), days=2, reason="需要协调供电公司停电检修")
    book.do("decide_extension", f, "d", at(10, 13, 11), approve=True)
    book.do("reply", f, "h", at(10, 16, 15), text=REPLY)  # due now Mon 19 Oct 09:00
    rollup.rebuild(NOW)

    (r,) = book.steps(f, StepKind.REPLY)
    assert (r.due_at, r.on_time, r.extensions) == (at(10, 19, 9), True, 1)
    assert urban(orgs, month(10)).count("extensions") == 1


def test_merged_appeals_follow_their_primary_and_are_not_counted_twice(book, orgs):
    primary = book.new(at(10, 12, 8))
    dup = book.new(at(10, 12, 8, 30))
    book.do("accept", primary, "d", at(10, 12, 9))
    book.do("merge", dup, "d", at(10, 12, 9), primary=primary.tracking_no)
    book.do("dispatch", primary, "d", at(10, 12, 9, 30), org_id=orgs.county_urban.pk)
    book.do("sign", primary, "h", at(10, 12, 10))
    book.do("reply", primary, "h", at(10, 13, 10), text=REPLY)
    rollup.rebuild(NOW)

    assert book.steps(dup, StepKind.REPLY) == []
    (hub_step,) = book.steps(dup, StepKind.DISPATCH)
    assert hub_step.outcome == "done" and hub_step.on_time is True
    u = urban(orgs, month(10))
    assert (u.count("received"), u.count("replies")) == (1, 1)
    hub = figures.figures_for([orgs.county_hub], month(10), orgs.city, now=NOW)
    assert hub[orgs.county_hub.pk].count("dispatch_received") == 2


def test_reopening_rework_ratings_and_unrated_closings(book, orgs, people):
    h = book.new(at(10, 12, 8))
    book.dispatch(h, at(10, 12, 9))
    book.do("sign", h, "h", at(10, 12, 10))
    book.do("reply", h, "h", at(10, 13, 10), text=REPLY)
    book.do("rate", h, "r", at(10, 13, 20), verdict="dissatisfied", resolved=False)  # reopens
    book.do("dispatch", h, "d", at(10, 14, 9), org_id=orgs.county_urban.pk)
    book.do("sign", h, "h", at(10, 14, 10))
    book.do("reply", h, "h", at(10, 15, 10), text=REPLY + "复查后已全部修复。")
    book.do("rate", h, "r", at(10, 15, 20), verdict="satisfied", resolved=True)

    i = book.new(at(10, 12, 8))
    book.dispatch(i, at(10, 12, 9))
    book.do("sign", i, "h", at(10, 12, 10))
    book.do("reply", i, "h", at(10, 12, 15), text=REPLY)
    # nobody rates: the rating window (5 working days) ends Mon 19 Oct 15:00, and the platform
    # closes it 3 working days later (the close_unrated rule's default), Thu 22 Oct 15:00
    assert workflow.close_unrated(now=at(10, 22, 14)) == 0
    assert workflow.close_unrated(now=at(10, 22, 16)) == 1
    assert workflow.close_unrated(now=at(10, 22, 17)) == 0
    rollup.rebuild(NOW)

    first, second = book.steps(h, StepKind.REPLY)
    assert first.reworked and not second.reworked
    assert second.round == 2 and second.cause == "reopen"
    u = urban(orgs, month(10))
    # replies: h twice and i; ratings: h dissatisfied then satisfied (i was never rated)
    assert (u.count("replies"), u.count("ratings")) == (3, 2)
    assert u.rates["rework"] == pytest.approx(1 / 3)
    assert u.rates["unrated"] == pytest.approx(1 / 3)
    assert u.rates["resolution"] == 0.5 and u.rates["satisfaction"] == 0.5
    assert u.count("received") == 2  # the reopening brings no new work
    # composite (demo weights 10/45/45): response 1.0, resolution 0.5, satisfaction 0.5
    assert u.score == pytest.approx(100 * (10 * 1.0 + 45 * 0.5 + 45 * 0.5) / 100)


def test_an_open_step_past_its_limit_is_late_and_red_without_any_event(book, orgs):
    g = book.new(at(10, 12, 8))
    book.dispatch(g, at(10, 12, 9))  # reply due Thu 15 Oct 09:00
    book.do("sign", g, "h", at(10, 12, 10))
    rollup.rebuild(at(10, 14, 20))
    (r,) = book.steps(g, StepKind.REPLY)
    assert r.on_time is None and light(r.used) == "yellow"  # 2 days 11 hours of 3 used
    assert urban(orgs, month(10)).sums["reply_judged"] == 0

    assert rollup.refresh(at(10, 15, 10)) >= 1  # nothing happened, but the limit passed
    (r,) = book.steps(g, StepKind.REPLY)
    assert r.on_time is False and r.decided_at == at(10, 15, 9) and light(r.used) == "red"
    u = figures.figures_for([orgs.county_urban], month(10), orgs.city, now=at(10, 15, 10))
    assert u[orgs.county_urban.pk].overdue_now == 1
    assert u[orgs.county_urban.pk].rates["on_time"] == 0.0


def test_a_county_sums_its_departments_and_a_quarter_sums_its_months(book, orgs):
    a = book.new(at(9, 28, 9))
    book.dispatch(a, at(9, 28, 9, 30))
    book.do("sign", a, "h", at(9, 28, 15))
    b = book.new(at(10, 12, 8))
    book.dispatch(b, at(10, 12, 9), org=orgs.county_env)
    book.do("sign", b, "env", at(10, 14, 9))  # due 13 Oct 09:00: late
    rollup.rebuild(NOW)
    q3, q4 = figures.quarter_period(2026, 3), figures.quarter_period(2026, 4)
    county = figures.figures_for([orgs.county], q3, orgs.city, now=NOW)[orgs.county.pk]
    assert county.sums["sign_judged"] == 1 and county.rates["response"] == 1.0
    year = figures.figures_for([orgs.county], figures.year_period(2026), orgs.city, now=NOW)
    assert year[orgs.county.pk].rates["response"] == 0.5
    assert (
        figures.figures_for([orgs.county], q4, orgs.city, now=NOW)[orgs.county.pk].sums[
            "sign_judged"
        ]
        == 1
    )
    custom = figures.custom_period(date(2026, 9, 28), date(2026, 10, 20))
    both = figures.figures_for([orgs.county], custom, orgs.city, now=NOW)[orgs.county.pk]
    assert both.sums["sign_judged"] == 2


def test_refresh_keeps_the_rollup_equal_to_a_rebuild(book, orgs):
    a = book.new(at(10, 12, 8))
    book.dispatch(a, at(10, 12, 9))
    rollup.refresh(at(10, 12, 9, 5) + timedelta(minutes=10))
    book.do("sign", a, "h", at(10, 12, 10))
    book.do("reply", a, "h", at(10, 13, 10), text=REPLY)
    book.do("rate", a, "r", at(10, 13, 20), verdict="basic", resolved=True)
    rollup.refresh(NOW)
    incremental = urban(orgs, month(10)).as_row()
    rollup.rebuild(NOW)
    assert urban(orgs, month(10)).as_row() == incremental
    assert incremental["satisfaction"] == 1.0 and incremental["received"] == 1


def test_a_custom_period_adds_its_whole_months_and_its_odd_days_as_the_ledger_counts_them(
    book, orgs
):
    for day in (28, 29):
        a = book.new(at(9, day, 8))
        book.dispatch(a, at(9, day, 9))
        book.do("sign", a, "h", at(9, day, 10))
        book.do("reply", a, "h", at(9, day + 1, 10), text=REPLY)
    for m, day in ((10, 12), (11, 2), (11, 25)):
        a = book.new(at(m, day, 8))
        book.dispatch(a, at(m, day, 9))
        book.do("sign", a, "h", at(m, day, 10))
        book.do("reply", a, "h", at(m, day + 1, 10), text=REPLY)
    rollup.rebuild(NOW)
    period = figures.custom_period(date(2026, 9, 29), date(2026, 11, 20))
    got = figures.figures_for([orgs.county_urban], period, orgs.city, now=NOW)
    start, end = figures._day_bounds(period.start, period.end)
    direct = rollup.aggregate(start, end, [orgs.county_urban.pk])[(orgs.county_urban.pk, None)]
    assert got[orgs.county_urban.pk].sums == pytest.approx(direct)
    # received: 29 Sep, 12 Oct and 2 Nov (28 Sep and 25 Nov fall outside the days asked for)
    assert got[orgs.county_urban.pk].count("received") == 3
