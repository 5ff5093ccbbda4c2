from datetime import date

from massline.analysis.replies import assess, points, working_days

TITLE = "A3区潇楚南路洋湖段怎么还没修好"
BODY = "潇楚南路洋湖段从2018年开始施工，至今没有修好，路面坑洼，出行很不方便。"
GOOD = (
    "网友您好！您反映的潇楚南路洋湖段道路问题，A3区住建局已组织施工单位对路面进行修复，"
    "预计5月20日前完成全部施工，届时恢复通行。感谢您的理解。2019年5月9日"
)
TEMPLATE = "您好，您反映的问题已收悉，我们高度重视，已转相关部门调查处理。"

LAMP_TITLE = "东城小区路灯坏了两个月"
LAMP_BODY = "3栋到5栋之间的路灯坏了两个月，晚上一片漆黑，老人摔过跤。请问什么时候能修好？"
LAMP_ANSWERED = (
    "您好！经B区城管局核实，该段路灯因地下电缆老化短路损坏。B区路灯管理所已于6月3日更换电缆，"
    "6月5日前恢复全部照明。"
)
LAMP_GENERIC = (
    "您好！您反映的问题已收悉，我局高度重视。城市照明是重要的民生工程，近年来我局累计投入资金"
    "两千余万元，新建和改造路灯一万余盏，城市亮化水平明显提升。下一步，我局将持续加强巡查管理，"
    "不断提升城市照明设施完好率，努力为市民创造良好的夜间出行环境。感谢您对城市管理工作的关心和支持！"
)

TWO_POINTS_TITLE = "小区KTV噪声扰民、消防通道被占"
TWO_POINTS_BODY = (
    "小区旁边的KTV每天营业到凌晨两点，声音很大，请依法处理噪声。"
    "门口消防通道常被客人车辆占用，请清理。"
)
BOTH_ANSWERED = (
    "一、噪声：6月8日晚B区生态环境局在住户窗外检测为58分贝，超过夜间50分贝限值，已责令KTV在6月20日前"
    "加装隔音设施、23时后关闭外放音响。二、消防通道：B区消防救援大队已在通道两侧施划禁停标线，"
    "6月10日起交警对占用车辆依法拖移，首周已处理11辆。"
)
ONE_ANSWERED = (
    "经B区公安分局核实，该KTV已办理相关营业手续，经营合法。6月8日民警对其进行了噪声检测，"
    "社会生活噪声排放符合标准。"
)


def completeness(title, body, reply):
    return assess(title, body, reply).completeness


def test_a_reply_that_answers_the_question_with_reason_and_date_is_complete():
    q = assess(TITLE, BODY, GOOD, "2019-04-24 16:03:40", "2019/5/9 9:49:10")
    assert q.relevance > 0.4 and q.completeness > 0.9 and q.flags == ()


def test_acknowledging_and_forwarding_answers_nothing():
    q = assess(TITLE, BODY, TEMPLATE)
    assert q.completeness == 0.0
    assert "template" in q.flags and "off_topic" in q.flags
    referral = "您好！您的问题请咨询市住建局，联系电话0000-00000000。感谢您的支持！"
    assert completeness(TITLE, BODY, referral) == 0.0


def test_a_long_reply_on_general_policy_scores_below_a_short_one_on_the_case():
    generic = completeness(LAMP_TITLE, LAMP_BODY, LAMP_GENERIC)
    answered = completeness(LAMP_TITLE, LAMP_BODY, LAMP_ANSWERED)
    assert len(LAMP_GENERIC) > 2 * len(LAMP_ANSWERED)
    assert generic < 0.5 < answered


def test_answering_one_demand_of_two_is_less_complete_than_answering_both():
    both = completeness(TWO_POINTS_TITLE, TWO_POINTS_BODY, BOTH_ANSWERED)
    one = completeness(TWO_POINTS_TITLE, TWO_POINTS_BODY, ONE_ANSWERED)
    assert both > one + 0.1


def test_a_question_wants_its_kind_of_answer():
    title, body = "公积金提取", "请问每个月能提取多少？"
    amount = "根据《A市住房公积金提取管理办法》第八条，每月限额为1500元。"
    no_amount = "根据《A市住房公积金提取管理办法》第八条，可以按规定提取，具体以窗口审核为准。"
    assert completeness(title, body, amount) > completeness(title, body, no_amount)


def test_a_promise_without_time_or_owner_commits_less_than_a_dated_one():
    vague = "您好！经核实，该路段确实损坏，我们将进一步加强管理，适时推进维修。2019年5月9日"
    dated = "您好！经核实，该路段确实损坏，区住建局将于5月20日前完成维修。2019年5月9日"
    assert completeness(TITLE, BODY, dated) > completeness(TITLE, BODY, vague) + 0.2


def test_the_points_of_a_message_are_its_questions_and_demands():
    found = points(
        "新生儿医保怎么办理",
        "孩子上个月出生。请问新生儿医保在哪里办？出生前的住院费能报销吗？希望尽快答复。",
    )
    kinds = [p.kind for p in found]
    assert kinds[:3] == ["how", "where", "whether"] and "demand" in kinds
    assert [p.kind for p in points("路灯坏了", "路灯坏了两个月，晚上一片漆黑。")] == ["complaint"]


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


def test_a_word_that_only_contains_please_is_no_demand():
    # 申请 / 邀请 hold 请 but ask nothing: a title naming a procedure is no demand to act
    assert [p.kind for p in points("公租房申请条件", "")] == ["complaint"]
    assert [p.kind for p in points("请尽快修好路灯", "")] == ["demand"]


def test_a_question_with_no_words_of_its_own_is_about_the_message_matter():
    body = "楼下新开的烧烤店没有装油烟净化器，油烟直接排到我们窗户。请问有没有人管？"
    (point,) = [p for p in points("烧烤店油烟直排", body) if p.kind == "whether"]
    assert {"烧烤", "油烟"} & set(point.terms)
    on_case = (
        "您好！经B区城管局执法人员6月2日现场检查，该烧烤店确未安装油烟净化设施，违反《A市大气"
        "污染防治条例》第三十五条。执法人员当场下达责令改正通知书，6月11日复查，店家已安装。"
    )
    elsewhere = (
        "您好！经B区城管局执法人员6月2日现场检查，该路段的共享单车确有乱停乱放，违反《A市市容"
        "管理条例》第十条。执法人员当场下达责令改正通知书，6月11日复查，已清理完毕。"
    )
    title = "烧烤店油烟直排"
    assert assess(title, body, on_case).completeness > assess(title, body, elsewhere).completeness
