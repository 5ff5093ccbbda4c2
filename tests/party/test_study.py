"""Study time from heartbeats through HTTP: time credited honestly, points arrive, caps hold."""

import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from massline.party.models import PointEntry, PointRule, StudySession


def _open(c, lesson):
    body = c.get(f"/party/study/{lesson.pk}/").content.decode()
    return int(re.search(r'data-session="(\d+)"', body).group(1))


def test_reading_an_article_for_a_minute_earns_its_point_once(party, client_for, article):
    c = client_for(party.member)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        session = _open(c, article)
        for _ in range(2):
            clock.shift(30)
            res = c.post("/party/study/beat/", {"session": session}).json()
        assert res["seconds"] == 60
        assert res["points"] == 1
        clock.shift(30)
        assert c.post("/party/study/beat/", {"session": session}).json()["points"] == 0
    assert (
        PointEntry.objects.get(member=party.record, kind="article").reason == "阅读文章《党章总纲》"
    )


def test_a_page_left_open_in_the_background_earns_no_more_than_one_beat(party, client_for, article):
    c = client_for(party.member)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = _open(c, article)
        clock.shift(timedelta(hours=2))
        res = c.post("/party/study/beat/", {"session": session}).json()
        assert res["credited"] == 45
        clock.shift(timedelta(hours=1))
        assert (
            c.post("/party/study/beat/", {"session": session, "resume": "1"}).json()["credited"]
            == 0
        )
    assert StudySession.objects.get(pk=session).seconds == 45


def test_reading_time_earns_a_point_per_four_minutes_up_to_the_cap(party, client_for, article):
    PointRule.objects.filter(kind="reading_time").update(daily_cap=2)
    c = client_for(party.member)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = _open(c, article)
        results = []
        for _ in range(30):  # 15 minutes of beats
            clock.shift(30)
            results.append(c.post("/party/study/beat/", {"session": session}).json())
    earned = sum(
        PointEntry.objects.filter(member=party.record, kind="reading_time").values_list(
            "points", flat=True
        )
    )
    assert earned == 2
    assert results[-1]["capped"] is True
    party.record.refresh_from_db()
    assert results[-1]["total"] == party.record.points_total


def test_a_beat_for_someone_elses_session_is_refused_with_a_message(party, client_for, article):
    session = _open(client_for(party.member), article)
    res = client_for(party.secretary).post("/party/study/beat/", {"session": session})
    assert res.status_code == 404 and "学习记录" in res.json()["error"]
    res = client_for(party.member).post("/party/study/beat/", {"session": "x"})
    assert res.status_code == 400 and "session" in res.json()["error"]


def test_a_course_of_another_committee_is_not_shown(party, client_for, article):
    article.course.org = party.other
    article.course.save()
    c = client_for(party.member)
    assert "党章总纲" not in c.get("/party/study/").content.decode()
    assert c.get(f"/party/study/{article.pk}/").status_code == 404
