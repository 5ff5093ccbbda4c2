"""The party pages through HTTP: who sees what, the secretary's dashboard, the roster."""

from datetime import date

from massline.party.models import CommitteeSeat, PartyMember


def test_a_member_sees_their_own_branch_and_not_another(party, client_for):
    c = client_for(party.member)
    assert c.get(f"/party/branch/{party.first.pk}/").status_code == 200
    assert c.get(f"/party/branch/{party.second.pk}/").status_code == 404
    roster = c.get(f"/party/branch/{party.first.pk}/members/")
    assert "方党员" in roster.content.decode()
    assert "登记党员" not in roster.content.decode()
    assert c.get(f"/party/branch/{party.first.pk}/members/new/").status_code == 403


def test_a_secretary_manages_only_their_own_branch(party, client_for):
    c = client_for(party.secretary)
    res = c.post(
        f"/party/branch/{party.first.pk}/members/new/",
        {"name": "新党员", "stage": "probationary", "status": "active", "joined_on": "2026-07-01"},
    )
    assert res.status_code == 302
    assert PartyMember.objects.get(name="新党员").branch == party.first
    assert c.get(f"/party/branch/{party.second.pk}/members/new/").status_code == 404
    assert c.post(f"/party/branch/{party.second.pk}/members/new/", {"name": "x"}).status_code == 404
    assert not PartyMember.objects.filter(name="x").exists()


def test_a_bad_member_form_names_the_field_and_stores_nothing(party, client_for):
    c = client_for(party.secretary)
    res = c.post(
        f"/party/branch/{party.first.pk}/members/new/",
        {
            "name": "",
            "stage": "full",
            "status": "active",
            "joined_on": "2020-07-01",
            "full_on": "2019-01-01",
        },
    )
    body = res.content.decode()
    assert res.status_code == 200
    assert "转正日期不能早于入党日期" in body
    assert "这个字段是必填项" in body
    assert PartyMember.objects.count() == 4


def test_the_committee_above_sees_its_branches_and_manages_none(party, client_for):
    c = client_for(party.committee)
    overview = c.get("/party/overview/").content.decode()
    assert "余家湾第一支部" in overview and "余家湾第二支部" in overview
    assert "长江社区支部" not in overview
    assert c.get(f"/party/branch/{party.second.pk}/").status_code == 200
    assert c.get(f"/party/branch/{party.other.pk}/").status_code == 404
    assert c.get(f"/party/branch/{party.first.pk}/members/new/").status_code == 403


def test_a_resident_sees_no_party_page(party, client_for):
    c = client_for(party.resident)
    for url in ("/party/", f"/party/branch/{party.first.pk}/", "/party/study/", "/party/quiz/"):
        assert c.get(url).status_code == 403, url
    assert "党建" not in c.get("/").content.decode().split("<main")[0]


def test_anonymous_visitors_are_sent_to_login(party, client):
    res = client.get("/party/")
    assert res.status_code == 302 and "login" in res["Location"]


def test_a_party_member_is_sent_from_the_empty_office_to_the_party_pages(party, client_for):
    c = client_for(party.member)
    res = c.get("/office/")
    assert res.status_code == 302 and res["Location"] == "/party/"
    home = c.get("/party/").content.decode()
    assert "党建" in home.split("<main")[0]
    assert "方党员" in home


def test_the_dashboard_shows_the_branch_figures_and_a_term_ending_soon(party, client_for):
    today = date.today()
    CommitteeSeat.objects.create(
        branch=party.first,
        member=party.secretary_record,
        post="secretary",
        term_start=today.replace(year=today.year - 3),
        term_end=today.replace(day=1) + (date(2001, 2, 1) - date(2001, 1, 1)),
    )
    PartyMember.objects.create(branch=party.first, name="积极分子甲", stage="activist")
    body = client_for(party.secretary).get(f"/party/branch/{party.first.pk}/").content.decode()
    assert "余书记" in body
    assert "请准备换届" in body
    assert "入党积极分子" in body


def test_the_secretary_seats_a_committee_member_and_a_bad_term_is_named(party, client_for):
    c = client_for(party.secretary)
    url = f"/party/branch/{party.first.pk}/members/"
    res = c.post(url, {"member": party.record.pk, "post": "publicity", "term_start": "2026-01-01",
                       "term_end": "2025-01-01"})  # fmt: skip
    assert res.status_code == 422 and "任期届满日期须晚于任期开始日期" in res.content.decode()
    res = c.post(url, {"member": party.other_record.pk, "post": "publicity",
                       "term_start": "2026-01-01", "term_end": "2029-01-01"})  # fmt: skip
    assert res.status_code == 422
    res = c.post(url, {"member": party.record.pk, "post": "publicity", "term_start": "2026-01-01",
                       "term_end": "2029-01-01"})  # fmt: skip
    assert res.status_code == 302
    assert CommitteeSeat.objects.get(branch=party.first).member == party.record
    assert client_for(party.member).post(url, {"member": party.record.pk}).status_code == 403


def test_the_roll_page_shows_the_seat_form_in_its_content_not_its_title(party, client_for):
    body = client_for(party.secretary).get(f"/party/branch/{party.first.pk}/members/")
    title = body.content.decode().split("</title>")[0]
    assert "登记支部委员" not in title
    assert body.content.decode().split("<main")[1].count("登记支部委员（换届或补选）") == 1
