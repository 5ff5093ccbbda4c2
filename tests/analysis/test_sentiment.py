from massline.analysis.sentiment import score


def test_anger_scores_higher_than_a_neutral_question_and_thanks_lower():
    angry = score("物业不作为，噪音扰民，我们忍无可忍！！").negativity
    neutral = score("请问A市什么时候能普及5G网络？").negativity
    thanks = score("感谢街道及时解决问题，非常满意").negativity
    assert angry > 0.8 > neutral > thanks
    assert thanks >= 0 and angry <= 1


def test_negation_flips_a_word_and_a_negated_phrase_is_one_word():
    assert score("问题没有解决").negativity > score("问题已经解决").negativity
    assert score("对处理结果不满意").negativity > 0.6


def test_danger_terms_make_an_appeal_urgent_with_their_flag():
    result = score("小区门口燃气泄漏，味道很大")
    assert result.urgent and result.flags == ("safety",) and result.terms == ("燃气泄漏",)
    assert score("公司拖欠工资三个月").flags == ("wage",)
    assert score("他说不想活了").flags == ("life",)


def test_prevention_and_negation_are_not_emergencies():
    assert not score("学校开展预防溺水宣传").urgent
    assert not score("没有发生火灾").urgent


def test_a_hazard_is_flagged_but_not_urgent():
    result = score("楼道堆放杂物，存在火灾隐患")
    assert result.flags == ("safety",) and result.level == 1 and not result.urgent


def test_a_gas_smell_in_any_wording_is_urgent():
    assert score("7栋楼道里一股很浓的煤气味，敲门没人应").urgent
    assert score("餐馆后厨的液化气罐好像在漏，嘶嘶响").flags == ("safety",)


def test_an_elderly_person_alone_or_a_child_at_risk_is_urgent():
    alone = score("隔壁独居的王奶奶已经三天没见她出门了，敲门不应，电话也打不通")
    assert alone.urgent and "vulnerable" in alone.flags
    assert score("楼上邻居今晚一直打孩子，孩子哭喊救命").urgent
    assert score("我女儿11岁，放学到现在还没回家").urgent


def test_a_loss_within_days_is_urgent_and_one_months_away_is_not():
    assert score("通知说明天早上就要强拆我家的房子，补偿还没谈").flags == ("deadline",)
    assert score("报名系统一直登不上，后天就截止了").urgent
    assert not score("我们小区明年要拆迁，想咨询一下补偿标准").urgent
    assert not score("请问今年公务员考试报名大概几月份开始？").urgent


def test_unpaid_wages_in_any_wording_are_urgent():
    assert score("工地老板欠我们二十多个农民工半年工资，人跑了").flags == ("wage",)
    assert not score("请问退休工资的计算方法是什么？").urgent


def test_look_alikes_are_not_emergencies():
    calm = [
        "社区下周组织燃气安全宣传和消防演练，建议多通知老年人参加",
        "去年我们小区发生过一次火灾，希望物业清理楼道杂物",
        "新闻里说外地有个小区燃气爆炸，建议排查一下我们小区的管道",
        "这家奶茶店生意太火爆了，天天排队占用人行道",
        "我想了解一下独居老人可以申请哪些养老服务补贴",
        "万一发生火灾，堆在楼道的东西很危险",
    ]
    for text in calm:
        assert not score(text).urgent, text


def test_a_danger_that_is_still_going_on_counts_even_when_it_began_long_ago():
    assert score("2018年起电梯一直带故障运行，至今已两次困人").urgent


def test_the_bie_of_tebie_is_no_negation():
    assert score("燃气管道特别危险，正在漏气，整栋楼都是味道").urgent
    assert score("油漆气味特别刺鼻，老人小孩闻到就头晕").urgent
    assert not score("别担心，燃气公司已经修好了，没有漏气").urgent


def test_fumes_that_make_people_dizzy_and_waste_water_let_into_drinking_water_are_urgent():
    assert score("厂里的废气味道很重，住在旁边的老人小孩都头晕恶心").urgent
    assert score("工厂的废水没有处理，直接排入村民饮用的水井").urgent
    assert not score("工厂的废水处理设施老旧，建议环保部门检查一下").urgent


def test_an_old_person_cut_off_from_medicine_is_urgent():
    assert score("老伴有癫痫，被关押期间停吃药，现在每天发作好几次").urgent
