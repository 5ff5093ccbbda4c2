import csv
import io
import zipfile

import pytest

from massline.analysis.cli import main
from massline.analysis.csvio import InputError, read_rows

ROWS = [
    ("公交车拒载", "司机拒载，公交车线路停运", "交通运输"),
    ("出租车拒载", "出租车司机拒载乘客", "交通运输"),
    ("公交站台损坏", "公交站台破损，线路调整", "交通运输"),
    ("客运站票价", "客运站票价上涨，司机态度差", "交通运输"),
    ("拖欠工资", "公司拖欠农民工工资半年", "劳动和社会保障"),
    ("社保断缴", "单位不交社保，养老保险断缴", "劳动和社会保障"),
    ("讨薪无门", "包工头拖欠工资，农民工讨薪", "劳动和社会保障"),
    ("失业金", "失业保险金怎么领取", "劳动和社会保障"),
    ("学校乱收费", "学校向学生收取补课费", "教育文体"),
    ("幼儿园学位", "幼儿园学位不足，招生不公", "教育文体"),
    ("老师补课", "老师在校外有偿补课", "教育文体"),
    ("招生划片", "小学招生划片不合理", "教育文体"),
]


def write_csv(path, header, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def train_csv(tmp_path):
    rows = [(str(i), t, b, "2020-01-06 12:09:38", label) for i, (t, b, label) in enumerate(ROWS)]
    return write_csv(tmp_path / "train.csv", ["id", "title", "body", "created_at", "label"], rows)


@pytest.fixture
def model(tmp_path, train_csv):
    path = tmp_path / "model.mlc"
    assert main(["train", str(train_csv), "--model", str(path)]) == 0
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_train_writes_a_model_and_says_so(model, capsys):
    assert model.exists()


def test_classify_prints_id_label_confidence_for_every_row(tmp_path, model, capsys):
    data = write_csv(
        tmp_path / "in.csv",
        ["id", "title", "body"],
        [
            ("a1", "出租车拒载", "司机拒载"),
            ("a2", "拖欠工资", "老板拖欠工资"),
            ("a3", "补课", "老师补课"),
        ],
    )
    code, out, _ = run(capsys, "classify", data, "--model", model)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "label", "confidence"]
    assert [r[0] for r in rows[1:]] == ["a1", "a2", "a3"]
    assert [r[1] for r in rows[1:]] == ["交通运输", "劳动和社会保障", "教育文体"]
    assert all(0.0 < float(r[2]) <= 1.0 for r in rows[1:])


def test_a_utf8_file_with_a_bom_is_read(tmp_path, model, capsys):
    data = write_csv(
        tmp_path / "bom.csv",
        ["id", "title", "body"],
        [("1", "公交车", "拒载")],
        encoding="utf-8-sig",
    )
    code, out, _ = run(capsys, "classify", data, "--model", model)
    assert code == 0 and out.splitlines()[1].startswith("1,")


def test_a_missing_column_is_named(tmp_path, model, capsys):
    data = write_csv(tmp_path / "in.csv", ["id", "title"], [("1", "公交车")])
    code, out, err = run(capsys, "classify", data, "--model", model)
    assert code == 2 and out == ""
    assert "第 1 行" in err and "缺少列 body" in err


def test_an_empty_id_names_its_row_and_column(tmp_path, model, capsys):
    data = write_csv(
        tmp_path / "in.csv", ["id", "title", "body"], [("1", "a", "b"), ("", "c", "d")]
    )
    code, _, err = run(capsys, "classify", data, "--model", model)
    assert code == 2 and "第 3 行" in err and "列 id" in err


def test_a_bad_created_at_names_its_row_and_column(tmp_path, model, capsys):
    data = write_csv(
        tmp_path / "in.csv", ["id", "title", "body", "created_at"], [("1", "a", "b", "昨天下午")]
    )
    code, _, err = run(capsys, "classify", data, "--model", model)
    assert code == 2 and "第 2 行" in err and "列 created_at" in err and "昨天下午" in err


def test_non_numeric_likes_name_their_row_and_column(tmp_path, model, capsys):
    data = write_csv(
        tmp_path / "in.csv",
        ["id", "title", "body", "likes"],
        [("1", "a", "b", "12"), ("2", "c", "d", "很多")],
    )
    code, _, err = run(capsys, "classify", data, "--model", model)
    assert code == 2 and "第 3 行" in err and "列 likes" in err


