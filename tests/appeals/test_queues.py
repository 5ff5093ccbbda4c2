"""Each role's work lists: the right appeals, most urgent first, and the same few queries
however long the list."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from massline.appeals import workflow
from massline.appeals.actions import AppealIn
from massline.appeals.deadlines import standing
from massline.appeals.queues import counts, queue, queues_for
from massline.appeals.services import submit_appeal

BODY = "胜利街中段路灯不亮已有两周，夜间行人看不清路面，存在安全隐患。"


def _new(people, title="胜利街路灯损坏", now=None):
    data = AppealIn(kind="complaint", title=title, body=BODY, region_code="421102001")
    appeal, _ = submit_appeal(people.resident, data, now=now)
    return appeal


def _working(people, orgs, now=None, sign=True, **kw):
    appeal = _new(people, now=now, **kw)
    d = people.county_dispatcher
    workflow.do_accept(appeal.pk, d, now=now)
    workflow.do_dispatch(
        appeal.pk, d, org_id=orgs.county_urban.pk, co_org_ids=[orgs.county_env.pk], now=now
    )
    if sign:
        workflow.do_sign(appeal.pk, people.handler, now=now)
    return appeal


def _keys(qs):
    return [a.tracking_no for a in qs]


def test_each_role_sees_its_own_queues(people):
    assert [q.key for q in queues_for(people.county_dispatcher)][:2] == ["new", "to_dispatch"]
    assert "to_sign" in [q.key for q in queues_for(people.handler)]
    assert "supervised" in [q.key for q in queues_for(people.leader)]
    assert queues_for(people.resident) == []


def test_new_appeals_wait_for_their_own_hub_only(people, orgs):
    appeal = _new(people)
    assert _keys(queue(people.county_dispatcher, "new")) == [appeal.tracking_no]
    assert _keys(queue(people.macheng_dispatcher, "new")) == []
    assert _keys(queue(people.handler, "to_sign")) == []
    assert _keys(queue(people.resident, "new")) == []


def test_the_lead_department_signs_and_the_co_handler_sees_it_apart(people, orgs):
    appeal = _working(people, orgs, sign=False)
    assert _keys(queue(people.handler, "to_sign")) == [appeal.tracking_no]
    assert _keys(queue(people.env_handler, "to_sign")) == []
    assert _keys(queue(people.env_handler, "co_handling")) == [appeal.tracking_no]
    assert _keys(queue(people.handler, "co_handling")) == []


def test_overdue_appeals_come_first_and_warnings_are_due_soon(people, orgs):
    now = timezone.now()
    old = _working(people, orgs, now=now - timedelta(days=40), title="四十天前的路灯")
    middle = _working(people, orgs, now=now - timedelta(days=12), title="十二天前的路灯")
    fresh = _working(people, orgs, now=now, title="今天的路灯")
    order = _keys(queue(people.handler, "in_progress", now))
    assert order == [old.tracking_no, middle.tracking_no, fresh.tracking_no]
    assert _keys(queue(people.handler, "overdue", now)) == [old.tracking_no]
    soon = _keys(queue(people.handler, "due_soon", now))
    assert fresh.tracking_no not in soon and old.tracking_no not in soon
    assert counts(people.handler, now)["overdue"] == 1


def test_due_soon_holds_exactly_the_appeals_past_the_warning_share(people, orgs):
    now = timezone.now()
    made = [_working(people, orgs, now=now - timedelta(days=d)) for d in range(10, 26, 2)]
    for a in made:
        a.refresh_from_db()
    warned = {a.tracking_no for a in made if standing(a, now).status == "warning"}
    assert warned, "the ages chosen must include some warnings"
    assert set(_keys(queue(people.handler, "due_soon", now))) == warned


def test_a_queue_page_takes_the_same_queries_for_two_rows_or_twenty(people, orgs):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            rows = list(queue(people.handler, "in_progress"))
            for a in rows:
                _ = (a.region.name, a.hub.name, a.lead_org.name, a.category)
        return len(ctx.captured_queries), len(rows)

    for _ in range(2):
        _working(people, orgs)
    few, n = queries()
    for _ in range(18):
        _working(people, orgs)
    many, m = queries()
    assert (n, m) == (2, 20)
    assert many == few


def test_the_deadline_says_how_many_working_days_are_left_or_late(people, orgs, api):
    now = timezone.now()
    fresh = _working(people, orgs, now=now)
    old = _working(people, orgs, now=now - timedelta(days=60), title="两个月前的路灯")
    fresh_view = api(people.handler).get(f"/api/v1/appeals/{fresh.tracking_no}").json()
    old_view = api(people.handler).get(f"/api/v1/appeals/{old.tracking_no}").json()
    assert fresh_view["deadline"]["days_left"] >= 5
    assert old_view["deadline"]["days_left"] <= -10
    submitted = _new(people)
    view = api(people.resident).get(f"/api/v1/appeals/{submitted.tracking_no}").json()
    assert view["deadline"]["days_left"] is None
