"""The 掌上党建 API with a bearer token: the same policy and ledger as the pages."""

import time_machine
from django.utils import timezone

from massline.party import study
from tests.conftest import Api


def test_a_member_reads_their_points_and_beats_through_the_api(party, article):
    api = Api(party.member)
    res = api.get("/api/v1/party/me")
    assert res.status_code == 200
    assert res.json()["name"] == "方党员" and res.json()["points_total"] == 0
    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = study.start_session(party.record, article)
        clock.shift(30)
        api.post("/api/v1/party/study/beat", {"session": session.pk})
        clock.shift(30)
        res = api.post("/api/v1/party/study/beat", {"session": session.pk})
    assert res.json()["points"] == 1 and res.json()["total"] == 1
    entries = api.get("/api/v1/party/me/points").json()
    assert [e["reason"] for e in entries] == ["阅读文章《党章总纲》"]
    bad = api.post("/api/v1/party/study/beat", {"session": "x"})
    assert bad.status_code == 422 and bad.json()["field"] == "session"


def test_a_resident_gets_a_clear_refusal_and_the_wall_is_public(party):
    res = Api(party.resident).get("/api/v1/party/me")
    assert res.status_code == 403 and "没有登记为党员" in res.json()["message"]
    assert Api().get("/api/v1/party/wishes").status_code == 200
    res = Api(party.member).get(f"/api/v1/party/branches/{party.second.pk}/standings")
    assert res.status_code == 404
    mine = Api(party.member).get(f"/api/v1/party/branches/{party.first.pk}/standings").json()
    assert {r["kind"] for r in mine} >= {"支委会", "支部党员大会", "党课"}
