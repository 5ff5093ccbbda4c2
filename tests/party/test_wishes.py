"""微心愿's life cycle through HTTP, the masked public wall, 双报到's priority, escalation."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from massline.notices.models import Notice
from massline.party import rules, wishes
from massline.party.models import CommunityReport, PartyMember, Wish, WishEvent

BODY = "我家住考棚街12号3单元，腿脚不便，想要一副拐杖。电话13912345678。"


@pytest.fixture
def posted(party, client_for):
    c = client_for(party.resident)
    res = c.post(
        "/party/wishes/new/",
        {"branch": party.first.pk, "title": "张居民想要一副拐杖", "body": BODY, "phone": ""},
    )
    assert res.status_code == 302, res.content.decode()
    return Wish.objects.get()


def test_may_claim_lets_locals_first_and_everyone_after_two_days():
    t = timezone.now()
    assert rules.may_claim(t, t, local=True)
    assert not rules.may_claim(t + timedelta(hours=47), t, local=False)
    assert rules.may_claim(t + timedelta(hours=48), t, local=False)


def test_a_wish_goes_from_post_to_thanks_and_every_step_is_recorded(
    party, client_for, posted, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    resident = client_for(party.resident)
    assert (
        "张居民想要一副拐杖" not in client_for(party.member).get("/party/wishes/").content.decode()
    )
    assert Notice.objects.filter(recipient=party.secretary, key__endswith=":posted").exists()
    boss = client_for(party.secretary)
    res = boss.post(f"/party/wishes/{posted.pk}/", {"action": "reject", "reason": ""})
    assert res.status_code == 422 and "未通过的原因" in res.content.decode()
    boss.post(f"/party/wishes/{posted.pk}/", {"action": "approve"})
    wall = client_for(party.resident).get("/party/wishes/").content.decode()
    assert "张**想要一副拐杖" in wall
    assert "13912345678" not in wall and "考棚街12号" not in wall
    member = client_for(party.member)
    page = member.get(f"/party/wishes/{posted.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    member.post(f"/party/wishes/{posted.pk}/", {"action": "claim"})
    res = client_for(party.secretary).post(
        f"/party/wishes/{posted.pk}/", {"action": "claim"}, follow=True
    )
    assert "这个心愿已认领，不能这样操作" in res.content.decode()
    assert Wish.objects.get(pk=posted.pk).claimed_by == party.record
    image = tmp_path / "p.png"
    Image.new("RGB", (8, 8), (200, 0, 0)).save(image)
    res = member.post(
        f"/party/wishes/{posted.pk}/",
        {
            "action": "fulfil",
            "fulfilment": "已送去拐杖并教会使用。",
            "photo": SimpleUploadedFile("p.png", image.read_bytes(), "image/png"),
        },
    )
    assert res.status_code == 302
    res = resident.post(
        f"/party/wishes/{posted.pk}/", {"action": "thank", "thanks": "谢谢方党员！"}
    )
    assert res.status_code == 302
    posted.refresh_from_db()
    assert posted.status == "thanked" and posted.photo
    assert list(WishEvent.objects.filter(wish=posted).values_list("action", flat=True)) == [
        "posted", "published", "claimed", "fulfilled", "thanked",
    ]  # fmt: skip
    assert Notice.objects.filter(recipient=party.member, key__endswith=":thanked").exists()
    assert Notice.objects.filter(recipient=party.resident, key__endswith=":fulfilled").exists()


def test_only_the_claimer_fulfils_and_only_the_resident_thanks(party, client_for, posted):
    wishes.review(party.secretary, posted.pk, True)
    wishes.claim(party.record, posted.pk)
    res = client_for(party.secretary).post(
        f"/party/wishes/{posted.pk}/", {"action": "fulfil", "fulfilment": "x"}
    )
    assert res.status_code == 403
    wishes.fulfil(party.record, posted.pk, "办好了")
    res = client_for(party.member).post(f"/party/wishes/{posted.pk}/", {"action": "thank"})
    assert res.status_code == 403
    posted.refresh_from_db()
    assert posted.status == "fulfilled"


def test_members_of_other_communities_wait_two_days_unless_they_reported_here(party, posted):
    now = timezone.now()
    wishes.review(party.secretary, posted.pk, True, now=now)
    with pytest.raises(Exception, match="优先认领"):
        wishes.claim(party.other_record, posted.pk, now=now + timedelta(hours=1))
    CommunityReport.objects.create(
        member=party.other_record, community=party.first, reported_on=now
    )
    assert wishes.claim(party.other_record, posted.pk, now=now + timedelta(hours=1)).claimed_by == (
        party.other_record
    )


def test_a_submitted_wish_is_seen_only_by_its_resident_and_the_branch(party, client_for, posted):
    assert client_for(party.member).get(f"/party/wishes/{posted.pk}/").status_code == 404
    assert client_for(party.other_secretary).get(f"/party/wishes/{posted.pk}/").status_code == 404
    assert client_for(party.resident).get(f"/party/wishes/{posted.pk}/").status_code == 200
    assert client_for(party.secretary).get(f"/party/wishes/{posted.pk}/").status_code == 200


def test_an_unclaimed_wish_escalates_to_the_branch_once(party, posted):
    now = timezone.now()
    wishes.review(party.secretary, posted.pk, True, now=now)
    assert wishes.escalate(now + timedelta(days=6)) == 0
    with time_machine.travel(now + timedelta(days=8)):
        assert wishes.escalate() == 1
        assert wishes.escalate() == 0
    notice = Notice.objects.get(recipient=party.secretary, key__endswith=":escalated")
    assert notice.title.startswith("微心愿超过 7 天无人认领")
    assert WishEvent.objects.filter(wish=posted, action="escalated").count() == 1


def test_a_secretary_posts_on_behalf_and_a_member_cannot(party, client_for):
    res = client_for(party.secretary).post(
        "/party/wishes/new/",
        {"branch": party.first.pk, "title": "帮李奶奶网上缴医保", "body": "不会用手机。",
         "resident_name": "李桂英"},
    )  # fmt: skip
    assert res.status_code == 302
    wish = Wish.objects.get(resident_name="李桂英")
    assert wish.resident is None and wish.posted_by == party.secretary
    form = client_for(party.member).get("/party/wishes/new/").content.decode()
    assert "resident_name" not in form


def test_reported_members_are_seen_by_the_community_branch(party, client_for):
    c = client_for(party.other_member)
    res = c.post("/party/reports/", {"action": "report", "community": party.first.pk})
    assert res.status_code == 302
    report = CommunityReport.objects.get(member=party.other_record)
    res = c.post(
        "/party/reports/",
        {"action": "service", "report": report.pk, "day": timezone.localdate().isoformat(),
         "hours": "2.5", "task": "陪独居老人就医"},
    )  # fmt: skip
    assert res.status_code == 302
    page = client_for(party.secretary).get(f"/party/branch/{party.first.pk}/reports/")
    body = page.content.decode()
    assert "王党员" in body and "2.5" in body and "陪独居老人就医" in body
    own = c.post("/party/reports/", {"action": "report", "community": party.second.pk})
    assert own.status_code == 422 and "不需要报到" in own.content.decode()
    assert PartyMember.objects.get(pk=party.other_record.pk).reports.count() == 1
