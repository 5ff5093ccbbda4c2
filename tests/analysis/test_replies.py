from datetime import date

import pytest

from massline.analysis.replies import assess, working_days

TITLE = "A3区潇楚南路洋湖段怎么还没修好"
BODY = "潇楚南路洋湖段从2018年开始施工，至今没有修好，路面坑洼，出行很不方便。"
GOOD = (
    "网友您好！您反映的潇楚南路洋湖段道路问题，A3区住建局已组织施工单位对路面进行修复，"
    "预计5月20日前完成全部施工，届时恢复通行。感谢您的理解。2019年5月9日"
)
TEMPLATE = "您好，您反映的问题已收悉，我们高度重视，已转相关部门调查处理。"


def test_a_concrete_reply_on_the_matter_scores_high():
    q = assess(TITLE, BODY, GOOD, "2019-04-24 16:03:40", "2019/5/9 9:49:10")
    assert q.relevance > 0.4
    assert q.completeness == 1.0
    assert q.flags == ()


def test_a_template_reply_is_flagged_and_scores_low():
    q = assess(TITLE, BODY, TEMPLATE)
    assert "template" in q.flags and "off_topic" in q.flags
    assert q.completeness < 0.5 and q.relevance < 0.2


def test_the_signature_date_is_not_a_deadline():
    reply = "您好，经核实，该路段由区住建局负责，已组织维修。2019年5月9日"
    assert assess(TITLE, BODY, reply).completeness == pytest.approx(2 / 3, abs=1e-3)


def test_working_days_skip_weekends_and_follow_a_given_calendar():
    assert working_days(date(2024, 5, 3), date(2024, 5, 6)) == 1
    assert working_days(date(2024, 5, 6), date(2024, 5, 6)) == 0
    assert working_days(date(2024, 5, 6), date(2024, 5, 20)) == 10
    holidays = {date(2024, 5, 7)}
    assert working_days(date(2024, 5, 6), date(2024, 5, 8), lambda d: d not in holidays) == 1


def test_late_and_missing_replies_are_flagged():
    late = assess(TITLE, BODY, GOOD, "2019-04-01", "2019-05-09", limit_days=15)
    assert "late" in late.flags and late.timeliness_days == 28
    assert assess(TITLE, BODY, "").flags == ("no_reply",)
