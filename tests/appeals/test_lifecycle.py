"""An appeal's whole life through the API, as residents and staff see it."""

from massline.appeals.models import Appeal, AppealEvent


def test_a_resident_walks_one_appeal_from_submission_to_rating(api, people, orgs, submit):
    appeal = submit()
    no = appeal["tracking_no"]
    assert no.startswith("HG") and appeal["state"] == "submitted"
    assert appeal["hub"] == "黄州区12345热线中心"

    dispatcher, handler = api(people.county_dispatcher), api(people.handler)
    assert dispatcher.post(f"/api/v1/appeals/{no}/accept").json()["state"] == "accepted"
    res = dispatcher.post(
        f"/api/v1/appeals/{no}/dispatch",
        {"org_id": orgs.county_urban.pk, "co_org_ids": [orgs.county_env.pk]},
    )
    body = res.json()
    assert res.status_code == 200 and body["state"] == "assigned"
    assert body["lead_org"] == "黄州区城市管理执法局"
    assert body["co_orgs"] == ["黄冈市生态环境局黄州分局"]
    assert body["deadline"]["reply_due_at"] is not None

    assert handler.post(f"/api/v1/appeals/{no}/sign").json()["state"] == "in_progress"
    res = handler.post(
        f"/api/v1/appeals/{no}/reply",
        {
            "text": "经现场核查，已责令施工单位夜间22时后停止作业，并安排执法人员每晚巡查。",
            "internal_note": "施工单位负责人已签承诺书",
        },
    )
    assert res.json()["state"] == "replied"

    mine = api(people.resident)
    detail = mine.get(f"/api/v1/appeals/{no}").json()
    assert detail["actions"] == ["rate"]
    assert "已责令施工单位" in detail["reply_text"]
    assert all(e["internal_note"] is None for e in detail["timeline"])

    res = mine.post(f"/api/v1/appeals/{no}/rate", {"verdict": "satisfied", "resolved": True})
    assert res.json()["state"] == "closed"
    assert [e["action"] for e in res.json()["timeline"]] == [
        "submit",
        "accept",
        "dispatch",
        "sign",
        "reply",
        "rate",
    ]


def test_every_transition_leaves_one_event_with_who_and_which_states(api, people, orgs, submit):
    no = submit()["tracking_no"]
    api(people.county_dispatcher).post(f"/api/v1/appeals/{no}/accept")
    api(people.county_dispatcher).post(f"/api/v1/appeals/{no}/reject", {"reason": "duplicate"})
    events = list(AppealEvent.objects.filter(appeal__tracking_no=no).order_by("id"))
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("submit", "", "submitted"),
        ("accept", "submitted", "accepted"),
        ("reject", "accepted", "rejected"),
    ]
    assert events[2].actor == people.county_dispatcher
    assert events[2].actor_role == "dispatcher"


def test_a_department_returns_an_appeal_and_the_dispatcher_transfers_it(api, people, orgs, submit):
    no = submit()["tracking_no"]
    d = api(people.county_dispatcher)
    d.post(f"/api/v1/appeals/{no}/accept")
    d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_env.pk})
    res = api(people.env_handler).post(
        f"/api/v1/appeals/{no}/return", {"reason": "施工噪音属城管执法职责"}
    )
    assert res.json()["state"] == "returned"
    res = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk})
    assert res.json()["state"] == "assigned" and res.json()["lead_org"] == "黄州区城市管理执法局"

    res = d.post(f"/api/v1/appeals/{no}/transfer", {"org_id": orgs.city_housing.pk})
    assert res.status_code == 422 and res.json()["field"] == "org_id"
    assert "不在您的派单范围内" in res.json()["message"]
    city = api(people.city_dispatcher)
    res = city.post(f"/api/v1/appeals/{no}/transfer", {"org_id": orgs.city_housing.pk})
    assert res.json()["lead_org"] == "黄冈市住房和城乡建设局"
    assert "转派" in [e["action_label"] for e in res.json()["timeline"]]
    assert api(people.city_handler).post(f"/api/v1/appeals/{no}/sign").status_code == 200
    assert api(people.handler).post(f"/api/v1/appeals/{no}/sign").status_code == 403


def test_a_first_dissatisfied_rating_reopens_the_appeal_and_a_second_closes_it(
    api, people, orgs, submit
):
    no = submit()["tracking_no"]
    d, h, r = api(people.county_dispatcher), api(people.handler), api(people.resident)

    def answer():
        d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk})
        h.post(f"/api/v1/appeals/{no}/sign")
        h.post(f"/api/v1/appeals/{no}/reply", {"text": "已处理，工地已停止夜间施工。"})

    d.post(f"/api/v1/appeals/{no}/accept")
    answer()
    res = r.post(
        f"/api/v1/appeals/{no}/rate",
        {"verdict": "dissatisfied", "resolved": False, "comment": "噪音依旧"},
    )
    assert res.json()["state"] == "reopened" and res.json()["round"] == 2
    again = r.post(f"/api/v1/appeals/{no}/rate", {"verdict": "satisfied", "resolved": True})
    assert again.status_code == 409

    answer()
    res = r.post(f"/api/v1/appeals/{no}/rate", {"verdict": "dissatisfied", "resolved": False})
    assert res.json()["state"] == "closed"
    assert [x["round"] for x in res.json()["ratings"]] == [1, 2]


