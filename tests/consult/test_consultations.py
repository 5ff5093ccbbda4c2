"""征求意见 through the pages: windows on the Beijing clock, audiences, moderation, masking,
support, revisions, the 采纳情况 report and its notices, the XLSX of comments."""

import threading
from io import BytesIO

import pytest
import time_machine
from django.db import connections
from openpyxl import load_workbook

from massline.consult import services
from massline.consult.models import Comment, Support
from massline.core.models import AuditEvent
from massline.notices.models import Notice
from massline.orgs.models import Membership, Role
from tests.consult.conftest import at, paragraphs

pytestmark = pytest.mark.django_db


def post_comment(client, c, body, paragraph=None):
    data = {"body": body}
    if paragraph is not None:
        data["paragraph"] = str(paragraph)
    return client.post(f"/consult/{c.pk}/comment/", data)


def test_a_comment_sent_at_2359_beijing_time_on_the_last_day_counts_and_one_at_midnight_does_not(
    world, draft, as_user
):
    c = draft()
    first = paragraphs(c)[1]
    client = as_user(world.people.resident)
    assert "2026年12月15日 24:00" in client.get(f"/consult/{c.pk}/").content.decode()
    with time_machine.travel(at(2026, 12, 15, 23, 59, 30), tick=False):
        res = post_comment(client, c, "建议登记可以在手机上办理。", first)
        assert res.status_code == 302
    with time_machine.travel(at(2026, 12, 16, 0, 0, 0), tick=False):
        res = post_comment(client, c, "再补充一条。", first)
        assert res.status_code == 409
        assert "已截止" in res.content.decode()
    with time_machine.travel(at(2026, 11, 30, 23, 59), tick=False):
        res = post_comment(client, c, "太早了。", first)
        assert res.status_code == 409
        assert "未开始" in res.content.decode()
    assert Comment.objects.filter(consultation=c).count() == 1


def test_only_registered_residents_of_the_area_may_comment_on_a_residents_consultation(
    world, draft, as_user, orgs, places
):
    c = draft(audience="residents", region=places.huangzhou)
    Membership.objects.create(user=world.people.resident, org=orgs.county, role=Role.RESIDENT)
    with time_machine.travel(at(2026, 12, 3), tick=False):
        page = as_user(world.people.neighbour).get(f"/consult/{c.pk}/").content.decode()
        assert "本次仅面向黄州区的实名登记居民。" in page
        refused = post_comment(as_user(world.people.neighbour), c, "我也想说两句。")
        assert refused.status_code == 403
        assert "本次仅面向黄州区的实名登记居民。" in refused.content.decode()
        ok = post_comment(as_user(world.people.resident), c, "东湖街道遛狗的人很多，请多设拾便箱。")
        assert ok.status_code == 302


def test_a_resident_whose_phone_is_not_verified_is_told_so(world, draft, as_user):
    c = draft()
    world.people.neighbour.phone_verified_at = None
    world.people.neighbour.save()
    with time_machine.travel(at(2026, 12, 3), tick=False):
        res = post_comment(as_user(world.people.neighbour), c, "意见")
    assert res.status_code == 403
    assert "手机号实名验证" in res.content.decode()


def test_a_party_members_consultation_is_hidden_from_everyone_else(
    world, draft, as_user, orgs, housing_officer
):
    Membership.objects.create(user=housing_officer, org=orgs.branch, role=Role.PARTY_SECRETARY)
    c = draft(
        org=orgs.branch,
        title="东湖街道社区党支部2027年工作要点（征求意见稿）",
        audience="party",
        party_org=orgs.branch,
    )
    member = world.people.neighbour
    Membership.objects.create(user=member, org=orgs.branch, role=Role.PARTY_MEMBER)
    assert as_user(world.people.resident).get(f"/consult/{c.pk}/").status_code == 404
    assert c.title not in as_user(world.people.resident).get("/consult/").content.decode()
    assert c.title in as_user(member).get("/consult/").content.decode()
    with time_machine.travel(at(2026, 12, 3), tick=False):
        assert post_comment(as_user(member), c, "建议增加结对帮扶的内容。").status_code == 302


