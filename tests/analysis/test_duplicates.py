from massline.analysis.duplicates import DuplicateIndex

A = "A5区劳动东路魅力之城小区一楼的夜宵摊严重污染附近的空气，每天晚上油烟很大，希望有关部门尽快处理"
B = "A5区劳动东路魅力之城小区一楼的夜宵摊严重污染附近的空气，每天晚上油烟很大，急需处理！"
C = "请给K3县乡村医生发卫生室执业许可证，我们已经等了三年"


def test_a_near_copy_is_found_with_its_similarity():
    index = DuplicateIndex()
    assert index.check_and_add(1, A) == []
    found = index.check_and_add(2, B)
    assert [key for key, _ in found] == [1]
    assert 0.6 <= found[0][1] <= 1.0


def test_an_unrelated_text_is_not_a_duplicate():
    index = DuplicateIndex()
    index.add(1, A)
    assert index.query(C) == []


def test_greetings_punctuation_and_width_do_not_hide_a_copy():
    index = DuplicateIndex()
    index.add(1, A)
    found = index.query("尊敬的领导您好：" + A.replace("，", ",") + "  谢谢！")
    assert found and found[0][0] == 1 and found[0][1] > 0.9


def test_capacity_evicts_the_oldest_entry():
    index = DuplicateIndex(capacity=2)
    index.add(1, A)
    index.add(2, C)
    index.add(3, "完全不同的第三段文字，关于公交站点设置的建议")
    assert len(index) == 2
    assert 1 not in index
    assert index.query(A) == []


def test_removed_and_empty_texts_are_not_returned():
    index = DuplicateIndex()
    index.add(1, A)
    index.remove(1)
    assert index.query(A) == []
    index.add(2, "，。！")
    assert len(index) == 0


def test_signatures_are_deterministic_for_a_seed():
    assert (DuplicateIndex(seed=3).signature(A) == DuplicateIndex(seed=3).signature(A)).all()
