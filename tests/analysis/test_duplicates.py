import pytest

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


ORIGINAL_TITLE = "魅力之城小区临街门面油烟噪音扰民"
SENTENCES = [
    "我是A5区劳动东路魅力之城小区3栋的业主。",
    "小区临街的12家门面全部改成了烧烤夜宵店，油烟直接排到楼上住户的窗户里。",
    "每天晚上营业到凌晨2点，喝酒划拳的声音吵得老人小孩根本睡不着觉。",
    "我们已经向物业和街道反映过5次，一直没有任何结果。",
    "恳请环保和城管部门上门查处，责令门面安装油烟净化设施并限制营业时间。",
]
ORIGINAL = ORIGINAL_TITLE + "\n" + "".join(SENTENCES)
COPIES = {
    "reordered sentences": ORIGINAL_TITLE + "\n" + "".join(SENTENCES[i] for i in (1, 0, 3, 2, 4)),
    "changed punctuation": ORIGINAL.replace("，", " ").replace("。", "！") + "！！！",
    "changed numbers": ORIGINAL.replace("3栋", "7栋").replace("12家", "15家").replace("5次", "8次"),
    "added greetings": "尊敬的领导：您好！" + ORIGINAL + "麻烦领导看一下，急急急！",
    "a paragraph dropped": ORIGINAL_TITLE + "\n" + "".join(SENTENCES[:1] + SENTENCES[3:]),
}
SAME_SUBJECT = (
    "魅力之城小区门面烧烤店扰民问题\n"
    "魅力之城小区楼下的烧烤店油烟太大了，晚上开着窗户满屋子都是烟味，"
    "孩子咳嗽了一个多月。听说别的小区都要求餐饮店装了净化器，"
    "为什么我们这里没人管？希望市场监管局查一查这些店有没有营业执照。"
)


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_a_perturbed_copy_is_found_but_another_message_on_the_subject_is_not(kind):
    index = DuplicateIndex()
    index.add("original", ORIGINAL)
    found = index.check_and_add("copy", COPIES[kind])
    assert [key for key, _ in found] == ["original"]
    assert index.query(SAME_SUBJECT) == []


def test_a_short_text_quoted_inside_a_long_one_is_not_its_duplicate():
    index = DuplicateIndex()
    index.add("long", ORIGINAL)
    assert index.query(ORIGINAL_TITLE) == []
