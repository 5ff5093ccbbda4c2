"""三会一课: compliance per period (pure), scheduling with notices, check-in, leave, minutes,
and the reminders the worker sends."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from massline.notices.models import Notice
from massline.party import meetings, rules
from massline.party.models import Attendance, Meeting, MeetingKind, MinutesAttachment


@pytest.mark.parametrize(
    ("day", "period", "start", "end"),
    [
        (date(2026, 12, 7), "month", date(2026, 12, 1), date(2027, 1, 1)),
        (date(2026, 11, 30), "quarter", date(2026, 10, 1), date(2027, 1, 1)),
        (date(2026, 4, 1), "quarter", date(2026, 4, 1), date(2026, 7, 1)),
        (date(2026, 6, 30), "half", date(2026, 1, 1), date(2026, 7, 1)),
        (date(2026, 7, 1), "half", date(2026, 7, 1), date(2027, 1, 1)),
        (date(2026, 2, 28), "year", date(2026, 1, 1), date(2027, 1, 1)),
    ],
)
def test_each_period_holds_its_days(day, period, start, end):
    assert rules.period_of(day, period) == (start, end)


def test_a_requirement_is_done_due_soon_or_overdue():
    start, end = date(2026, 10, 1), date(2027, 1, 1)
    held = [date(2026, 9, 30), date(2027, 1, 1)]  # outside the quarter: neither counts
    assert rules.compliance(held, 1, start, end, date(2026, 11, 1)).status == "due"
    assert rules.compliance(held, 1, start, end, date(2026, 12, 26)).status == "soon"
    assert rules.compliance(held, 1, start, end, date(2027, 1, 2)).status == "overdue"
    assert rules.compliance([date(2026, 10, 9)], 1, start, end, date(2027, 1, 2)).status == "done"
    two = rules.compliance([date(2026, 10, 9)], 2, start, end, date(2026, 11, 1))
    assert (two.status, two.held, two.required) == ("due", 1, 2)
    assert rules.period_label(start, "quarter") == "2026年第4季度"


def _schedule(party, starts_at, kind="committee"):
    return meetings.schedule(
        party.secretary,
        party.first,
        kind=meetings.kinds().get(code=kind),
        title="研究社区“微心愿”认领",
        starts_at=starts_at,
        place="余家湾社区党群服务中心",
    )


def test_the_secretary_schedules_a_meeting_and_members_are_told(party, client_for):
    c = client_for(party.secretary)
    kind = meetings.kinds().get(code="committee")
    starts = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    res = c.post(
        f"/party/branch/{party.first.pk}/meetings/",
        {"kind": kind.pk, "title": "十二月支委会", "starts_at": starts, "place": "党群服务中心"},
    )
    meeting = Meeting.objects.get(title="十二月支委会")
    assert res["Location"] == f"/party/meetings/{meeting.pk}/"
    notice = Notice.objects.get(recipient=party.member)
    assert notice.title == "支委会通知：十二月支委会"
    assert not Notice.objects.filter(recipient=party.other_member).exists()
    page = c.get(res["Location"]).content.decode()
    assert meeting.checkin_code in page and "qr.svg" in page
    qr = c.get(f"/party/meetings/{meeting.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert client_for(party.member).get(f"/party/meetings/{meeting.pk}/qr.svg").status_code == 403


def test_a_meeting_form_without_a_place_names_the_field(party, client_for):
    kind = meetings.kinds().get(code="committee")
    res = client_for(party.secretary).post(
        f"/party/branch/{party.first.pk}/meetings/",
        {"kind": kind.pk, "title": "支委会", "starts_at": "2026-12-20T19:00", "place": ""},
    )
    assert res.status_code == 422 and "这个字段是必填项" in res.content.decode()
    assert not Meeting.objects.exists()
    res = client_for(party.member).post(f"/party/branch/{party.first.pk}/meetings/", {"title": "x"})
    assert res.status_code == 403


def test_a_member_checks_in_with_the_code_only_in_the_window_and_only_at_their_branch(
    party, client_for
):
    starts = timezone.now() + timedelta(hours=2)
    meeting = _schedule(party, starts)
    c = client_for(party.member)
    res = c.post("/party/checkin/", {"code": meeting.checkin_code})
    assert res.status_code == 422 and "不在签到时间内" in res.content.decode()
    with time_machine.travel(starts - timedelta(minutes=10)):
        assert c.get(f"/party/checkin/?code={meeting.checkin_code}").status_code == 200
        res = c.post("/party/checkin/", {"code": meeting.checkin_code}, follow=True)
        assert "签到成功" in res.content.decode()
        stranger = client_for(party.other_member)
        assert stranger.post("/party/checkin/", {"code": meeting.checkin_code}).status_code == 422
        assert client_for(party.member).post("/party/checkin/", {"code": "12ab"}).status_code == 422
    assert Attendance.objects.get(meeting=meeting).member == party.record


def test_leave_goes_to_the_secretary_and_minutes_close_the_meeting_with_absences(
    party, client_for, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = _schedule(party, timezone.now() + timedelta(hours=1))
    c = client_for(party.member)
    res = c.post(f"/party/meetings/{meeting.pk}/", {"action": "leave", "reason": ""})
    assert res.status_code == 422
    c.post(f"/party/meetings/{meeting.pk}/", {"action": "leave", "reason": "值班"})
    leave = Notice.objects.get(recipient=party.secretary, key__startswith="party.leave")
    assert leave.body == "值班"
    boss = client_for(party.secretary)
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        res = boss.post(
            f"/party/meetings/{meeting.pk}/",
            {
                "action": "minutes",
                "minutes": "传达学习上级文件；讨论微心愿认领分工。",
                "attachment": SimpleUploadedFile("签到表.jpg", b"\xff\xd8\xff", "image/jpeg"),
            },
        )
        assert res.status_code == 302
        page = boss.get(f"/party/meetings/{meeting.pk}/").content.decode()
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.held_on == rules.points_day(meeting.starts_at)
    assert MinutesAttachment.objects.get(meeting=meeting).name == "签到表.jpg"
    assert "请假（值班）" in page and "缺席" in page
    standing = {r.kind.code: r.standing.status for r in meetings.standings(party.first)}
    assert standing["committee"] == "done"
    assert standing["general"] in ("due", "soon")


def test_the_worker_reminds_the_secretary_once_before_a_requirement_is_missed(party):
    MeetingKind.objects.exclude(code="committee").update(active=False)
    last_week = timezone.now().replace(year=2026, month=12, day=27, hour=12)
    assert meetings.remind(last_week) == 2  # each branch's secretary, of their own branch
    assert meetings.remind(last_week) == 0
    notice = Notice.objects.get(recipient=party.secretary)
    assert notice.title == "支委会2026年12月尚未召开，还剩 5 天"
    assert not Notice.objects.filter(recipient=party.member).exists()


def test_the_committee_above_reads_each_branchs_compliance(party, client_for):
    body = client_for(party.committee).get("/party/overview/").content.decode()
    assert "三会一课本期已落实" in body and "0/7" in body
