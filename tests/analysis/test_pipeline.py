from datetime import datetime, timedelta

import pytest

from massline.analysis.pipeline import Analyser
from massline.analysis.places import PlaceIndex

REGIONS = [
    {"code": "420000", "name": "湖北省", "parent": None, "level": 1},
    {"code": "421100", "name": "黄冈市", "parent": "420000", "level": 2},
    {"code": "421102", "name": "黄州区", "parent": "421100", "level": 3},
]
T0 = datetime(2024, 5, 6, 9)
TITLE = "黄冈市黄州区东湖小区燃气泄漏无人管"
BODY = "尊敬的领导您好：黄州区东湖小区三栋楼道里燃气泄漏好几天了，物业不作为，我们非常担心！"


def keyword_classifier(title, body):
    return ("城乡建设", 0.9, [("城乡建设", 0.9), ("环境保护", 0.1)])


def analyser(**kw):
    return Analyser(places=PlaceIndex(REGIONS), classifier=keyword_classifier, **kw)


def test_one_call_gives_every_part_of_the_analysis():
    result = analyser().analyse("a1", TITLE, BODY, at=T0)
    assert result.label == "城乡建设" and result.confidence == 0.9
    assert result.region.code == "421102"
    assert {m.code for m in result.places} == {"421100", "421102"}
    assert all(result.text[m.start : m.end] == m.name for m in result.places)
    assert result.urgent and result.flags == ("safety",)
    assert result.negativity > 0.6
    assert result.topic_id == 1 and result.duplicates == []
    assert "燃气" in result.tokens or "燃气泄漏" in result.tokens


def test_a_repeated_appeal_is_a_duplicate_and_joins_the_same_topic():
    engine = analyser()
    first = engine.analyse("a1", TITLE, BODY, at=T0)
    second = engine.analyse("a2", TITLE, BODY + "请尽快处理", at=T0 + timedelta(hours=1))
    assert second.duplicate_of == "a1" and second.duplicates[0][1] > 0.8
    assert second.topic_id == first.topic_id


def test_a_classifier_object_with_label_confidence_and_top_is_accepted():
    class Prediction:
        label, confidence, top = "教育文体", 0.7, [("教育文体", 0.7)]

    engine = Analyser(classifier=lambda title, body: Prediction())
    result = engine.analyse(1, "学校强制学生实习", "")
    assert (result.label, result.confidence, result.top) == ("教育文体", 0.7, [("教育文体", 0.7)])


def test_state_survives_save_and_load(tmp_path):
    engine = analyser()
    first = engine.analyse("a1", TITLE, BODY, at=T0)
    path = tmp_path / "state.bin"
    engine.save(path)
    again = Analyser.load(path, classifier=keyword_classifier)
    result = again.analyse("a2", TITLE, BODY, at=T0 + timedelta(hours=2))
    assert result.duplicate_of == "a1" and result.topic_id == first.topic_id
    assert result.label == "城乡建设" and again.count == 2


def test_a_file_that_is_not_a_state_is_refused(tmp_path):
    path = tmp_path / "state.bin"
    path.write_bytes(b"\x80\x05K\x01.")
    with pytest.raises(ValueError, match="状态文件"):
        Analyser.load(path)


def test_a_burst_of_one_topic_raises_an_alert():
    engine = Analyser()
    alerts = []
    for n in range(15):
        alerts += engine.analyse(n, TITLE, BODY + str(n), at=T0 + timedelta(minutes=n)).alerts
    alerts += engine.analyse("next-day", "其他事情", "公交站点", at=T0 + timedelta(days=1)).alerts
    assert [(a.key, a.count) for a in alerts] == [(("topic", 1), 15)]


def test_a_backlog_is_analysed_in_order_with_one_batched_classifier_call():
    from massline.analysis.classify import CategoryClassifier

    model = CategoryClassifier().fit(
        [
            ("楼道燃气管道老化", "物业不管楼道燃气", "城乡建设"),
            ("小区物业乱收费", "物业公司收费不合理，楼道脏乱", "城乡建设"),
            ("燃气公司服务差", "燃气维修不及时", "城乡建设"),
            ("学校强制补课", "学生周末被学校要求补课", "教育文体"),
            ("学生实习被强制安排", "学校安排学生去工厂实习", "教育文体"),
            ("学校食堂收费高", "学生吃饭贵", "教育文体"),
        ]
    )
    engine = Analyser(classifier=model)
    rows = [
        {"id": "a1", "title": TITLE, "body": BODY, "at": T0},
        {"id": "a2", "title": "学校强制学生外出实习", "body": "学生不愿意去", "at": T0},
        {"id": "a3", "title": TITLE, "body": BODY, "at": T0 + timedelta(hours=1)},
    ]
    results = engine.analyse_many(rows)
    assert [r.label for r in results] == ["城乡建设", "教育文体", "城乡建设"]
    assert results[2].duplicate_of == "a1" and results[2].topic_id == results[0].topic_id
    engine.learn("学校食堂饭菜太差", "学生吃不饱", "教育文体")
    assert model.n_labelled == 7