def test_under_premoderation_a_comment_waits_and_a_withheld_one_tells_its_author_why(
    world, draft, as_user
):
    c = draft(premoderate=True)
    p = paragraphs(c)[0]
    with time_machine.travel(at(2026, 12, 3), tick=False):
        res = post_comment(as_user(world.people.resident), c, "应当明确禁养犬种目录。", p)
        assert res.status_code == 302
        post_comment(
            as_user(world.people.neighbour), c, "这个办法就是瞎搞，起草的人脑子进水了。", p
        )
        assert "应当明确禁养犬种目录" not in as_user().get(f"/consult/{c.pk}/").content.decode()
        mine = as_user(world.people.resident).get(f"/consult/{c.pk}/").content.decode()
        assert "应当明确禁养犬种目录" in mine and "待审核" in mine

        officer = as_user(world.officer)
        good, rude = Comment.objects.filter(consultation=c).order_by("id")
        no_reason = officer.post(f"/consult/{c.pk}/manage/moderate/", {"comment": rude.pk})
        assert no_reason.status_code == 422
        assert "请填写审核理由。" in no_reason.content.decode()
        officer.post(f"/consult/{c.pk}/manage/moderate/", {"comment": good.pk, "publish": "1"})
        officer.post(
            f"/consult/{c.pk}/manage/moderate/", {"comment": rude.pk, "reason": "含人身攻击"}
        )
        public = as_user().get(f"/consult/{c.pk}/").content.decode()
    assert "应当明确禁养犬种目录" in public
    assert "脑子进水" not in public
    notice = Notice.objects.get(recipient=world.people.neighbour)
    assert "未予发布" in notice.title and "含人身攻击" in notice.body
    assert AuditEvent.objects.filter(action="consult.moderated").count() == 2


def test_personal_data_in_a_comment_is_masked_for_the_public_and_not_for_the_organiser(
    world, draft, as_user
):
    c = draft()
    with time_machine.travel(at(2026, 12, 3), tick=False):
        post_comment(
            as_user(world.people.resident),
            c,
            "我是张三丰，住在考棚街3栋2单元501室，电话13912345678，楼下的狗天天叫。",
        )
        public = as_user(world.people.neighbour).get(f"/consult/{c.pk}/").content.decode()
        staff = as_user(world.officer).get(f"/consult/{c.pk}/").content.decode()
    assert "13912345678" not in public and "139****5678" in public
    assert "张三丰" not in public and "张**" in public
    assert "501室" not in public
    assert "13912345678" in staff and "张三丰" in staff


def test_a_person_supports_a_comment_once(world, draft, as_user):
    c = draft()
    with time_machine.travel(at(2026, 12, 3), tick=False):
        post_comment(as_user(world.people.resident), c, "建议设置遛狗时段。", paragraphs(c)[3])
        comment = Comment.objects.get()
        neighbour = as_user(world.people.neighbour)
        assert neighbour.post(f"/consult/{c.pk}/support/{comment.pk}/").status_code == 302
        again = neighbour.post(f"/consult/{c.pk}/support/{comment.pk}/")
        assert again.status_code == 422 and "您已支持过这条意见。" in again.content.decode()
        own = as_user(world.people.resident).post(f"/consult/{c.pk}/support/{comment.pk}/")
        assert own.status_code == 422
        page = neighbour.get(f"/consult/{c.pk}/").content.decode()
    comment.refresh_from_db()
    assert comment.supports == 1
    assert "1 人支持" in page and "已支持" in page


@pytest.mark.django_db(transaction=True)
def test_many_supports_sent_at_once_by_one_person_count_once(world, draft):
    c = draft()
    with time_machine.travel(at(2026, 12, 3), tick=False):
        comment = services.add_comment(world.people.resident, c.pk, body="建议设置遛狗时段。")
    barrier = threading.Barrier(4)
    results = []

    def run():
        barrier.wait()
        try:
            with time_machine.travel(at(2026, 12, 3, 11), tick=False):
                results.append(services.support_comment(world.people.neighbour, comment.pk))
        except Exception as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    comment.refresh_from_db()
    assert comment.supports == 1
    assert Support.objects.filter(comment=comment).count() == 1
    assert sum(isinstance(r, Comment) for r in results) == 1


