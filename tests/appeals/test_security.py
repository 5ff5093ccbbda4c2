"""Holes found by probing the running demo (issue 8), each closed and kept closed."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.test import Client
from django.utils import timezone

from massline.appeals.models import Appeal, AppealEvent, DeadlinePolicy
from massline.core.models import AppendOnlyError, AuditEvent
from tests.conftest import SAMPLE

PERSONAL = (
    "我叫张三丰，住遗爱湖小区8栋2单元301室，电话13912345678，身份证420102199001011234，"
    "夜间施工噪音太大，请尽快处理。"
)


def walk_to_in_progress(api, people, orgs, no):
    d, h = api(people.county_dispatcher), api(people.handler)
    d.post(f"/api/v1/appeals/{no}/accept")
    d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk})
    h.post(f"/api/v1/appeals/{no}/sign")
    return d, h


def reply(h, no, text="经核查已责令工地晚上十点后停止施工，并安排巡查。"):
    res = h.post(f"/api/v1/appeals/{no}/reply", {"text": text})
    assert res.status_code == 200, res.content.decode()
    return res


def found(client, q):
    return [a["tracking_no"] for a in client.get("/api/v1/appeals", q=q).json()["results"]]


def test_public_search_cannot_find_what_masking_hides(api, people, orgs, submit):
    no = submit(body=PERSONAL)["tracking_no"]
    walk_to_in_progress(api, people, orgs, no)
    public = api()
    assert no in found(public, "施工噪音"), "the appeal is on the public board"
    for hidden in ("13912345678", "420102199001011234", "张三丰"):
        assert found(public, hidden) == [], hidden
        assert found(api(people.analyst), hidden) == [], "analysts search masked text too"
    assert found(api(people.county_dispatcher), "13912345678") == [no]


def test_a_merged_residents_never_reads_the_primary_residents_personal_data(
    api, people, orgs, submit
):
    primary = submit(body=PERSONAL, is_public=False)["tracking_no"]
    copy = submit(people.neighbour, title="考棚街工地晚上施工太吵")["tracking_no"]
    d, h = walk_to_in_progress(api, people, orgs, primary)
    d.post(f"/api/v1/appeals/{copy}/accept")
    reply(h, primary, "已联系张三丰（13912345678），到遗爱湖小区8栋2单元301室现场核实噪音。")
    res = d.post(f"/api/v1/appeals/{copy}/merge", {"primary": primary})
    assert res.status_code == 200, res.content.decode()
    theirs = api(people.neighbour).get(f"/api/v1/appeals/{copy}").json()
    text = theirs["reply_text"] + " ".join(e["note"] for e in theirs["timeline"])
    assert "13912345678" not in text and "张三丰" not in text and "301" not in text
    assert "现场核实噪音" in theirs["reply_text"]
    assert api(people.neighbour).get(f"/api/v1/appeals/{primary}").status_code == 404


def test_analysts_read_masked_text_and_leaders_readings_are_audited(api, people, orgs, submit):
    no = submit(body=PERSONAL, is_public=False)["tracking_no"]
    walk_to_in_progress(api, people, orgs, no)
    seen = api(people.analyst).get(f"/api/v1/appeals/{no}").json()
    assert "13912345678" not in seen["body"] and seen["contact_phone"] is None
    assert "施工噪音" in seen["body"]
    assert not AuditEvent.objects.filter(action="appeal.original_viewed").exists()
    lead = api(people.leader).get(f"/api/v1/appeals/{no}").json()
    assert "13912345678" in lead["body"]
    viewed = AuditEvent.objects.get(action="appeal.original_viewed")
    assert viewed.actor == people.leader and viewed.data["tracking_no"] == no


def test_a_dispatcher_cannot_close_before_the_resident_could_rate(api, people, orgs, submit):
    no = submit()["tracking_no"]
    d, h = walk_to_in_progress(api, people, orgs, no)
    reply(h, no)
    res = d.post(f"/api/v1/appeals/{no}/close")
    assert res.status_code == 409 and "评价期" in res.json()["message"]
    later = timezone.now() + timedelta(days=20)
    with time_machine.travel(later, tick=False):
        res = d.post(f"/api/v1/appeals/{no}/close")
    assert res.status_code == 200 and res.json()["state"] == "closed"


def test_extensions_come_after_signing_and_are_capped(api, people, orgs, submit):
    no = submit()["tracking_no"]
    d, h = api(people.county_dispatcher), api(people.handler)
    d.post(f"/api/v1/appeals/{no}/accept")
    d.post(f"/api/v1/appeals/{no}/dispatch", {"org_id": orgs.county_urban.pk})
    ask = {"days": 5, "reason": "需协调多个部门联合执法"}
    assert h.post(f"/api/v1/appeals/{no}/extension", ask).status_code == 409
    h.post(f"/api/v1/appeals/{no}/sign")
    DeadlinePolicy.objects.update_or_create(
        kind="complaint", defaults={"max_extensions": 2, "max_extension_days": 12}
    )
    for _ in range(2):
        assert h.post(f"/api/v1/appeals/{no}/extension", ask).status_code == 200
        assert (
            d.post(f"/api/v1/appeals/{no}/extension/decision", {"approve": True}).status_code == 200
        )
    third = h.post(f"/api/v1/appeals/{no}/extension", {"days": 1, "reason": "再延"})
    assert third.status_code == 409 and "最多延期2次" in third.json()["message"]


def test_an_extension_beyond_the_total_names_what_is_left(api, people, orgs, submit):
    no = submit()["tracking_no"]
    _, h = walk_to_in_progress(api, people, orgs, no)
    res = h.post(f"/api/v1/appeals/{no}/extension", {"days": 25, "reason": "工程量大"})
    assert res.status_code == 422 and res.json()["field"] == "days"
    assert "最多还可申请20个工作日" in res.json()["message"]


@pytest.mark.parametrize("text", ["已办", "已处理", "  好的  "])
def test_a_token_public_reply_is_refused(api, people, orgs, submit, text):
    no = submit()["tracking_no"]
    _, h = walk_to_in_progress(api, people, orgs, no)
    res = h.post(f"/api/v1/appeals/{no}/reply", {"text": text})
    assert res.status_code == 422 and res.json()["field"] == "text"
    assert "至少10个字" in res.json()["message"]


@pytest.mark.parametrize("phone", ["abc", "1391234", "139123456789", "13912345678abc"])
def test_a_contact_phone_must_be_a_phone_number(api, people, orgs, phone):
    res = api(people.resident).post("/api/v1/appeals", {**SAMPLE, "contact_phone": phone})
    assert res.status_code == 422 and res.json()["field"] == "contact_phone"
    assert "联系电话" in res.json()["message"]
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("phone", ["13912345678", "0713-8661234", "07138661234"])
def test_a_mobile_or_landline_contact_phone_is_accepted(api, people, orgs, phone):
    res = api(people.resident).post("/api/v1/appeals", {**SAMPLE, "contact_phone": phone})
    assert res.status_code == 201


def test_an_idempotency_key_reused_for_other_content_is_refused(api, people, orgs):
    client = api(people.resident)
    key = {"Idempotency-Key": "k-42"}
    assert client.post("/api/v1/appeals", SAMPLE, headers=key).status_code == 201
    assert client.post("/api/v1/appeals", SAMPLE, headers=key).status_code == 200
    other = {**SAMPLE, "title": "另一件事：路灯不亮"}
    res = client.post("/api/v1/appeals", other, headers=key)
    assert res.status_code == 422 and res.json()["field"] == "Idempotency-Key"
    assert Appeal.objects.count() == 1


def test_events_cannot_be_rewritten_even_in_bulk(api, people, orgs, submit):
    no = submit()["tracking_no"]
    events = AppealEvent.objects.filter(appeal__tracking_no=no)
    with pytest.raises(AppendOnlyError):
        events.update(note="改写")
    with pytest.raises(AppendOnlyError):
        events.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Appeal.objects.filter(tracking_no=no).delete()
    assert events.count() == 1


def admin_client(people):
    client = Client()
    client.force_login(people.admin)
    return client


def test_the_admin_cannot_rewrite_an_appeals_history(api, people, orgs, submit, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = False
    no = submit()["tracking_no"]
    appeal = Appeal.objects.get(tracking_no=no)
    model_admin = site._registry[Appeal]
    request = Client().request().wsgi_request
    request.user = people.admin
    editable = set(model_admin.get_fields(request, appeal)) - set(
        model_admin.get_readonly_fields(request, appeal)
    )
    assert editable <= {"category", "priority"}
    from massline.appeals.models import Rating

    rating_admin = site._registry[Rating]
    assert not rating_admin.has_change_permission(request)
    assert not rating_admin.has_add_permission(request)


def test_an_admin_edit_of_an_appeal_leaves_an_audit_event(people, orgs, submit, settings):
    settings.OTP_REQUIRED_FOR_ADMINS = False
    no = submit()["tracking_no"]
    appeal = Appeal.objects.get(tracking_no=no)
    client = admin_client(people)
    url = f"/admin/appeals/appeal/{appeal.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    res = client.post(
        url,
        {
            "priority": "3",
            "category": "",
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
            "events-0-id": str(appeal.events.get().pk),
            "events-0-appeal": str(appeal.pk),
        },
    )
    assert res.status_code == 302, res.content.decode()[:2000]
    appeal.refresh_from_db()
    assert appeal.priority == 3
    event = AuditEvent.objects.get(action="appeal.admin_changed")
    assert event.actor == people.admin and event.data["changes"]["priority"] == [0, 3]
