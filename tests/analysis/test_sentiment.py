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
