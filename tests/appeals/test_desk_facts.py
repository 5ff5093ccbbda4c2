"""What the desk is told about an appeal: who acted, and only actions that can succeed."""


def _act(api, user, tn, path, body=None):
    return api(user).post(f"/api/v1/appeals/{tn}/{path}", body or {})


def test_staff_see_who_acted_and_residents_do_not(api, people, orgs, submit):
    tn = submit()["tracking_no"]
    assert _act(api, people.county_dispatcher, tn, "accept").status_code == 200
    staff = api(people.county_dispatcher).get(f"/api/v1/appeals/{tn}").json()
    assert staff["timeline"][-1]["actor"] == "王派单"
    resident = api(people.resident).get(f"/api/v1/appeals/{tn}").json()
    assert resident["timeline"][-1]["actor"] is None


def test_deciding_an_extension_is_offered_only_while_one_is_pending(api, people, orgs, submit):
    tn = submit()["tracking_no"]
    d = people.county_dispatcher
    _act(api, d, tn, "accept")
    _act(api, d, tn, "dispatch", {"org_id": orgs.county_urban.pk})
    _act(api, people.handler, tn, "sign")
    assert "decide_extension" not in api(d).get(f"/api/v1/appeals/{tn}").json()["actions"]
    ask = {"days": 3, "reason": "需采购配件"}
    assert _act(api, people.handler, tn, "extension", ask).status_code == 200
    assert "decide_extension" in api(d).get(f"/api/v1/appeals/{tn}").json()["actions"]


def test_a_hub_cannot_be_the_lead_department(api, people, orgs, submit):
    tn = submit()["tracking_no"]
    _act(api, people.county_dispatcher, tn, "accept")
    res = _act(api, people.county_dispatcher, tn, "dispatch", {"org_id": orgs.county_hub.pk})
    assert res.status_code == 422 and res.json()["field"] == "org_id"
