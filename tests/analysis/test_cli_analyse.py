import csv
import io
import json

import pytest

from massline.analysis.cli import main

HEADER = "id,title,body,created_at,likes\n"
ROWS = [
    (
        "1",
        "魅力之城小区楼下烧烤摊油烟扰民",
        "每天晚上油烟很大，噪音扰民，物业不作为。",
        "2024-05-01 20:00:00",
        "3",
    ),
    (
        "2",
        "魅力之城小区底层餐馆油烟扰民",
        "餐馆油烟直排，噪音扰民，忍无可忍！",
        "2024-05-02 21:00:00",
        "1",
    ),
    (
        "3",
        "魅力之城小区商铺油烟噪音扰民",
        "商铺油烟直排，晚上噪音很大，严重影响休息。",
        "2024-05-03 22:00:00",
        "0",
    ),
    ("4", "请问什么时候普及5G网络", "想知道我们这里什么时候有5G信号。", "2024-05-03 10:00:00", "0"),
    (
        "5",
        "魅力之城小区楼下烧烤摊油烟扰民",
        "每天晚上油烟很大，噪音扰民，物业不作为！",
        "2024/5/4 8:00",
        "0",
    ),
    (
        "6",
        "浠水县清泉镇楼道燃气泄漏",
        "湖北黄冈浠水县清泉镇一栋楼道燃气泄漏，请尽快处理",
        "2024-05-04 09:00:00",
        "",
    ),
]


def write(tmp_path, rows=ROWS, header=HEADER, name="in.csv"):
    path = tmp_path / name
    lines = [header] + [",".join(r) + "\n" for r in rows]
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, list(csv.reader(io.StringIO(out))), err


@pytest.fixture
def regions(tmp_path):
    path = tmp_path / "regions.json"
    data = [
        {"code": "420000", "name": "湖北省", "parent": None, "level": 1},
        {"code": "421100", "name": "黄冈市", "parent": "420000", "level": 2},
        {"code": "421125", "name": "浠水县", "parent": "421100", "level": 3},
        {"code": "421125100", "name": "清泉镇", "parent": "421125", "level": 4},
    ]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_topics_lists_the_hottest_matter_first_with_its_members(tmp_path, capsys, regions):
    code, rows, _ = run(capsys, "topics", write(tmp_path), "--regions", regions)
    assert code == 0
    assert rows[0] == ["rank", "topic_id", "hotness", "size", "people", "first_at", "last_at",
                       "places", "keywords", "title", "ids"]  # fmt: skip
    top = dict(zip(rows[0], rows[1], strict=True))
    assert top["rank"] == "1" and top["ids"].split() == ["1", "2", "3", "5"]
    assert top["size"] == "4" and top["first_at"] == "2024-05-01 20:00:00"
    assert "油烟" in top["keywords"].split()
    last = {r[10]: r for r in rows[1:]}["6"]
    assert last[7].split() == ["浠水县", "清泉镇", "湖北省"]


def test_topics_top_limits_the_rows(tmp_path, capsys, regions):
    _, rows, _ = run(capsys, "topics", write(tmp_path), "--top", "1", "--regions", regions)
    assert len(rows) == 2


def test_duplicates_names_the_earlier_text(tmp_path, capsys):
    code, rows, _ = run(capsys, "duplicates", write(tmp_path))
    assert code == 0 and rows[0] == ["id", "duplicate_of", "similarity"]
    assert [r[:2] for r in rows[1:]] == [["5", "1"]]
    assert 0.6 <= float(rows[1][2]) <= 1.0


def test_places_gives_codes_and_offsets(tmp_path, capsys, regions):
    code, rows, _ = run(capsys, "places", write(tmp_path), "--regions", regions)
    assert code == 0 and rows[0] == ["id", "region_code", "region_name", "start", "end"]
    text = f"{ROWS[5][1]}\n{ROWS[5][2]}"
    for _, _code, name, start, end in rows[1:]:
        assert text[int(start) : int(end)] in name
    assert {r[1] for r in rows[1:]} == {"420000", "421100", "421125", "421125100"}


def test_places_without_a_region_file_says_so(tmp_path, capsys):
    code, rows, err = run(capsys, "places", write(tmp_path), "--regions", str(tmp_path / "no.json"))
    assert code == 2 and rows == [] and "找不到行政区划文件" in err


def test_sentiment_scores_and_flags(tmp_path, capsys):
    code, rows, _ = run(capsys, "sentiment", write(tmp_path))
    assert code == 0 and rows[0] == ["id", "negativity", "urgent", "flags"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["6"][2:] == ["1", "safety"]
    assert float(by_id["2"][1]) > float(by_id["4"][1])


def test_reply_quality_rates_each_reply(tmp_path, capsys):
    header = "id,title,body,created_at,reply,replied_at\n"
    rows = [
        ("1", "东湖路路灯坏了", "东湖路路灯坏了一个月", "2024-05-06 09:00",
         "您反映的东湖路路灯问题，区城管局已安排维修，预计5月20日前修复。", "2024-05-08 10:00"),
        ("2", "东湖路路灯坏了", "东湖路路灯坏了一个月", "2024-05-06 09:00",
         "您好，来信已收悉，已转相关部门处理。", ""),
    ]  # fmt: skip
    code, out, _ = run(capsys, "reply-quality", write(tmp_path, rows, header))
    assert code == 0 and out[0] == ["id", "relevance", "completeness", "timeliness_days", "flags"]
    assert out[1][2:4] == ["1.0000", "2"] and out[1][4] == ""
    assert out[2][3] == "" and "template" in out[2][4].split()


def test_a_missing_column_is_named(tmp_path, capsys):
    code, _, err = run(capsys, "reply-quality", write(tmp_path))
    assert code == 2 and "缺少列 reply" in err


def test_a_bad_value_names_the_row_and_column(tmp_path, capsys):
    rows = [*ROWS[:2], ("3", "标题", "正文", "昨天", "0")]
    code, _, err = run(capsys, "topics", write(tmp_path, rows))
    assert code == 2 and "第 4 行" in err and "created_at" in err
    rows = [*ROWS[:1], ("2", "标题", "正文", "2024-05-01", "很多")]
    code, _, err = run(capsys, "duplicates", write(tmp_path, rows, name="b.csv"))
    assert code == 0
    code, _, err = run(capsys, "topics", write(tmp_path, rows, name="c.csv"))
    assert code == 2 and "第 3 行" in err and "likes" in err