def test_a_comment_stays_on_its_paragraph_when_the_draft_is_revised(world, draft, as_user):
    c = draft()
    second, leash = paragraphs(c)[1], paragraphs(c)[3]
    with time_machine.travel(at(2026, 12, 3), tick=False):
        post_comment(as_user(world.people.resident), c, "犬链一点五米太短，大型犬不方便。", leash)
    with time_machine.travel(at(2026, 12, 20), tick=False):
        res = as_user(world.officer).post(
            f"/consult/{c.pk}/manage/revise/",
            {
                f"p-{leash}": "第三条 携犬出户应当束犬链，犬链长度不超过二米；大型犬应当佩戴嘴套。",
                f"p-{second}": "",
                "note": "根据群众意见放宽犬链长度，删去重复表述。",
            },
        )
        assert res.status_code == 302
        page = as_user().get(f"/consult/{c.pk}/").content.decode()
    block = page[page.index(f'id="p-{leash}"') :]
    block = block[: block.index("</li>\n")]
    assert "不超过二米" in block and "一点五米太短" in block
    assert "本市城区范围内养犬，实行登记制度" not in page
    assert c.revisions.count() == 2


def close_with_comments(world, draft, as_user):
    c = draft()
    leash = paragraphs(c)[3]
    with time_machine.travel(at(2026, 12, 3), tick=False):
        a = services.add_comment(
            world.people.resident, c.pk, body="犬链一点五米太短。", paragraph_id=leash
        )
        b = services.add_comment(
            world.people.neighbour, c.pk, body="犬链应该放宽到两米。", paragraph_id=leash
        )
        w = services.add_comment(world.people.neighbour, c.pk, body="建议全面禁止养犬。")
    return c, leash, a, b, w


def test_the_adoption_report_needs_every_comment_answered_then_tells_each_commenter(
    world, draft, as_user
):
    c, _, a, b, w = close_with_comments(world, draft, as_user)
    officer = as_user(world.officer)
    with time_machine.travel(at(2026, 12, 10), tick=False):
        early = officer.post(
            f"/consult/{c.pk}/manage/decide/",
            {"comment_ids": [a.pk], "title": "x", "outcome": "adopted", "reason": "y"},
        )
        assert early.status_code == 409
    with time_machine.travel(at(2026, 12, 18), tick=False):
        officer.post(
            f"/consult/{c.pk}/manage/decide/",
            {
                "comment_ids": [a.pk, b.pk],
                "title": "放宽犬链长度",
                "outcome": "adopted",
                "reason": "已将犬链长度改为不超过二米。",
            },
        )
        too_soon = officer.post(f"/consult/{c.pk}/manage/report/", {"summary": "共收到意见3条。"})
        assert too_soon.status_code == 422
        assert "还有 1 条意见没有填写采纳情况。" in too_soon.content.decode()
        no_reason = officer.post(
            f"/consult/{c.pk}/manage/decide/",
            {"comment_ids": [w.pk], "title": "全面禁养", "outcome": "not_adopted"},
        )
        assert no_reason.status_code == 422 and "请填写理由。" in no_reason.content.decode()
        officer.post(
            f"/consult/{c.pk}/manage/decide/",
            {
                "comment_ids": [w.pk],
                "title": "全面禁止养犬",
                "outcome": "not_adopted",
                "reason": "上位法未禁止个人养犬，本办法以规范为主。",
            },
        )
        assert as_user().get(f"/consult/{c.pk}/report/").status_code == 404
        done = officer.post(
            f"/consult/{c.pk}/manage/report/", {"summary": "共收到意见3条，采纳2条。"}
        )
        assert done.status_code == 302
    mine = Notice.objects.get(recipient=world.people.resident, key=f"consult:{c.pk}:report")
    theirs = Notice.objects.get(recipient=world.people.neighbour, key=f"consult:{c.pk}:report")
    assert mine.body == "您提出的 1 条意见：采纳 1 条。"
    assert "采纳 1 条" in theirs.body and "未采纳 1 条" in theirs.body
    assert mine.link == f"/consult/{c.pk}/report/"
    report = as_user().get(f"/consult/{c.pk}/report/").content.decode()
    assert "放宽犬链长度" in report and "上位法未禁止个人养犬" in report
    late = as_user(world.people.resident).post(f"/consult/{c.pk}/comment/", {"body": "补充"})
    assert late.status_code == 409