def test_answering_the_primary_answers_the_appeals_merged_into_it(api, people, orgs, submit):
    primary = submit()["tracking_no"]
    copy = submit(people.neighbour, title="考棚街工地晚上施工太吵")["tracking_no"]
    d = api(people.county_dispatcher)
    d.post(f"/api/v1/appeals/{primary}/accept")
    res = d.post(f"/api/v1/appeals/{copy}/merge", {"primary": primary})
    assert res.json()["merged_into"] == primary and res.json()["state"] == "accepted"
    assert (
        d.post(f"/api/v1/appeals/{copy}/dispatch", {"org_id": orgs.county_urban.pk}).status_code
        == 409
    )

    d.post(f"/api/v1/appeals/{primary}/dispatch", {"org_id": orgs.county_urban.pk})
    api(people.handler).post(f"/api/v1/appeals/{primary}/sign")
    api(people.handler).post(
        f"/api/v1/appeals/{primary}/reply", {"text": "已责令工地停工整改并处罚款。"}
    )

    merged = api(people.neighbour).get(f"/api/v1/appeals/{copy}").json()
    assert merged["state"] == "replied" and merged["reply_text"] == "已责令工地停工整改并处罚款。"
    assert merged["actions"] == ["rate"]
    assert Appeal.objects.get(tracking_no=primary).merged.count() == 1


def test_a_leader_supervises_an_appeal_and_its_deadline_tightens(api, people, orgs, submit):
    no = submit(kind="disclosure")["tracking_no"]
    d = api(people.county_dispatcher)
    d.post(f"/api/v1/appeals/{no}/accept")
    before = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk}).json()
    res = api(people.leader).post(f"/api/v1/appeals/{no}/supervise", {"note": "请五日内办结"})
    after = res.json()
    assert after["supervised"] is True
    assert after["deadline"]["reply_due_at"] < before["deadline"]["reply_due_at"]
    assert (
        api(people.leader).post(f"/api/v1/appeals/{no}/supervise", {"note": "再次督办"}).status_code
        == 409
    )


def test_an_extension_moves_the_deadline_only_once_approved(api, people, orgs, submit):
    no = submit()["tracking_no"]
    d, h = api(people.county_dispatcher), api(people.handler)
    d.post(f"/api/v1/appeals/{no}/accept")
    due = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk}).json()[
        "deadline"
    ]["reply_due_at"]
    h.post(f"/api/v1/appeals/{no}/sign")
    res = h.post(f"/api/v1/appeals/{no}/extension", {"days": 5, "reason": "需协调多个部门联合执法"})
    assert res.json()["deadline"]["reply_due_at"] == due
    assert (
        h.post(f"/api/v1/appeals/{no}/extension", {"days": 2, "reason": "再延"}).status_code == 409
    )
    res = d.post(f"/api/v1/appeals/{no}/extension/decision", {"approve": True})
    assert res.json()["deadline"]["reply_due_at"] > due
    public = api(people.neighbour).get(f"/api/v1/appeals/{no}").json()
    assert "request_extension" not in [e["action"] for e in public["timeline"]]


def test_a_merged_appeal_reopened_after_a_dissatisfied_rating_is_handled_on_its_own(
    api, people, orgs, submit
):
    primary = submit()["tracking_no"]
    copy = submit(people.neighbour, title="考棚街工地晚上施工太吵")["tracking_no"]
    d, h = api(people.county_dispatcher), api(people.handler)
    d.post(f"/api/v1/appeals/{primary}/accept")
    d.post(f"/api/v1/appeals/{copy}/merge", {"primary": primary})
    d.post(f"/api/v1/appeals/{primary}/dispatch", {"org_id": orgs.county_urban.pk})
    h.post(f"/api/v1/appeals/{primary}/sign")
    h.post(f"/api/v1/appeals/{primary}/reply", {"text": "已责令工地停工整改并处罚款。"})

    res = api(people.neighbour).post(
        f"/api/v1/appeals/{copy}/rate", {"verdict": "dissatisfied", "resolved": False}
    )
    assert res.json()["state"] == "reopened" and res.json()["merged_into"] is None
    res = d.post(f"/api/v1/appeals/{copy}/dispatch", {"org_id": orgs.county_env.pk})
    assert res.status_code == 200 and res.json()["lead_org"] == "黄冈市生态环境局黄州分局"

    api(people.resident).post(
        f"/api/v1/appeals/{primary}/rate", {"verdict": "satisfied", "resolved": True}
    )
    assert api(people.resident).get(f"/api/v1/appeals/{primary}").json()["state"] == "closed"
