"""建言献策: a member writes to their branch or a committee above; that organisation answers."""

from massline.notices.models import Notice
from massline.party.models import Suggestion


def test_a_member_suggests_to_the_committee_above_and_its_secretary_answers(party, client_for):
    c = client_for(party.member)
    res = c.post(
        "/party/suggestions/",
        {"org": party.community.pk, "title": "楼道照明", "body": "建议党员认领楼栋照明巡查。"},
    )
    row = Suggestion.objects.get()
    assert res["Location"] == f"/party/suggestions/{row.pk}/"
    assert Notice.objects.filter(recipient=party.committee).exists()
    assert client_for(party.secretary).get(f"/party/suggestions/{row.pk}/").status_code == 404
    boss = client_for(party.committee)
    assert boss.post(f"/party/suggestions/{row.pk}/", {"answer": ""}).status_code == 422
    boss.post(f"/party/suggestions/{row.pk}/", {"answer": "已列入下月主题党日。"})
    page = c.get(f"/party/suggestions/{row.pk}/").content.decode()
    assert "已列入下月主题党日。" in page
    assert Notice.objects.filter(recipient=party.member, key__endswith=":answered").exists()


def test_a_suggestion_to_an_organisation_outside_the_members_line_is_refused(party, client_for):
    res = client_for(party.member).post(
        "/party/suggestions/", {"org": party.other.pk, "title": "x", "body": "y"}
    )
    assert res.status_code == 422 and "选择一个有效的选项" in res.content.decode()
    assert not Suggestion.objects.exists()
