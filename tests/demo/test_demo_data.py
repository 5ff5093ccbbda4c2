from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import RequestFactory, override_settings

from massline.accounts.models import User
from massline.appeals import workflow
from massline.appeals.deadlines import standing
from massline.appeals.models import (
    OPEN_STATES,
    Appeal,
    AppealEvent,
    ExtensionRequest,
    Rating,
    State,
)
from massline.appeals.workflow import REJECT_REASONS
from massline.demo import texts
from massline.demo.loader import PASSWORD, load_demo
from massline.demo.scenarios import FILL_WEIGHTS, MANDATORY, SCENARIOS
from massline.orgs.models import Membership, Role
from massline.orgs.seed import COUNTY_DEPARTMENT_KEYS, DEPARTMENT_SLUGS

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def fast_hasher():
    return override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo for the whole module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic(), fast_hasher():
        yield load_demo(seed=7, count=40, now=NOW)
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_demo_has_appeals_in_every_state(demo):
    states = set(Appeal.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert Appeal.objects.count() == 40 == demo.created
    assert demo.by_state == {s: Appeal.objects.filter(state=s).count() for s in State.values}


def test_every_rejection_reason_is_used(demo):
    reasons = {e.data["reason"] for e in AppealEvent.objects.filter(action="reject")}
    assert reasons == set(REJECT_REASONS)


def test_three_appeals_are_merged_into_a_primary_that_answers_them_all(demo):
    merged = list(Appeal.objects.filter(merged_into__isnull=False).select_related("merged_into"))
    assert len(merged) == 3
    primary = merged[0].merged_into
    assert {a.merged_into_id for a in merged} == {primary.pk}
    assert primary.state == State.CLOSED
    assert all(a.reply_text == primary.reply_text and a.state == State.CLOSED for a in merged)


def test_a_transferred_appeal_ends_with_the_department_it_was_transferred_to(demo):
    event = AppealEvent.objects.filter(action="transfer").select_related("appeal").first()
    assert event is not None
    assert event.appeal.lead_org_id == event.data["org"] != event.data["from_org"]


def test_residents_rated_with_every_verdict_and_both_resolutions(demo):
    assert set(Rating.objects.values_list("verdict", flat=True)) == {
        "satisfied",
        "basic",
        "dissatisfied",
    }
    assert set(Rating.objects.values_list("resolved", flat=True)) == {True, False}


def test_some_open_appeals_are_overdue_and_the_severe_ones_were_escalated(demo):
    open_appeals = Appeal.objects.filter(state__in=OPEN_STATES, reply_due_at__isnull=False)
    statuses = {standing(a, NOW).status for a in open_appeals}
    assert {"overdue", "severe"} <= statuses
    escalated = Appeal.objects.filter(events__action="escalate")
    assert escalated.exists()
    assert all(a.supervised for a in escalated)


def test_departments_co_handle_appeals_led_by_another(demo):
    co_handled = Appeal.objects.filter(co_orgs__isnull=False).distinct()
    assert co_handled.exists()
    for appeal in co_handled:
        assert appeal.lead_org_id not in {o.pk for o in appeal.co_orgs.all()}


def test_extensions_are_asked_for_by_the_lead_department_and_some_approved(demo):
    extensions = list(ExtensionRequest.objects.select_related("appeal"))
    assert {"pending", "approved"} <= {e.status for e in extensions}
    assert all(e.org_id == e.appeal.lead_org_id for e in extensions)


def test_the_leader_supervises_and_reopens(demo):
    supervisors = AppealEvent.objects.filter(action="supervise").values_list("actor__username")
    assert set(supervisors) == {("leader_city",)}
    assert AppealEvent.objects.filter(action="reopen", actor__username="leader_city").exists()


def test_dissatisfied_residents_get_a_second_answer_and_rate_it_again(demo):
    second = Rating.objects.filter(round=2).select_related("appeal")
    assert second.exists()
    for rating in second:
        assert rating.appeal.ratings.get(round=1).verdict == "dissatisfied"
        assert rating.appeal.events.filter(action="reply").count() == 2


def test_every_event_happened_in_order_and_before_now(demo):
    for appeal in Appeal.objects.prefetch_related("events"):
        moments = [e.created_at for e in appeal.events.all()]
        assert moments == sorted(moments)
        assert moments[0] == appeal.created_at
        assert moments[-1] < NOW


def _request():
    return RequestFactory().post("/admin/login/", REMOTE_ADDR="127.0.0.9")


def test_the_printed_logins_authenticate_and_hold_their_roles(demo):
    roles = {login.role for login in demo.logins}
    assert len(demo.logins) == 15 and len(roles) >= 13
    with fast_hasher():
        for login in demo.logins:
            user = authenticate(_request(), username=login.username, password=login.password)
            assert user is not None, login.username
            if login.org != "—":
                assert Membership.objects.filter(user=user, org__name=login.org).exists()
    assert User.objects.get(username="admin").is_superuser


def test_every_dispatcher_and_handler_login_is_printed_under_its_government(demo):
    printed = {x.username: (government, x) for government, xs in demo.staff.items() for x in xs}
    staff = Membership.objects.filter(role__in=(Role.DISPATCHER, Role.HANDLER))
    assert set(printed) == set(staff.values_list("user__username", flat=True))
    acted = AppealEvent.objects.filter(action__in=("accept", "sign", "reply"))
    assert set(acted.values_list("actor__username", flat=True)) <= set(printed)
    assert printed["dispatcher_city"][0] == "黄冈市人民政府"
    assert printed["dispatcher_huangzhou"][0] == "黄州区人民政府"
    with fast_hasher():
        for username, (_, login) in printed.items():
            user = authenticate(_request(), username=username, password=login.password)
            assert user is not None, username
            membership = user.memberships.select_related("org").get()
            assert login.org in (membership.org.short_name, membership.org.name)


def test_loading_again_adds_nothing(demo):
    users = User.objects.count()
    again = load_demo(seed=7, count=40, now=NOW)
    assert again.skipped and again.created == 0
    assert Appeal.objects.count() == 40
    assert User.objects.count() == users
    assert again.logins[0].password == PASSWORD
    assert again.staff == demo.staff


def test_the_scenario_table_names_workflow_actions_and_known_scenarios():
    assert set(MANDATORY) | set(FILL_WEIGHTS) <= set(SCENARIOS)
    for scenario in SCENARIOS.values():
        for step in scenario.steps:
            assert hasattr(workflow, f"do_{step['action']}"), (scenario.name, step["action"])


def test_the_texts_name_only_departments_the_org_tree_has():
    named = {m.dept for m in texts.MATTERS} | {m.co for m in texts.MATTERS if m.co}
    named |= {m.wrong for m in texts.MATTERS if m.wrong} | set(texts.WRONG_GUESS.values())
    assert named - {texts.TOWN} <= set(DEPARTMENT_SLUGS)
    assert set(texts.WRONG_GUESS) <= COUNTY_DEPARTMENT_KEYS
