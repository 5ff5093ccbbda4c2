import pytest

from massline.core.masking import mask_personal_data

MASKED = [
    ("mobile", "我的电话13812345678，白天打", "我的电话138****5678，白天打"),
    ("mobile with +86 and dashes", "+86 138-1234-5678", "+86 138****5678"),
    ("mobile at the end of a sentence", "请回电 15927112345。", "请回电 159****2345。"),
    ("landline with area code", "座机0713-8123467转12", "座机0713-8****67转12"),
    ("landline in brackets", "(010)62345678", "(010)6*****78"),
    ("local number after 电话", "电话：8123467", "电话：8****67"),
    ("18-digit ID card", "身份证号421102199001011234", "身份证号421102********1234"),
    ("18-digit ID card ending in X", "42110219900101123X号", "421102********123X号"),
    ("15-digit ID card", "老身份证421102900101123", "老身份证421102******123"),
    ("bank card", "工资卡6222021234567890128", "工资卡6222***********0128"),
    ("plate", "车牌鄂J·A1234乱停", "车牌鄂J·****4乱停"),
    ("new-energy plate", "鄂JD12345", "鄂J*****5"),
    ("lower-case plate", "鄂j a1234", "鄂J ****4"),
    ("e-mail", "邮箱zhangsan@qq.com", "邮箱z***@qq.com"),
    ("QQ number", "QQ号123456789", "QQ号12*****89"),
    ("building, unit and room", "住在3栋2单元501室", "住在*栋*单元***室"),
    ("numbered building", "12号楼门口", "**号楼门口"),
    ("tower and room", "A座1201室", "*座****室"),
    ("unit and bare room number", "3号楼2单元1201", "*号楼*单元****"),
    ("dashed room number", "3-2-501室", "*-*-***室"),
    ("road number", "黄州区东门路36号", "黄州区东门路**号"),
]

UNTOUCHED = [
    ("amount", "罚款5000元，退还1.5万元"),
    ("big amount", "项目投资15000000000元"),
    ("date and time", "2026年3月5日下午14:30至16:00"),
    ("ISO date", "2026-03-05 09:00:00"),
    ("hotline", "拨打12345热线或0713-12345"),
    ("tracking number", "HG20261123-000123"),
    ("day of month with 号", "3月12号"),
    ("metro line", "5号线"),
    ("household count", "涉及200户"),
    ("floors of a tower", "18层高楼"),
    ("flat layout", "3室2厅的房子"),
    ("hospital room", "CT室"),
    ("count of cities", "3座城市"),
    ("working days", "第13个工作日内答复，满意率98%"),
    ("eleven digits not a mobile", "编号12345678901"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in MASKED], ids=[c[0] for c in MASKED])
def test_personal_data_of_each_kind_is_masked(text, expected):
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize("text", [c[1] for c in UNTOUCHED], ids=[c[0] for c in UNTOUCHED])
def test_ordinary_numbers_are_left_alone(text):
    assert mask_personal_data(text) == text


def test_a_full_address_keeps_the_place_and_hides_the_door():
    text = "湖北省黄冈市黄州区东门路36号3栋2单元501室"
    assert mask_personal_data(text) == "湖北省黄冈市黄州区东门路**号*栋*单元***室"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("李小龙", "李**"), ("欧阳娜娜", "欧阳**"), ("阿依古丽·买买提", "阿***·***")],
)
def test_the_residents_name_is_masked_in_every_occurrence_keeping_the_surname(name, masked):
    template = "我是{0}，{0}的诉求请尽快处理。——{0}"
    assert mask_personal_data(template.format(name), names=[name]) == template.format(masked)


def test_polite_forms_and_one_character_names_are_kept():
    assert mask_personal_data("张先生和王女士", names=["王", ""]) == "张先生和王女士"


def test_a_longer_name_is_masked_before_a_shorter_one_it_contains():
    assert mask_personal_data("张三丰和张三", names=["张三", "张三丰"]) == "张**和张*"


def test_several_kinds_in_one_message_are_all_masked():
    text = "我叫王芳，电话13912345678，车鄂J·A1234停在5栋楼下，身份证421102198512120021。"
    assert mask_personal_data(text, names=["王芳"]) == (
        "我叫王*，电话139****5678，车鄂J·****4停在*栋楼下，身份证421102********0021。"
    )


def test_empty_text_stays_empty():
    assert mask_personal_data("") == ""


@pytest.mark.parametrize(
    "written",
    ["0713-8886626", "07138886626", "(0713)8886626", "0713 888 6626", "8886626"],
)
def test_a_registered_public_number_stays_readable_however_it_is_written(written):
    text = f"如有疑问请致电{written}，或联系居民张三丰13912345678。"
    masked = mask_personal_data(text, ["张三丰"], keep_numbers=["07138886626", "8886626"])
    assert written in masked
    assert "13912345678" not in masked and "139****5678" in masked and "张三丰" not in masked


def test_a_number_that_only_contains_a_registered_one_is_still_masked():
    masked = mask_personal_data("电话 0713-88866261", keep_numbers=["07138886626"])
    assert "88866261" not in masked
