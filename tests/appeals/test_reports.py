"""监督举报: a 举报 about an official goes to the 纪检监察 org of the right level, never to the org
it names (回避); its reporter is sealed from everyone but that org's handlers; anonymous
reporters follow their case with a 查询码 and password; retaliation complaints follow the
report. Everything through real HTTP requests."""

import io
import json
import re

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from massline.appeals import reports, services, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import Appeal
from massline.assessment import rollup
from massline.core.models import AuditEvent
from tests.appeals.test_attachments import png, upload
from tests.conftest import PASSWORD

NAME, PHONE = "张三丰", "13800000001"
REPORT = {
    "kind": "report",
    "title": "城管执法中队长向商户索要财物",
    "body": "黄州区城管执法中队王某某多次向东湖街道商户索要烟酒和现金，不给就罚款。"
    f"我是举报人{NAME}，电话{PHONE}。",
    "region_code": "421102001",
    "about_official": True,
}


def text_of(res) -> str:
    """What a response says, JSON decoded (it escapes Chinese) so that a search finds words."""
    if res.get("Content-Type", "").startswith("application/json"):
        return json.dumps(res.json(), ensure_ascii=False)
    return res.content.decode(errors="replace")


def xlsx_text(data: bytes) -> str:
    """Every cell of every sheet, as text (the file itself is zipped)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )


def report_about(api, people, orgs, accused=None, **extra):
    body = {**REPORT, "accused_org_id": (accused or orgs.county_urban).pk, **extra}
    res = api(people.resident).post("/api/v1/appeals", body)
    assert res.status_code == 201, res.content.decode()
    return res.json()


def dispatched(api, people, orgs, jw):
    no = report_about(api, people, orgs)["tracking_no"]
    d = api(people.county_dispatcher)
    assert d.post(f"/api/v1/appeals/{no}/accept").status_code == 200
    res = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": jw.county.pk})
    assert res.status_code == 200, res.content.decode()
    return no


def test_a_report_about_a_department_goes_to_its_governments_discipline_org_and_is_never_public(
    api, people, orgs, jw
):
    out = report_about(api, people, orgs, is_public=True)
    assert out["is_public"] is False
    assert out["hub"] == orgs.county_hub.name
    assert out["report"]["discipline_org"] == jw.county.name
    assert out["report"]["accused_org"] == orgs.county_urban.name
    assert Client().get(f"/appeals/{out['tracking_no']}/").status_code == 404
    res = api().get(f"/api/v1/appeals/{out['tracking_no']}")
    assert res.status_code == 404


def test_a_report_naming_a_county_government_is_received_and_handled_by_the_city(
    api, people, orgs, jw
):
    out = report_about(api, people, orgs, accused=orgs.county)
    assert out["hub"] == orgs.city_hub.name
    assert out["report"]["discipline_org"] == jw.city.name
    assert (
        api(people.county_dispatcher).get(f"/api/v1/appeals/{out['tracking_no']}").status_code
        == 404
    )


def test_the_dispatcher_can_send_a_report_only_to_its_discipline_org(api, people, orgs, jw):
    no = report_about(api, people, orgs)["tracking_no"]
    d = api(people.county_dispatcher)
    d.post(f"/api/v1/appeals/{no}/accept")
    res = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk})
    assert res.status_code == 422
    assert res.json()["field"] == "org_id" and res.json()["code"] == "recusal"
    assert "回避" in res.json()["message"]
    res = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_env.pk})
    assert res.status_code == 422 and res.json()["code"] == "sealed_report"
    assert jw.county.name in res.json()["message"]
    res = d.post(
        f"/api/v1/appeals/{no}/dispatch",
        {"org_id": jw.county.pk, "co_org_ids": [orgs.county_env.pk]},
    )
    assert res.status_code == 422 and res.json()["field"] == "co_org_ids"
    assert d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": jw.county.pk}).status_code == 200
    res = d.post(f"/api/v1/appeals/{no}/transfer", {"org_id": orgs.county_env.pk})
    assert res.status_code == 422 and res.json()["code"] == "sealed_report"
    assert Appeal.objects.get(tracking_no=no).lead_org == jw.county


def test_any_appeal_that_names_an_org_is_never_handled_by_it(api, people, orgs, submit):
    no = submit(accused_org_id=orgs.county_urban.pk)["tracking_no"]
    d = api(people.county_dispatcher)
    d.post(f"/api/v1/appeals/{no}/accept")
    res = d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk})
    assert res.status_code == 422 and res.json()["code"] == "recusal"
    assert (
        d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_env.pk}).status_code == 200
    )
    res = d.post(f"/api/v1/appeals/{no}/transfer", {"org_id": orgs.county_urban.pk})
    assert res.status_code == 422 and res.json()["code"] == "recusal"


def test_the_office_desk_refuses_the_accused_org_with_a_message_at_the_field(
    client, people, orgs, jw, api
):
    no = report_about(api, people, orgs)["tracking_no"]
    api(people.county_dispatcher).post(f"/api/v1/appeals/{no}/accept")
    client.force_login(people.county_dispatcher)
    desk = client.get(f"/office/appeals/{no}/").content.decode()
    options = re.findall(r'<option value="(\d+)"', desk)
    assert set(options) == {str(jw.county.pk), str(jw.room.pk)}
    res = client.post(
        f"/office/appeals/{no}/do/dispatch/", {"org_id": orgs.county_urban.pk, "version": 1}
    )
    assert res.status_code == 422
    assert "须回避" in res.content.decode()


def test_only_the_discipline_orgs_handlers_read_the_reporter_and_each_reading_is_audited(
    api, people, orgs, jw
):
    no = dispatched(api, people, orgs, jw)
    mine = api(jw.handler).get(f"/api/v1/appeals/{no}").json()
    assert mine["contact_name"] == NAME and NAME in mine["body"]
    assert mine["report"]["reporter_shown"] is True
    assert mine["timeline"][0]["actor"] == NAME
    assert AuditEvent.objects.filter(action="report.reporter_viewed", actor=jw.handler).count() == 1
    for user in (people.county_dispatcher, jw.leader, people.admin):
        seen = api(user).get(f"/api/v1/appeals/{no}")
        assert seen.status_code == 200
        text = text_of(seen)
        assert NAME not in text and PHONE not in text, user
        assert seen.json()["report"]["reporter_shown"] is False
    for user in (jw.county_leader, people.leader, people.analyst, people.handler, jw.city_handler):
        assert api(user).get(f"/api/v1/appeals/{no}").status_code == 404, user
    assert api(people.resident).get(f"/api/v1/appeals/{no}").json()["contact_name"] == NAME


def test_the_reporters_name_finds_nothing_for_the_dispatcher_who_passed_it_on(
    api, people, orgs, jw
):
    no = dispatched(api, people, orgs, jw)
    d = api(people.county_dispatcher)
    assert d.get("/api/v1/appeals", q="张三丰").json()["count"] == 0
    assert [a["tracking_no"] for a in d.get("/api/v1/appeals", q="索要财物").json()["results"]] == [
        no
    ]


def test_the_reporters_attachments_are_downloaded_only_by_the_reporter_and_the_handlers(
    api, people, orgs, jw
):
    no = dispatched(api, people, orgs, jw)
    res = upload(api(people.resident), no, "证据.png", png())
    assert res.status_code == 201
    url = res.json()["url"]
    assert api(people.resident).get(url).status_code == 200
    assert api(jw.handler).get(url).status_code == 200
    for user in (people.county_dispatcher, jw.leader, people.admin, people.analyst):
        assert api(user).get(url).status_code == 404, user
        assert api(user).get(f"/api/v1/appeals/{no}").json().get("attachments", []) == []


PAGES = [
    "/api/v1/appeals/{no}",
    "/api/v1/appeals",
    "/office/appeals/{no}/",
    "/office/queue/new/",
    "/office/queue/in_progress/",
    "/office/queue/to_sign/",
    "/office/queue/open/",
    "/office/queue/supervised/",
    "/office/supervision/",
    "/notices/",
    "/appeals/{no}/",
    "/board/",
    "/mine/",
    "/admin/appeals/appeal/",
    "/admin/appeals/appeal/{pk}/change/",
    "/admin/appeals/appealevent/",
]


def test_the_reporters_name_is_on_no_page_export_or_api_answer_others_can_read(
    api, people, orgs, jw
):
    no = dispatched(api, people, orgs, jw)
    pk = Appeal.objects.get(tracking_no=no).pk
    workflow.perform("sign", pk, jw.handler)
    readers = [
        people.county_dispatcher,
        jw.leader,
        jw.county_leader,
        people.leader,
        people.analyst,
        people.handler,
        people.neighbour,
        people.admin,
        None,
    ]
    rollup.refresh(timezone.now())
    looked = drilled = exported = 0
    for user in readers:
        client = Client()
        if user is not None:
            client.force_login(user)
        for page in PAGES:
            res = client.get(page.format(no=no, pk=pk))
            text = text_of(res)
            assert res.status_code < 500, (user, page)
            assert NAME not in text and PHONE not in text, (user, page)
            looked += res.status_code == 200
        for path in (
            "/office/assessment/",
            f"/office/assessment/appeals/?figure=received&org={jw.county.pk}",
            f"/office/assessment/appeals/?figure=received&org={orgs.county.pk}",
        ):
            res = client.get(path)
            text = text_of(res)
            assert NAME not in text and PHONE not in text, (user, path)
            drilled += no in text
        res = client.get("/office/assessment/report.xlsx")
        if res.status_code == 200:
            cells = xlsx_text(b"".join(res.streaming_content) if res.streaming else res.content)
            assert NAME not in cells and PHONE not in cells, user
            exported += 1
    assert looked > 20 and drilled and exported
    unsealed = Client()
    unsealed.force_login(jw.handler)
    assert NAME in unsealed.get(f"/office/appeals/{no}/").content.decode()


def test_an_anonymous_reporter_follows_the_case_with_the_right_code_and_password(
    client, people, orgs, jw
):
    form = {
        "anonymous": "1",
        "accused_org_id": orgs.county_urban.pk,
        "title": REPORT["title"],
        "body": "黄州区城管执法中队王某某多次向商户索要烟酒和现金，不给就罚款。",
        "region_code": "421102001",
        "password": "举报查询Pass-2026",
        "password2": "举报查询Pass-2026",
    }
    res = client.post("/report/", form)
    assert res.status_code == 201
    assert res["Cache-Control"] == "no-store"
    code = re.search(r"data-code>([A-Z2-9-]+)<", res.content.decode()).group(1)
    assert len(code) == 19
    appeal = Appeal.objects.get(title=REPORT["title"])
    assert appeal.sealed and not appeal.is_public and appeal.discipline_org == jw.county
    assert code.replace("-", "") not in str(list(appeal.access.__dict__.values()))

    other = Client()
    wrong = other.post(
        "/report/follow/", {"code": "ABCD-EFGH-JKLM-NPQR", "password": form["password"]}
    )
    assert wrong.status_code == 404 and "查询码或密码不正确" in wrong.content.decode()
    wrong = other.post("/report/follow/", {"code": code, "password": "not-the-password"})
    assert wrong.status_code == 404
    assert other.get(f"/report/case/{appeal.tracking_no}/").status_code == 404

    res = other.post(
        "/report/follow/", {"code": code.lower().replace("-", " "), "password": form["password"]}
    )
    assert res.status_code == 302
    assert other.session.get_expiry_age() <= 30 * 60
    page = other.get(res["Location"])
    assert page.status_code == 200 and REPORT["title"] in page.content.decode()
    res = other.post(
        f"/report/case/{appeal.tracking_no}/material/", {"text": "补充：索要时间是11月3日晚。"}
    )
    assert res.status_code == 302
    assert "11月3日晚" in other.get(res["Location"]).content.decode()
    assert appeal.events.filter(action="supplement").count() == 1


def test_wrong_codes_share_the_lookup_limit_of_the_address(client, people, orgs, jw, settings):
    settings.LOOKUP_FAILURES_PER_HOUR = 3
    for _ in range(3):
        res = client.post("/report/follow/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "password": "x"})
        assert res.status_code == 404
    res = client.post("/report/follow/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "password": "x"})
    assert res.status_code == 429 and "一小时后再试" in res.content.decode()


def test_anonymous_report_form_errors_are_at_their_fields_and_nothing_is_stored(client, orgs, jw):
    res = client.post(
        "/report/",
        {
            "anonymous": "1",
            "title": "有人吃拿卡要",
            "body": "太短",
            "region_code": "421102001",
            "password": "abc",
            "password2": "abc",
        },
    )
    assert res.status_code == 422
    assert Appeal.objects.count() == 0
    assert "内容至少10个字" in res.content.decode()


def test_a_retaliation_complaint_follows_the_report_to_the_same_discipline_org(
    client, api, people, orgs, jw
):
    no = dispatched(api, people, orgs, jw)
    client.force_login(people.resident)
    assert f"/report/case/{no}/" in client.get(f"/appeals/{no}/").content.decode()
    res = client.post(
        f"/report/case/{no}/retaliation/",
        {"title": "举报后被刁难", "body": "举报后，王某某带人连续三天到我店里检查，扬言要查封。"},
    )
    assert res.status_code == 302, res.content.decode()
    later = Appeal.objects.exclude(tracking_no=no).get()
    assert later.related_report.tracking_no == no
    assert later.discipline_org == jw.county and later.hub == orgs.county_hub
    assert not later.is_public and later.sealed
    d = api(people.county_dispatcher)
    d.post(f"/api/v1/appeals/{later.tracking_no}/accept")
    res = d.post(f"/api/v1/appeals/{later.tracking_no}/dispatch", {"org_id": orgs.county_env.pk})
    assert res.status_code == 422
    assert (
        d.post(
            f"/api/v1/appeals/{later.tracking_no}/dispatch", {"org_id": jw.county.pk}
        ).status_code
        == 200
    )
    assert api(jw.handler).get(f"/api/v1/appeals/{no}").json()["report"]["retaliations"] == [
        later.tracking_no
    ]


def test_someone_else_cannot_complain_of_retaliation_on_a_report_not_theirs(
    client, api, people, orgs, jw
):
    no = dispatched(api, people, orgs, jw)
    client.force_login(people.neighbour)
    res = client.post(
        f"/report/case/{no}/retaliation/", {"title": "举报后被刁难", "body": "x" * 20}
    )
    assert res.status_code == 404
    assert Appeal.objects.count() == 1


def test_the_anonymous_code_is_not_guessable():
    codes = {reports.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"([2-9A-HJ-NP-Z]{4}-){3}[2-9A-HJ-NP-Z]{4}", c) for c in codes)


def test_the_anonymous_reports_account_cannot_log_in(api):
    user = reports.anonymous_reporter()
    assert not user.is_active and not user.has_usable_password()
    res = api().post("/api/v1/auth/login", {"username": user.username, "password": PASSWORD})
    assert res.status_code in (401, 403, 422)


def test_a_sealed_report_is_never_offered_as_a_duplicate_to_merge(client, api, people, orgs, jw):
    no = report_about(api, people, orgs)["tracking_no"]
    body = REPORT["body"].split("我是")[0]
    same = {"title": REPORT["title"], "body": body, "region_code": REPORT["region_code"]}
    first = api(people.neighbour).post("/api/v1/appeals", {**same, "kind": "complaint"}).json()
    later = api(people.neighbour).post("/api/v1/appeals", {**same, "kind": "complaint"}).json()
    client.force_login(people.county_dispatcher)
    desk = client.get(f"/office/appeals/{later['tracking_no']}/").content.decode()
    assert first["tracking_no"] in desk, "the ordinary duplicate is offered"
    assert no not in desk


def test_no_work_list_but_the_handling_orgs_lists_a_sealed_report(api, people, orgs, jw):
    no = dispatched(api, people, orgs, jw)

    def listed(user, key):
        client = Client()
        client.force_login(user)
        return no in client.get(f"/office/queue/{key}/").content.decode()

    assert listed(jw.leader, "open") and listed(jw.handler, "to_sign")
    for user in (jw.county_leader, people.leader):
        assert not listed(user, "open"), user
    assert not listed(people.handler, "to_sign")


def test_an_overdue_sealed_report_reminds_and_climbs_only_inside_its_discipline_org(
    api, people, orgs, jw
):
    from datetime import datetime

    from massline.assessment import reminders
    from massline.notices.models import Notice
    from massline.orgs.models import Membership

    def at(month, day, hour=9):
        return timezone.make_aware(datetime(2026, month, day, hour))

    Membership.objects.filter(
        user=jw.leader
    ).delete()  # no leader of its own: the next is the county's
    appeal, _ = services.submit_appeal(
        people.resident,
        AppealIn.model_validate({**REPORT, "accused_org_id": orgs.county_urban.pk}),
        now=at(10, 12, 8),
    )
    d = people.county_dispatcher
    workflow.perform("accept", appeal.pk, d, now=at(10, 12, 9))
    workflow.perform("dispatch", appeal.pk, d, {"org_id": jw.county.pk}, now=at(10, 12, 9))
    workflow.perform("sign", appeal.pk, jw.handler, now=at(10, 12, 10))
    rollup.rebuild(at(11, 30))
    assert reminders.sweep(at(11, 30)) >= 1
    told = set(Notice.objects.values_list("recipient__username", flat=True))
    assert jw.handler.username in told
    assert jw.county_leader.username not in told and people.leader.username not in told
    assert all(NAME not in n.title + n.body for n in Notice.objects.all())


def test_an_anonymous_reports_steps_leave_no_notice_on_the_shared_reporters_account(
    people, orgs, jw
):
    """The anonymous reporters' account is one for all of them: telling it of a step would
    collect every anonymous report's steps in one place."""
    from massline.notices.models import Notice

    data = AppealIn(**{**REPORT, "accused_org_id": orgs.county_urban.pk})
    appeal, _code = reports.submit_anonymous_report(data, "举报查询Pass-2026", "举报查询Pass-2026")
    workflow.do_accept(appeal.pk, people.county_dispatcher)
    assert not Notice.objects.filter(recipient=appeal.submitted_by).exists()
