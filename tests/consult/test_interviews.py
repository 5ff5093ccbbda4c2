"""在线访谈: questions before and during, moderators pick, the guest's answers on the live
page and in the transcript, an unanswered question turned into an appeal with one click."""

import pytest
import time_machine

from massline.appeals.models import Appeal
from massline.consult import services
from massline.consult.models import InterviewQuestion
from massline.notices.models import Notice
from tests.consult.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def interview(world, orgs):
    return services.schedule_interview(
        world.officer,
        org=orgs.city_housing,
        title="老旧小区改造，居民关心的事",
        guests="黄冈市住房和城乡建设局局长 何法规",
        starts_at=at(2026, 12, 10, 15, 0),
        ends_at=at(2026, 12, 10, 16, 30),
        now=at(2026, 12, 1),
    )


def ask(client, interview, body):
    return client.post(f"/consult/interviews/{interview.pk}/ask/", {"body": body})


def test_a_question_picked_and_answered_appears_on_the_live_page_and_in_the_transcript(
    world, interview, as_user
):
    resident = as_user(world.people.resident)
    with time_machine.travel(at(2026, 12, 8), tick=False):
        assert ask(resident, interview, "我们小区加装电梯，一楼不同意怎么办？").status_code == 302
    question = InterviewQuestion.objects.get()
    officer = as_user(world.officer)
    with time_machine.travel(at(2026, 12, 10, 15, 5), tick=False):
        live = as_user().get(f"/consult/interviews/{interview.pk}/live/").content.decode()
        assert 'hx-trigger="every 3s"' in live and "一楼不同意" not in live
        officer.post(f"/consult/interviews/{interview.pk}/host/{question.pk}/pick/")
        waiting = as_user().get(f"/consult/interviews/{interview.pk}/live/").content.decode()
        assert "已选问题，等待回答" in waiting and "一楼不同意" in waiting
        officer.post(
            f"/consult/interviews/{interview.pk}/host/{question.pk}/answer/",
            {"answer": "社区会组织协商，设计单位出具采光评估，低层住户可少出资。"},
        )
        live = as_user().get(f"/consult/interviews/{interview.pk}/live/").content.decode()
        assert "低层住户可少出资" in live and "张**" in live
    with time_machine.travel(at(2026, 12, 11), tick=False):
        page = as_user().get(f"/consult/interviews/{interview.pk}/").content.decode()
        assert "访谈实录" in page and "低层住户可少出资" in page
        assert "hx-trigger" not in page and "向嘉宾提问" not in page
    assert Notice.objects.filter(recipient=world.people.resident).count() == 1


def test_only_the_organiser_picks_and_answers_and_only_while_it_runs(world, interview, as_user):
    with time_machine.travel(at(2026, 12, 8), tick=False):
        ask(as_user(world.people.resident), interview, "老旧小区改造有没有补贴？")
    q = InterviewQuestion.objects.get()
    neighbour = as_user(world.people.neighbour)
    assert neighbour.get(f"/consult/interviews/{interview.pk}/host/").status_code == 403
    assert (
        neighbour.post(f"/consult/interviews/{interview.pk}/host/{q.pk}/pick/").status_code == 403
    )
    officer = as_user(world.officer)
    with time_machine.travel(at(2026, 12, 9), tick=False):
        early = officer.post(
            f"/consult/interviews/{interview.pk}/host/{q.pk}/answer/", {"answer": "有"}
        )
        assert early.status_code == 409 and "访谈预告" in early.content.decode()
    with time_machine.travel(at(2026, 12, 10, 15, 30), tick=False):
        blank = officer.post(
            f"/consult/interviews/{interview.pk}/host/{q.pk}/answer/", {"answer": ""}
        )
        assert blank.status_code == 422 and "请填写回答。" in blank.content.decode()
    with time_machine.travel(at(2026, 12, 10, 16, 30), tick=False):
        late = ask(as_user(world.people.neighbour), interview, "还能提问吗？")
        assert late.status_code == 409 and "访谈已结束" in late.content.decode()


def test_an_unanswered_question_becomes_the_askers_appeal_with_one_click(world, interview, as_user):
    resident = as_user(world.people.resident)
    with time_machine.travel(at(2026, 12, 10, 15, 10), tick=False):
        ask(resident, interview, "赤壁街道老小区的下水道改造什么时候开工？")
    q = InterviewQuestion.objects.get()
    with time_machine.travel(at(2026, 12, 10, 15, 20), tick=False):
        during = resident.post(f"/consult/interviews/{interview.pk}/questions/{q.pk}/appeal/")
        assert during.status_code == 409
    with time_machine.travel(at(2026, 12, 11, 9), tick=False):
        page = resident.get(f"/consult/interviews/{interview.pk}/").content.decode()
        assert "转为诉求，由部门限时答复" in page
        other = as_user(world.people.neighbour).post(
            f"/consult/interviews/{interview.pk}/questions/{q.pk}/appeal/"
        )
        assert other.status_code == 403
        res = resident.post(f"/consult/interviews/{interview.pk}/questions/{q.pk}/appeal/")
        assert res.status_code == 302
        appeal = Appeal.objects.get()
        assert res["Location"] == f"/appeals/{appeal.tracking_no}/"
        assert appeal.submitted_by == world.people.resident and appeal.kind == "consultation"
        assert "下水道改造" in appeal.body and "老旧小区改造，居民关心的事" in appeal.body
        assert appeal.hub is not None
        again = resident.post(f"/consult/interviews/{interview.pk}/questions/{q.pk}/appeal/")
        assert again.status_code == 409 and appeal.tracking_no in again.content.decode()
    assert Appeal.objects.count() == 1


def test_an_office_schedules_an_interview_and_a_bad_time_is_named(world, as_user, orgs):
    officer = as_user(world.officer)
    form = {
        "org": str(orgs.city_housing.pk),
        "title": "住房公积金新政在线访谈",
        "guests": "市住房公积金中心主任",
        "starts_at": "2026-12-20T15:00",
        "ends_at": "2026-12-20T14:00",
    }
    bad = officer.post("/consult/interviews/new/", form)
    assert bad.status_code == 422 and "结束时间须晚于开始时间。" in bad.content.decode()
    res = officer.post("/consult/interviews/new/", {**form, "ends_at": "2026-12-20T16:00"})
    assert res.status_code == 302
    assert "住房公积金新政在线访谈" in as_user().get("/consult/interviews/").content.decode()
