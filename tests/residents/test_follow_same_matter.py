"""Same matter, +1 (issue 16 item 16): while a resident types a title, the submit page shows
similar public appeals of the same place; following one (关注) is counted once and brings its
reply to the follower."""

import pytest
from django.test import Client

from massline.appeals import workflow
from massline.appeals.actions import AppealIn
from massline.appeals.services import submit_appeal
from massline.core.models import AuditEvent
from massline.notices.models import Notice
from tests.conftest import SAMPLE

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _accepted(people, dispatcher=None, **over):
    a = submit_appeal(people.resident, AppealIn(**{**SAMPLE, **over}))[0]
    workflow.do_accept(a.pk, dispatcher or people.county_dispatcher)
    return a


def test_the_submit_page_offers_similar_public_appeals_of_the_same_county(people):
    near = _accepted(people, title="考棚街工地夜间施工噪音扰民")
    private = _accepted(people, title="考棚街夜间施工噪音太大", is_public=False)
    elsewhere = _accepted(
        people, people.macheng_dispatcher, title="麻城夜间施工噪音扰民", region_code="421181"
    )
    c = signed_in(people.neighbour)
    assert 'hx-get="/submit/similar/"' in c.get("/submit/").text
    part = c.get(
        "/submit/similar/",
        {"title": "夜间施工噪音", "region_code": "421102001"},
        headers={"HX-Request": "true"},
    ).text
    assert near.tracking_no in part and "关注" in part
    assert private.tracking_no not in part and elsewhere.tracking_no not in part
    assert "<html" not in part
    assert (
        c.get(
            "/submit/similar/", {"title": "完全无关的内容", "region_code": "421102001"}
        ).status_code
        == 200
    )


def test_following_counts_once_and_the_follower_hears_of_the_reply(people, orgs):
    a = _accepted(people)
    c = signed_in(people.neighbour)
    for _ in range(2):
        assert c.post(f"/appeals/{a.tracking_no}/follow/").status_code == 302
    page = c.get(f"/appeals/{a.tracking_no}/").text
    assert "1 人关注" in page and "取消关注" in page
    assert AuditEvent.objects.filter(action="appeal.followed").count() == 1
    workflow.do_dispatch(a.pk, people.county_dispatcher, org_id=orgs.county_urban.pk)
    workflow.do_sign(a.pk, people.handler)
    workflow.do_reply(a.pk, people.handler, text="已责令施工方夜间停工，并安排夜间巡查。")
    told = Notice.objects.filter(recipient=people.neighbour, key__startswith="follow:")
    assert told.count() == 1 and "您关注的留言已答复" in told.get().title
    c.post(f"/appeals/{a.tracking_no}/follow/", {"follow": "0"})
    assert "0 人关注" in c.get(f"/appeals/{a.tracking_no}/").text


def test_nobody_follows_their_own_or_a_private_appeal(people):
    own = _accepted(people)
    private = _accepted(people, is_public=False)
    mine = signed_in(people.resident)
    mine.post(f"/appeals/{own.tracking_no}/follow/")
    assert own.follows.count() == 0
    assert (
        signed_in(people.neighbour).post(f"/appeals/{private.tracking_no}/follow/").status_code
        == 404
    )
