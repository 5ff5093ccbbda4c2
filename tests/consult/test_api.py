"""征求意见 and 网上调研 through the JSON API: masked reading, commenting, errors as JSON."""

import pytest
import time_machine

from massline.consult import services
from tests.consult.conftest import at, paragraphs

pytestmark = pytest.mark.django_db


def test_a_resident_comments_through_the_api_and_the_public_reads_it_masked(world, draft, api):
    c = draft()
    p = paragraphs(c)[0]
    with time_machine.travel(at(2026, 12, 3), tick=False):
        res = api(world.people.resident).post(
            f"/api/v1/consultations/{c.pk}/comments",
            {"body": "请公布咨询电话13912345678之外的渠道。", "paragraph_id": p},
        )
        assert res.status_code == 201, res.content
        empty = api(world.people.resident).post(
            f"/api/v1/consultations/{c.pk}/comments", {"body": " "}
        )
        assert empty.status_code == 422
        assert empty.json() == {"code": "invalid", "message": "请填写意见。", "field": "body"}
        public = api().get(f"/api/v1/consultations/{c.pk}").json()
    assert public["phase"] == "open" and public["paragraphs"][0]["id"] == p
    [comment] = public["comment_list"]
    assert comment["body"] == "请公布咨询电话139****5678之外的渠道。"
    assert comment["author"] == "张**"
    listing = api().get("/api/v1/consultations").json()
    assert listing[0]["comments"] == 1


def test_survey_figures_in_the_api_match_the_page(world, api, orgs):
    from datetime import date

    s = services.create_survey(
        world.officer,
        org=orgs.city_housing,
        title="调查",
        questions=[{"kind": "single", "text": "是否养犬", "options": ["是", "否"]}],
        first_day=date(2026, 12, 1),
        last_day=date(2026, 12, 9),
    )
    with time_machine.travel(at(2026, 12, 3), tick=False):
        ok = api(world.people.resident).post(
            f"/api/v1/surveys/{s.pk}/responses", {"answers": {"q1": ["1"]}}
        )
        assert ok.status_code == 201
        twice = api(world.people.resident).post(
            f"/api/v1/surveys/{s.pk}/responses", {"answers": {"q1": ["0"]}}
        )
        assert twice.status_code == 409
        bad = api(world.people.neighbour).post(
            f"/api/v1/surveys/{s.pk}/responses", {"answers": {"q1": ["7"]}}
        )
        assert bad.status_code == 422 and bad.json()["field"] == "q1"
    [figures] = api().get(f"/api/v1/surveys/{s.pk}/results").json()
    assert figures["labels"] == ["是", "否"] and figures["counts"] == [0, 1]