def test_the_report_shows_the_draft_and_the_final_text_side_by_side(world, draft, as_user):
    c, leash, a, b, w = close_with_comments(world, draft, as_user)
    with time_machine.travel(at(2026, 12, 18), tick=False):
        services.decide(
            world.officer, c.pk, comment_ids=[a.pk, b.pk, w.pk], title="犬链与禁养",
            outcome="partly", reason="放宽犬链长度，不全面禁养。",
        )  # fmt: skip
        services.revise(
            world.officer,
            c.pk,
            texts={leash: "第三条 携犬出户应当束犬链，犬链长度不超过二米。"},
            added="第五条 养犬人应当及时清理犬只粪便。",
            note="采纳关于犬链长度的意见。",
        )
        services.publish_report(world.officer, c.pk, summary="共收到意见3条。")
    page = as_user().get(f"/consult/{c.pk}/report/").content.decode()
    row = page[page.index("不超过一点五米") - 800 : page.index("不超过一点五米") + 1200]
    assert "已修改" in row and "不超过二米" in row and "犬链一点五米太短" in row
    assert "新增" in page and "及时清理犬只粪便" in page
    assert page.count("未修改") == 4


def test_the_organiser_downloads_comments_as_xlsx_with_formulas_defused(world, draft, as_user):
    c = draft()
    with time_machine.travel(at(2026, 12, 3), tick=False):
        services.add_comment(
            world.people.resident,
            c.pk,
            body='=HYPERLINK("http://x")',
            paragraph_id=paragraphs(c)[0],
        )
    assert (
        as_user(world.people.resident).get(f"/consult/{c.pk}/manage/comments.xlsx").status_code
        == 403
    )
    res = as_user(world.officer).get(f"/consult/{c.pk}/manage/comments.xlsx")
    assert res.status_code == 200
    ws = load_workbook(BytesIO(res.content)).active
    header = [cell.value for cell in ws[1]]
    row = dict(zip(header, [cell.value for cell in ws[2]], strict=True))
    assert row["意见"] == '=HYPERLINK("http://x")'  # as written, stored as text
    assert not [c.coordinate for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert row["段落"] == "第一条第1段"
    assert row["提出人"] == "张三丰"


def test_an_organiser_starts_a_consultation_and_a_bad_date_is_shown_at_its_field(
    world, as_user, orgs
):
    officer = as_user(world.officer)
    form = {
        "org": str(orgs.city_housing.pk),
        "title": "黄冈市城区停车管理办法（征求意见稿）",
        "text": "第一条 为规范停车秩序，制定本办法。\n第二条 本办法自公布之日起施行。",
        "first_day": "2026-12-01",
        "last_day": "2026-11-20",
        "audience": "public",
    }
    bad = officer.post("/consult/new/", form)
    assert bad.status_code == 422
    assert "截止日期不能早于开始日期。" in bad.content.decode()
    assert "黄冈市城区停车管理办法" in bad.content.decode()
    res = officer.post("/consult/new/", {**form, "last_day": "2026-12-31"})
    assert res.status_code == 302
    page = as_user().get(res["Location"]).content.decode()
    assert "为规范停车秩序" in page
    assert as_user(world.people.resident).get("/consult/new/").status_code == 403


def test_what_was_adopted_is_tracked_to_its_execution_in_public(world, draft, as_user):
    c, _, a, b, w = close_with_comments(world, draft, as_user)
    with time_machine.travel(at(2026, 12, 18), tick=False):
        adopted = services.decide(
            world.officer, c.pk, comment_ids=[a.pk, b.pk], title="放宽犬链长度",
            outcome="adopted", reason="改为不超过二米。",
        )  # fmt: skip
        refused = services.decide(
            world.officer, c.pk, comment_ids=[w.pk], title="全面禁养",
            outcome="not_adopted", reason="上位法未禁止。",
        )  # fmt: skip
        officer = as_user(world.officer)
        early = officer.post(
            f"/consult/{c.pk}/manage/milestone/",
            {"decision": adopted.pk, "title": "修订稿报审", "due_on": "2027-01-15"},
        )
        assert early.status_code == 409
        services.publish_report(world.officer, c.pk, summary="共收到意见3条。")
        no = officer.post(
            f"/consult/{c.pk}/manage/milestone/",
            {"decision": refused.pk, "title": "x", "due_on": "2027-01-15"},
        )
        assert no.status_code == 422 and "请选择采纳或部分采纳的事项。" in no.content.decode()
        for title, due in (
            ("修订稿报市政府常务会议审议", "2027-01-15"),
            ("正式印发施行", "2027-03-01"),
        ):
            officer.post(
                f"/consult/{c.pk}/manage/milestone/",
                {"decision": adopted.pk, "title": title, "due_on": due},
            )
    first = c.milestones.order_by("due_on").first()
    with time_machine.travel(at(2027, 1, 20), tick=False):
        officer = as_user(world.officer)  # a month on: a fresh session
        bare = officer.post(
            f"/consult/{c.pk}/manage/complete/", {"milestone": first.pk, "done_on": "2027-01-14"}
        )
        assert bare.status_code == 422 and "请填写完成情况。" in bare.content.decode()
        officer.post(
            f"/consult/{c.pk}/manage/complete/",
            {
                "milestone": first.pk,
                "done_on": "2027-01-14",
                "evidence": "经市政府第12次常务会议审议通过。",
            },
        )
        page = as_user().get(f"/consult/{c.pk}/progress/").content.decode()
    assert "已完成 1 / 2 个落实节点" in page
    assert (
        page.index("发布征求意见稿")
        < page.index("公布采纳情况")
        < page.index("落实：修订稿报市政府")
    )
    assert "计划：正式印发施行" in page and "经市政府第12次常务会议审议通过" in page
    told = Notice.objects.filter(key=f"consult:milestone:{first.pk}:done")
    assert {n.recipient for n in told} == {world.people.resident, world.people.neighbour}


def test_the_organiser_sees_similar_comments_grouped_with_their_keywords(world, draft, as_user):
    c = draft()
    bodies = [
        "犬链一点五米太短，大型犬拴着走不开，建议犬链放宽到两米。",
        "犬链长度一点五米不合理，大型犬犬链应该放宽。",
        "建议城区设置更多拾便箱，狗粪便到处都是。",
    ]
    with time_machine.travel(at(2026, 12, 3), tick=False):
        for body in bodies:
            services.add_comment(world.people.resident, c.pk, body=body)
    with time_machine.travel(at(2026, 12, 18), tick=False):
        page = as_user(world.officer).get(f"/consult/{c.pk}/manage/").content.decode()
    groups = page.split('class="comment-group"')[1:]
    assert len(groups) == 2
    assert "2 条" in groups[0] and "犬链" in groups[0] and "拾便箱" in groups[1]


def test_the_pages_read_in_english_when_the_reader_chooses_it(world, draft, as_user):
    c = draft()
    client = as_user()
    client.cookies["massline_language"] = "en"
    page = client.get("/consult/").content.decode()
    assert "Government departments and party organisations consult the public" in page
    assert "0 comments" in page
    detail = client.get(f"/consult/{c.pk}/").content.decode()
    assert "Full text of the draft" in detail and "黄冈市城区养犬管理办法" in detail


def test_a_comment_on_a_paragraph_that_is_not_in_the_draft_is_refused(world, draft, as_user):
    c = draft()
    other = draft(title="另一份草案")
    with time_machine.travel(at(2026, 12, 3), tick=False):
        client = as_user(world.people.resident)
        for bad in ("abc", str(paragraphs(other)[0])):
            res = post_comment(client, c, "建议明确遛狗时段。", bad)
            assert res.status_code == 422 and "该段落不在现行稿中。" in res.content.decode()
    assert not Comment.objects.exists()