def test_undecodable_bytes_name_their_line(tmp_path, model, capsys):
    data = write_csv(
        tmp_path / "gbk.csv",
        ["id", "title", "body"],
        [("1", "ok", "ok"), ("2", "公交", "拒载")],
        encoding="gbk",
    )
    code, _, err = run(capsys, "classify", data, "--model", model)
    assert code == 2 and "第 3 行" in err and "UTF-8" in err


def test_training_needs_a_label_in_every_row(tmp_path, capsys):
    data = write_csv(
        tmp_path / "t.csv",
        ["id", "title", "body", "label"],
        [("1", "a", "b", "x"), ("2", "c", "d", "")],
    )
    code, _, err = run(capsys, "train", data, "--model", tmp_path / "m.mlc")
    assert code == 2 and "第 3 行" in err and "列 label" in err


def test_training_needs_two_categories(tmp_path, capsys):
    data = write_csv(
        tmp_path / "t.csv",
        ["id", "title", "body", "label"],
        [("1", "a", "b", "x"), ("2", "c", "d", "x")],
    )
    code, _, err = run(capsys, "train", data, "--model", tmp_path / "m.mlc")
    assert code == 2 and "两个不同的类别" in err


def test_a_missing_model_file_is_reported(tmp_path, capsys):
    data = write_csv(tmp_path / "in.csv", ["id", "title", "body"], [("1", "a", "b")])
    code, _, err = run(capsys, "classify", data, "--model", tmp_path / "none.mlc")
    assert code == 2 and "找不到模型文件" in err


def test_a_model_of_another_version_is_refused(tmp_path, model, capsys):
    old = tmp_path / "old.mlc"
    with zipfile.ZipFile(model) as src, zipfile.ZipFile(old, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(
                name,
                data.replace(b'"version": 2', b'"version": 0') if name == "meta.json" else data,
            )
    data = write_csv(tmp_path / "in.csv", ["id", "title", "body"], [("1", "a", "b")])
    code, _, err = run(capsys, "classify", data, "--model", old)
    assert code == 2 and "版本是 0" in err and "重新训练" in err


def test_the_same_training_file_and_seed_give_the_same_output(tmp_path, train_csv, capsys):
    data = write_csv(
        tmp_path / "in.csv", ["id", "title", "body"], [("1", "公交拖欠", "补课拒载工资")]
    )
    outputs = []
    for name in ("m1.mlc", "m2.mlc"):
        assert main(["train", str(train_csv), "--model", str(tmp_path / name), "--seed", "5"]) == 0
        outputs.append(run(capsys, "classify", data, "--model", tmp_path / name)[1])
    assert outputs[0] == outputs[1]


def test_a_custom_taxonomy_can_be_given(tmp_path, train_csv, capsys):
    taxonomy = write_csv(
        tmp_path / "tax.csv", ["level1", "level2", "level3"], [("交通运输", "出租车管理", "出租车")]
    )
    code, _, _ = run(
        capsys, "train", train_csv, "--model", tmp_path / "m.mlc", "--taxonomy", taxonomy
    )
    assert code == 0


def test_read_rows_parses_times_and_counts(tmp_path):
    data = write_csv(
        tmp_path / "in.csv",
        [" id", "title", "body", "created_at", "likes"],
        [("7", "t", "b", "2019/5/10 14:56:53", ""), ("8", "t", "b", "", "3")],
    )
    rows = read_rows(data, ("id", "title"), ("created_at", "likes"))
    assert rows[0]["line"] == 2 and rows[0]["created_at"].day == 10 and rows[0]["likes"] == 0
    assert rows[1]["created_at"] is None and rows[1]["likes"] == 3


def test_a_row_with_too_few_cells_is_named(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("id,title,body\n1,a,b\n2,c\n", encoding="utf-8")
    with pytest.raises(InputError, match="第 3 行"):
        read_rows(path, ("id", "title", "body"))


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="缺少表头"):
        read_rows(path)


def test_user_words_from_a_file_are_used_and_kept_in_the_model(tmp_path, train_csv, capsys):
    words = tmp_path / "words.txt"
    words.write_text("东湖街道办事处\n黄州区 ns\n", encoding="utf-8")
    model = tmp_path / "m.mlc"
    code, _, _ = run(capsys, "train", train_csv, "--model", model, "--user-words", words)
    assert code == 0
    from massline.analysis.classify import CategoryClassifier

    assert CategoryClassifier.load(model).user_words == ["东湖街道办事处", "黄州区"]
