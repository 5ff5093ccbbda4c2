"""Reminders per step and level, once each, and the supervision chain of an overdue 督办."""

from datetime import datetime

from django.utils import timezone

from massline.appeals.models import AppealEvent
from massline.assessment import reminders, rollup
from massline.notices.models import Notice
from massline.orgs.models import Role
from tests.conftest import _user


def at(month, day, hour=9):
    return timezone.make_aware(datetime(2026, month, day, hour))


def remind_levels(appeal):
    return [
        (e.data.get("step", "").split(":")[0], e.data.get("level"))
        for e in AppealEvent.objects.filter(appeal=appeal, action="remind").order_by("id")
    ]


def test_warning_then_overdue_each_once_to_handler_leader_and_hub(book, people, orgs):
    a = book.new(at(10, 12, 8), kind="consultation")
    book.dispatch(a, at(10, 12, 9))  # sign-for due 13 Oct 09:00, reply due 15 Oct 09:00
    book.do("sign", a, "h", at(10, 12, 10))
    rollup.rebuild(at(10, 14, 20))
    assert reminders.sweep(at(10, 14, 20)) == 1  # 82 % of the reply limit used: a warning
    assert reminders.sweep(at(10, 14, 21)) == 0
    assert reminders.sweep(at(10, 15, 10)) == 1  # now overdue
    assert reminders.sweep(at(10, 15, 11)) == 0
    assert remind_levels(a) == [("reply", "warning"), ("reply", "overdue")]
    for level in ("warning", "overdue"):
        who = set(Notice.objects.filter(level=level).values_list("recipient__username", flat=True))
        assert who == {"hz_urban", "hg_leader", "hz_dispatch"}
    # the resident's public timeline does not show the platform's reminders
    assert not AppealEvent.objects.filter(action="remind", is_public=True).exists()


def test_a_step_that_skipped_levels_while_no_sweep_ran_gets_only_the_highest(book):
    a = book.new(at(10, 12, 8), kind="consultation")
    book.dispatch(a, at(10, 12, 9))
    rollup.rebuild(at(11, 20))
    reminders.sweep(at(11, 20))
    assert remind_levels(a) == [("sign", "severe"), ("reply", "severe")]


def test_a_supervised_appeal_left_overdue_climbs_to_the_level_above(book, people, orgs):
    county_leader = _user("hz_leader", "黄州区领导", org=orgs.county, role=Role.LEADER)
    a = book.new(at(10, 12, 8), kind="consultation")
    book.dispatch(a, at(10, 12, 9))
    book.do("sign", a, "h", at(10, 12, 10))
    book.do("supervise", a, "leader", at(10, 12, 11), note="群众反映强烈，请加快办理")
    # 督办: due within 5 working days, but never later than before (15 Oct 09:00)
    assert people.handler.notices.filter(level="supervision").count() == 1
    rollup.rebuild(at(10, 15, 10))
    reminders.sweep(at(10, 15, 10))
    assert set(Notice.objects.filter(level="overdue").values_list("recipient", flat=True)) == {
        people.handler.pk,
        county_leader.pk,
        people.county_dispatcher.pk,
    }
    assert not people.leader.notices.exists()
    rollup.refresh(at(10, 22, 10))  # five working days overdue
    reminders.sweep(at(10, 22, 10))
    (up,) = people.leader.notices.all()
    assert "提请上级督促" in up.title and up.level == "supervision"
    reminders.sweep(at(10, 23, 10))
    assert people.leader.notices.count() == 1


def test_a_leader_of_the_department_itself_is_its_nearest_leader(book, people, orgs):
    head = _user("urban_head", "城管局长", org=orgs.county_urban, role=Role.LEADER)
    a = book.new(at(10, 12, 8), kind="consultation")
    book.dispatch(a, at(10, 12, 9))
    rollup.rebuild(at(10, 13, 10))
    reminders.sweep(at(10, 13, 10))  # the sign-for is overdue
    who = set(Notice.objects.values_list("recipient", flat=True))
    assert head.pk in who and people.leader.pk not in who


def test_notices_carry_the_title_masked_since_e_mail_and_sms_leave_the_site(book):
    a = book.new(at(10, 12, 8), kind="consultation")
    a.title = "路灯不亮请回电13912345678"
    a.save()
    book.dispatch(a, at(10, 12, 9))
    rollup.rebuild(at(10, 13, 10))
    reminders.sweep(at(10, 13, 10))
    reminded = Notice.objects.exclude(key__startswith="resident:")
    bodies = list(reminded.values_list("body", flat=True))
    assert bodies and all("139****5678" in b and "13912345678" not in b for b in bodies)
    told = Notice.objects.filter(key__startswith="resident:")
    titles = list(told.values_list("title", flat=True))
    assert titles and all("139****5678" in t and "13912345678" not in t for t in titles)
