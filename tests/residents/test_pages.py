"""Every page of the residents' site through Django's test client: who may open it, empty
states, what is masked, forms that keep what was typed, and queries that do not grow with rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from massline.accounts.sms import MemoryBackend
from massline.appeals.models import Appeal, Attachment, State
from tests.conftest import PASSWORD, SAMPLE

pytestmark = pytest.mark.django_db


def html(res) -> str:
    return res.content.decode()


def post_appeal(client, **overrides):
    page = client.get("/submit/")
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html(page)).group(1)
    data = {**SAMPLE, "is_public": "1", "idempotency_key": key, **overrides}
    return client.post("/submit/", data), key


# --- home -----------------------------------------------------------------------------------


def test_home_explains_links_to_submit_and_shows_the_months_figures(client, places):
    res = client.get("/")
    body = html(res)
    assert res.status_code == 200
    assert "我要留言" in body and 'href="/submit/"' in body
    assert "按时答复率" in body and "群众满意率" in body
    assert re.search(r"数据截至 \d\d:\d\d，每分钟更新。", body)
    assert "还没有公开答复的留言。" in body
    assert 'action="/lookup/"' in body


def test_home_shows_recent_public_replies_masked(client, make):
    make.replied(make.appeal())
    make.replied(make.appeal(is_public=False, title="不公开的留言标题"))
    body = html(client.get("/"))
    assert "东湖街道考棚街夜间施工噪音扰民" in body
    assert "已责令施工单位" in body
    assert "不公开的留言标题" not in body
    assert "13912345678" not in body


def test_home_takes_the_same_queries_for_one_or_five_replies(client, make):
    make.replied(make.appeal())
    client.get("/")
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for _ in range(5):
        make.replied(make.appeal())
    with CaptureQueriesContext(connection) as five:
        client.get("/")
    assert len(five) == len(one) <= 12, [q["sql"] for q in five]


# --- accounts -------------------------------------------------------------------------------


def test_login_by_phone_then_logout_by_post(client, people):
    assert client.get("/login/").status_code == 200
    res = client.post(
        "/login/", {"username": "13800000001", "password": PASSWORD, "next": "/mine/"}
    )
    assert res.status_code == 302 and res["Location"] == "/mine/"
    assert client.get("/account/").status_code == 200
    assert client.get("/logout/").status_code == 405
    res = client.post("/logout/")
    assert res.status_code == 302
    assert client.get("/account/").status_code == 302


def test_login_refuses_an_outside_next_address(client, people):
    res = client.post(
        "/login/", {"username": "hz_urban", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert res["Location"] == "/office/queue/to_sign/"


@pytest.mark.parametrize(
    ("username", "lands_on"),
    [
        ("13800000001", "/mine/"),
        ("hz_dispatch", "/office/queue/new/"),
        ("hz_urban", "/office/queue/to_sign/"),
        ("hg_leader", "/office/"),
        ("hg_analyst", "/office/opinion/"),
        ("admin", "/office/"),
    ],
)
def test_each_role_lands_on_its_work_after_logging_in(client, people, username, lands_on):
    """Issue 16 item 3: every staff login landed on the resident's 我的留言."""
    res = client.post("/login/", {"username": username, "password": PASSWORD})
    assert res.status_code == 302 and res["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


def test_a_wrong_password_is_named_at_the_field_and_the_name_is_kept(client, people):
    res = client.post("/login/", {"username": "13800000001", "password": "nope"})
    body = html(res)
    assert res.status_code == 422
    assert "账号或密码不正确。" in body
    assert 'value="13800000001"' in body


def test_a_locked_out_login_says_so_in_chinese_in_the_sites_layout(client, people, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/login/", {"username": "13800000001", "password": "nope"})
    res = client.post("/login/", {"username": "13800000001", "password": PASSWORD})
    body = html(res)
    assert res.status_code == 429 and res["Retry-After"]
    assert "登录失败次数过多" in body and "site-header" in body
    assert client.get("/account/").status_code == 302


def test_register_by_phone_and_sms_code(client, places):
    res = client.post("/register/", {"step": "code", "phone": "13900001111"})
    assert res.status_code == 302 and "phone=13900001111" in res["Location"]
    page = client.get(res["Location"])
    assert "验证码已发送" in html(page) and 'value="13900001111"' in html(page)
    code = re.search(r"验证码(\d{6})", MemoryBackend.outbox[-1][1]).group(1)
    res = client.post(
        "/register/",
        {
            "step": "finish",
            "phone": "13900001111",
            "code": code,
            "real_name": "王小明",
            "password": "good-pass-2026",
        },
    )
    assert res.status_code == 302 and res["Location"] == "/submit/"
    assert "王小明" in html(client.get("/account/"))


def test_register_with_a_wrong_code_keeps_what_was_typed(client, places):
    client.post("/register/", {"step": "code", "phone": "13900001111"})
    res = client.post(
        "/register/",
        {
            "step": "finish",
            "phone": "13900001111",
            "code": "000000",
            "real_name": "王小明",
            "password": "good-pass-2026",
        },
    )
    body = html(res)
    assert res.status_code == 422
    assert "验证码不正确" in body and 'value="王小明"' in body


def test_sending_codes_asks_the_arithmetic_question_then_accepts_its_answer(
    client, places, settings
):
    settings.SMS_CHALLENGE_AFTER = 1
    client.post("/register/", {"step": "code", "phone": "13900001111"})
    res = client.post("/register/", {"step": "code", "phone": "13900002222"})
    body = html(res)
    assert res.status_code == 422 and "请先回答问题再获取验证码" in body
    question = re.search(r"([零一二三四五六七八九十]+)加([零一二三四五六七八九十]+)等于几", body)
    digits = "零一二三四五六七八九十"
    a, b = (digits.index(x) if len(x) == 1 else 10 + digits.index(x[1]) for x in question.groups())
    token = re.search(r'name="challenge_token" value="([^"]+)"', body).group(1)
    res = client.post(
        "/register/",
        {
            "step": "code",
            "phone": "13900002222",
            "challenge_token": token,
            "challenge_answer": str(a + b),
        },
    )
    assert res.status_code == 302
    assert MemoryBackend.outbox[-1][0] == "13900002222"


def test_password_reset_by_sms_code(client, people):
    client.post("/password-reset/", {"step": "code", "phone": "13800000001"})
    code = re.search(r"验证码(\d{6})", MemoryBackend.outbox[-1][1]).group(1)
    res = client.post(
        "/password-reset/",
        {"step": "finish", "phone": "13800000001", "code": code, "password": "brand-new-2026"},
    )
    assert res.status_code == 302 and res["Location"] == "/login/"
    ok = client.post("/login/", {"username": "13800000001", "password": "brand-new-2026"})
    assert ok.status_code == 302


def test_pages_that_need_a_login_send_to_the_login_page(client, places):
    for path in ("/account/", "/submit/", "/mine/"):
        res = client.get(path)
        assert res.status_code == 302 and res["Location"].startswith("/login/?next="), path


# --- submitting -----------------------------------------------------------------------------


def test_submit_creates_one_appeal_and_shows_its_tracking_number(as_user, people):
    c = as_user(people.resident)
    form = html(c.get("/submit/"))
    assert "<optgroup" in form and "黄州区" in form and "东湖街道" in form
    assert "隐私说明" in form
    res, key = post_appeal(c)
    assert res.status_code == 302
    appeal = Appeal.objects.get()
    assert res["Location"] == f"/submit/done/{appeal.tracking_no}/"
    assert appeal.idempotency_key == key and appeal.is_public
    done = html(c.get(res["Location"]))
    assert appeal.tracking_no in done and "提交成功" in done


def test_a_double_submit_with_the_same_key_creates_one_appeal(as_user, people):
    c = as_user(people.resident)
    first, key = post_appeal(c)
    again = c.post("/submit/", {**SAMPLE, "is_public": "1", "idempotency_key": key})
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Appeal.objects.count() == 1


def test_a_form_error_names_the_field_in_chinese_and_keeps_the_typed_text(as_user, people):
    c = as_user(people.resident)
    res, key = post_appeal(c, title="噪音", body="夜里十一点还在施工，实在受不了了。")
    body = html(res)
    assert res.status_code == 422
    assert "标题至少4个字" in body and "title：" not in body
    assert 'value="噪音"' in body and "夜里十一点还在施工，实在受不了了。" in body
    assert f'value="{key}"' in body
    assert 'value="421102001" selected' in body
    assert not Appeal.objects.exists()


def test_an_empty_submission_puts_every_error_at_its_field_with_the_fields_label(as_user, people):
    """Issue 16 item 5: an empty 内容 showed a separate box "请求内容：内容至少10个字", missing
    from the summary and absent under the field."""
    res, _ = post_appeal(as_user(people.resident), title="", body="")
    page = html(res)
    assert res.status_code == 422 and "请求内容" not in page
    assert 'class="errorlist nonfield"' not in page
    summary = page[page.index('id="form-problems"') :][:1500]
    assert '<a href="#id_body">内容</a>' in summary and '<a href="#id_title">标题</a>' in summary
    field = page[page.index('id="id_body"') :][:2500]
    assert "内容至少10个字" in field and "field__error" in field


def test_a_missing_place_is_named_at_the_region_field(as_user, people):
    res, _ = post_appeal(as_user(people.resident), region_code="")
    body = html(res)
    assert res.status_code == 422
    field = body[body.index('id="id_region_code"') :][:3000]
    assert "所在地区为必填项" in body and "field__error" in field


def test_an_unchosen_kind_is_named_in_chinese(as_user, people):
    res, _ = post_appeal(as_user(people.resident), kind="")
    assert res.status_code == 422 and "留言类型为必填项" in html(res)


def test_attachments_are_stored_after_the_appeal_is_created(as_user, people, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile(
        "证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )
    c = as_user(people.resident)
    res, _ = post_appeal(c, attachments=[pdf])
    assert res.status_code == 302
    att = Attachment.objects.get()
    assert att.appeal.submitted_by == people.resident and att.name.endswith(".pdf")


# --- my appeals and one appeal ----------------------------------------------------------------


def test_my_appeals_empty_state(as_user, people):
    body = html(as_user(people.neighbour).get("/mine/"))
    assert "您还没有留言。" in body


def test_my_appeals_list_only_mine_with_state_and_deadline_badges(as_user, people, make):
    mine = make.in_progress(make.appeal(is_public=False))
    make.appeal(people.neighbour, title="邻居的留言标题")
    body = html(as_user(people.resident).get("/mine/"))
    assert mine.tracking_no in body and "邻居的留言标题" not in body
    assert "badge state-in_progress" in body and "剩余" in body and "个工作日" in body


def test_my_appeals_queries_do_not_grow_with_rows(as_user, people, make):
    c = as_user(people.resident)
    make.in_progress(make.appeal())
    c.get("/mine/")
    with CaptureQueriesContext(connection) as one:
        c.get("/mine/")
    for _ in range(6):
        make.in_progress(make.appeal())
    with CaptureQueriesContext(connection) as seven:
        c.get("/mine/")
    assert len(seven) == len(one), [q["sql"] for q in seven]


def test_a_private_appeal_is_404_to_others_and_shown_to_its_resident(as_user, people, make):
    a = make.accepted(make.appeal(is_public=False))
    url = f"/appeals/{a.tracking_no}/"
    assert as_user().get(url).status_code == 404
    assert as_user(people.neighbour).get(url).status_code == 404
    res = as_user(people.resident).get(url)
    assert res.status_code == 200 and "13912345678" in html(res)
    assert as_user().get("/appeals/HG20990101-000001/").status_code == 404


def test_the_public_page_of_an_appeal_masks_personal_data(as_user, make):
    a = make.replied(make.appeal(body="我的电话13912345678，身份证420102199001011234，请联系。"))
    body = html(as_user().get(f"/appeals/{a.tracking_no}/"))
    assert "已答复" in body and "已责令施工单位" in body
    assert "13912345678" not in body and "420102199001011234" not in body
    assert "评价办理结果" not in body


def test_the_timeline_reads_like_parcel_tracking(as_user, people, make):
    a = make.replied(make.appeal())
    body = html(as_user(people.resident).get(f"/appeals/{a.tracking_no}/"))
    steps = re.findall(r'<div class="timeline__title">([^<]+)</div>', body)
    assert steps == ["已答复", "已签收", "已派单", "已受理", "已提交"]
    assert "派至黄州区城市管理执法局" in body


def test_rating_dissatisfied_first_reopens_the_appeal(as_user, people, make):
    a = make.replied(make.appeal())
    a.refresh_from_db()
    c = as_user(people.resident)
    page = html(c.get(f"/appeals/{a.tracking_no}/"))
    assert "评价办理结果" in page and 'name="verdict"' in page
    res = c.post(
        f"/appeals/{a.tracking_no}/rate/",
        {"verdict": "dissatisfied", "resolved": "0", "comment": "噪音还在", "version": a.version},
    )
    assert res.status_code == 302
    a.refresh_from_db()
    assert a.state == State.REOPENED
    body = html(c.get(f"/appeals/{a.tracking_no}/"))
    assert "感谢您的评价" in body and "重新办理" in body and "评价办理结果" not in body


def test_a_rating_without_a_verdict_names_the_field(as_user, people, make):
    a = make.replied(make.appeal())
    res = as_user(people.resident).post(
        f"/appeals/{a.tracking_no}/rate/", {"resolved": "1", "comment": "还行"}
    )
    body = html(res)
    assert res.status_code == 422 and "您对答复的评价为必填项" in body
    assert "还行" in body


def test_a_stale_version_shows_the_conflict_notice_not_an_error_page(as_user, people, make):
    a = make.replied(make.appeal())
    a.refresh_from_db()
    res = as_user(people.resident).post(
        f"/appeals/{a.tracking_no}/rate/",
        {"verdict": "satisfied", "resolved": "1", "version": a.version - 1},
    )
    assert res.status_code == 409
    assert "此诉求已被他人处理，请刷新" in html(res) and a.title in html(res)


def test_withdraw_is_offered_before_dispatch_and_then_done(as_user, people, make):
    a = make.appeal()
    a.refresh_from_db()
    c = as_user(people.resident)
    assert "撤回留言" in html(c.get(f"/appeals/{a.tracking_no}/"))
    res = c.post(f"/appeals/{a.tracking_no}/withdraw/", {"version": a.version})
    assert res.status_code == 302
    a.refresh_from_db()
    assert a.state == State.WITHDRAWN
    assert "撤回留言" not in html(c.get(f"/appeals/{a.tracking_no}/"))


def test_supplement_adds_to_the_timeline_and_too_short_text_is_named(as_user, people, make):
    a = make.in_progress(make.appeal())
    c = as_user(people.resident)
    bad = c.post(f"/appeals/{a.tracking_no}/supplement/", {"text": "补充"})
    assert (
        bad.status_code == 422 and "内容至少5个字" in html(bad) and "补充</textarea>" in html(bad)
    )
    ok = c.post(f"/appeals/{a.tracking_no}/supplement/", {"text": "昨晚十二点又施工了一次。"})
    assert ok.status_code == 302
    assert "昨晚十二点又施工了一次。" in html(c.get(f"/appeals/{a.tracking_no}/"))


def test_others_cannot_act_on_an_appeal(as_user, people, make):
    a = make.replied(make.appeal())
    res = as_user(people.neighbour).post(
        f"/appeals/{a.tracking_no}/rate/", {"verdict": "satisfied", "resolved": "1"}
    )
    assert res.status_code == 403
    assert as_user().post(f"/appeals/{a.tracking_no}/rate/").status_code == 302  # to login
    assert as_user(people.resident).post(f"/appeals/{a.tracking_no}/close/").status_code == 404


def test_a_resident_uploads_more_while_open_and_sees_the_checked_link(as_user, people, make):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (20, 20), "red").save(buf, "PNG")
    a = make.in_progress(make.appeal())
    c = as_user(people.resident)
    assert "补充附件" in html(c.get(f"/appeals/{a.tracking_no}/"))
    upload = SimpleUploadedFile("现场.png", buf.getvalue(), "image/png")
    assert c.post(f"/appeals/{a.tracking_no}/attach/", {"file": upload}).status_code == 302
    att = Attachment.objects.get()
    body = html(c.get(f"/appeals/{a.tracking_no}/"))
    link = f"/api/v1/appeals/{a.tracking_no}/attachments/{att.pk}"
    assert f'<img src="{link}"' in body
    assert c.get(link).status_code == 200
    assert as_user().get(link).status_code == 404


# --- the public board -------------------------------------------------------------------------


def test_the_board_empty_state(client, places):
    res = client.get("/board/")
    assert res.status_code == 200 and "还没有公开的留言。" in html(res)


def test_the_board_lists_public_appeals_masked_and_links_each(client, make):
    a = make.replied(make.appeal())
    make.accepted(make.appeal(is_public=False, title="私密的留言标题"))
    make.appeal(title="尚未受理的留言")
    body = html(client.get("/board/"))
    assert f'href="/appeals/{a.tracking_no}/"' in body
    assert "私密的留言标题" not in body and "尚未受理的留言" not in body
    assert "13912345678" not in body and "已责令施工单位" in body


def test_the_board_searches_chinese_text_and_filters(client, make, places):
    make.replied(make.appeal())
    make.accepted(
        make.appeal(
            kind="suggestion",
            title="建议在东湖公园增加健身器材",
            body="东湖公园健身器材太少，老人锻炼不方便，建议增加。",
        )
    )
    assert "健身器材" in html(client.get("/board/", {"q": "健身"}))
    assert "健身器材" not in html(client.get("/board/", {"q": "噪音"}))
    assert "噪音扰民" in html(client.get("/board/", {"q": "噪音"}))
    body = html(client.get("/board/", {"kind": "suggestion"}))
    assert "健身器材" in body and "噪音扰民" not in body
    body = html(client.get("/board/", {"state": "replied"}))
    assert "噪音扰民" in body and "健身器材" not in body
    assert "健身器材" in html(client.get("/board/", {"region": "421102"}))
    assert "没有符合条件" in html(client.get("/board/", {"region": "421181"}))
    month = Appeal.objects.first().created_at.strftime("%Y-%m")
    assert "健身器材" in html(client.get("/board/", {"month": month}))
    assert "没有符合条件" in html(client.get("/board/", {"month": "2001-01"}))
    res = client.get("/board/", {"region": "999999", "month": "garbage", "category": "x"})
    page = html(res)
    assert res.status_code == 200 and "999999 不在可用的选项中" in page
    assert "x 不在可用的选项中" in page and "请按“年-月”填写" in page
    assert "健身器材" in page and "噪音扰民" in page


def test_a_search_with_more_than_a_page_of_results_pages_through_all_of_them(client, make):
    make.accepted(make.appeal())  # 噪音扰民, matches no 健身
    for n in range(21):
        make.accepted(make.appeal(title=f"建议东湖公园增加健身器材（第{n}次）"))
    first = html(client.get("/board/", {"q": "健身"}))
    second = html(client.get("/board/", {"q": "健身", "page": "2"}))
    assert "共 21 条" in first and "第 1 / 2 页" in first
    assert first.count('class="card appeal-card"') == 20
    assert second.count('class="card appeal-card"') == 1 and "（第0次）" in second
    assert "噪音扰民" not in first + second
    assert first.count("（第") + second.count("（第") == 21


def test_a_search_never_matches_masked_personal_data(client, make):
    make.replied(make.appeal())
    assert "噪音扰民" not in html(client.get("/board/", {"q": "13912345678"}))


def test_the_boards_queries_do_not_grow_with_rows(client, make):
    make.replied(make.appeal())
    client.get("/board/")
    with CaptureQueriesContext(connection) as one:
        client.get("/board/")
    for _ in range(6):
        make.replied(make.appeal())
    with CaptureQueriesContext(connection) as seven:
        client.get("/board/")
    assert len(seven) == len(one) <= 10, [q["sql"] for q in seven]


# --- lookup ---------------------------------------------------------------------------------


def test_lookup_by_number_and_phone_shows_the_appeal_masked(client, make):
    a = make.accepted(make.appeal(is_public=False))
    assert client.get("/lookup/").status_code == 200
    res = client.post("/lookup/", {"tracking_no": a.tracking_no, "phone": "13800000001"})
    body = html(res)
    assert res.status_code == 200 and a.title in body and "已受理" in body
    assert "13912345678" not in body


def test_a_failed_lookup_names_the_field_then_too_many_are_429(client, make, settings):
    settings.LOOKUP_FAILURES_PER_HOUR = 2
    a = make.appeal()
    for _ in range(2):
        res = client.post("/lookup/", {"tracking_no": a.tracking_no, "phone": "13000000000"})
        assert res.status_code == 404 and "编号或手机号不正确" in html(res)
        assert f'value="{a.tracking_no}"' in html(res)
    res = client.post("/lookup/", {"tracking_no": a.tracking_no, "phone": "13800000001"})
    assert res.status_code == 429 and "查询失败已达每小时2次" in html(res)


def test_the_appeal_pages_queries_do_not_grow_with_its_timeline(as_user, people, make):
    a = make.in_progress(make.appeal())
    c = as_user(people.resident)
    c.get(f"/appeals/{a.tracking_no}/")
    with CaptureQueriesContext(connection) as short:
        c.get(f"/appeals/{a.tracking_no}/")
    for n in range(5):
        c.post(f"/appeals/{a.tracking_no}/supplement/", {"text": f"第{n}次补充说明的内容。"})
    with CaptureQueriesContext(connection) as long:
        body = html(c.get(f"/appeals/{a.tracking_no}/"))
    assert body.count("次补充说明的内容。") == 5
    assert len(long) == len(short) <= 13, [q["sql"] for q in long]  # 13th: its 关注 count


def test_the_pages_have_an_english_catalogue(client, places):
    client.cookies["massline_language"] = "en"
    body = html(client.get("/"))
    assert '<html lang="en"' in body
    assert "Track an appeal" in body and "Latest replies" in body
    assert re.search(r"Figures as of \d\d:\d\d, updated every minute\.", body)
    assert "Public appeals" in html(client.get("/board/"))
