import random
import zipfile

import numpy as np
import pytest
import scipy.sparse as sp

from massline.analysis.classify import (
    CategoryClassifier,
    ModelFormatError,
    expected_calibration_error,
    taxonomy_terms,
)

VOCAB = {
    "交通运输": ["公交车", "线路", "站台", "出租车", "拒载", "司机", "票价", "客运站"],
    "劳动和社会保障": ["工资", "拖欠", "社保", "养老保险", "农民工", "失业", "劳动合同", "退休"],
    "教育文体": ["学校", "老师", "学生", "幼儿园", "招生", "学位", "补课", "教育局"],
}
FILLER = ["小区", "附近", "最近", "反映", "情况", "居民", "尽快", "处理", "一直", "今年"]
TAXONOMY = [
    ("交通运输", "客货运输", "公交车"),
    ("交通运输", "出租车管理", "出租车"),
    ("劳动和社会保障", "工资福利", "拖欠工资"),
    ("劳动和社会保障", "城镇职工社会保险", "养老保险"),
    ("教育文体", "教育收费", "学校收费"),
    ("教育文体", "考试招生", "幼儿园招生"),
]


def make_examples(n_per_class: int, seed: int = 1) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    out = []
    for label, words in VOCAB.items():
        for _ in range(n_per_class):
            title = "".join(rng.sample(words, 2)) + "问题"
            body = "，".join(rng.sample(words, 3) + rng.sample(FILLER, 3)) + "。"
            out.append((title, body, label))
    rng.shuffle(out)
    return out


@pytest.fixture(scope="module")
def trained() -> CategoryClassifier:
    return CategoryClassifier(TAXONOMY, seed=7).fit(make_examples(12))


def test_it_predicts_the_category_of_an_unseen_appeal(trained):
    held_out = make_examples(5, seed=99)
    predictions = trained.predict_many([(t, b) for t, b, _ in held_out])
    correct = sum(p.label == label for p, (_, _, label) in zip(predictions, held_out, strict=True))
    assert correct / len(held_out) >= 0.9


def test_a_prediction_carries_a_confidence_and_a_ranked_top_three(trained):
    p = trained.predict("公交车拒载", "司机拒载，线路停运")
    assert p.label == "交通运输"
    assert len(p.top) == 3 and p.top[0] == (p.label, p.confidence)
    scores = [s for _, s in p.top]
    assert scores == sorted(scores, reverse=True)
    assert 0.0 < sum(scores) <= 1.0 + 1e-6
    assert p.confidence > 0.5


def test_an_appeal_in_words_never_seen_is_not_predicted_confidently():
    clf = CategoryClassifier(seed=7).fit(make_examples(12))
    assert clf.predict("拖欠农民工工资", "工资拖欠半年，农民工讨薪").confidence > 0.9
    assert clf.predict("天气", "今天天气很好").confidence < 0.6


def test_the_same_seed_gives_the_same_model():
    a = CategoryClassifier(TAXONOMY, seed=3).fit(make_examples(8))
    b = CategoryClassifier(TAXONOMY, seed=3).fit(make_examples(8))
    pairs = [(t, b) for t, b, _ in make_examples(2, seed=5)]
    assert a.predict_many(pairs) == b.predict_many(pairs)


def test_save_and_load_give_the_same_predictions(trained, tmp_path):
    path = tmp_path / "model.mlc"
    trained.save(path)
    loaded = CategoryClassifier.load(path)
    pairs = [(t, b) for t, b, _ in make_examples(3, seed=11)]
    before, after = trained.predict_many(pairs), loaded.predict_many(pairs)
    assert [p.label for p in before] == [p.label for p in after]
    assert np.allclose([p.confidence for p in before], [p.confidence for p in after], atol=1e-6)
    assert loaded.n_labelled == trained.n_labelled


def test_a_model_of_another_version_is_refused_with_a_clear_error(trained, tmp_path):
    good, bad = tmp_path / "good.mlc", tmp_path / "bad.mlc"
    trained.save(good)
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "meta.json":
                data = data.replace(b'"version": 2', b'"version": 99')
            dst.writestr(name, data)
    with pytest.raises(ModelFormatError, match="版本是 99"):
        CategoryClassifier.load(bad)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(ModelFormatError, match="不是有效的 massline 模型文件"):
        CategoryClassifier.load(path)


def test_without_labels_the_taxonomy_words_classify():
    cold = CategoryClassifier(TAXONOMY)
    assert cold.n_labelled == 0
    assert cold.predict("公司拖欠工资", "老板拖欠工资三个月").label == "劳动和社会保障"
    assert cold.predict("幼儿园招生", "幼儿园招生不公平").label == "教育文体"
    unknown = cold.predict("天气", "今天天气很好")
    assert unknown.confidence == pytest.approx(1 / 3)


def test_a_confirmed_category_is_learned_without_a_refit(trained, tmp_path):
    path = tmp_path / "model.mlc"
    trained.save(path)
    clf = CategoryClassifier.load(path)
    title, body = "站台票价补课", "站台票价补课，学生在客运站"
    before = clf.predict(title, body).top
    for _ in range(30):
        clf.learn_one(title, body, "教育文体")
    after = clf.predict(title, body)
    assert clf.updates_since_fit == 30
    assert dict(after.top)["教育文体"] > dict(before)["教育文体"]
    assert clf.n_labelled == trained.n_labelled + 30


def test_a_new_category_from_a_dispatcher_is_learned_at_once(trained, tmp_path):
    path = tmp_path / "model.mlc"
    trained.save(path)
    clf = CategoryClassifier.load(path)
    for i in range(4):
        clf.learn_one(f"噪音扰民{i}", "广场舞噪音扰民，深夜噪音", "环境保护")
    assert "环境保护" in clf.classes
    assert clf.predict("噪音扰民", "深夜广场舞噪音").label == "环境保护"


def test_refit_rebuilds_from_every_kept_example():
    clf = CategoryClassifier(seed=1).fit(make_examples(6))
    clf.learn_one("公交车线路", "公交车线路", "交通运输")
    clf.refit()
    assert clf.updates_since_fit == 0 and clf.n_labelled == 19


def test_calibration_error_is_zero_when_confidence_matches_accuracy():
    assert expected_calibration_error([1.0, 1.0, 0.55, 0.55], [True, True, True, False]) == (
        pytest.approx(0.025)
    )


def test_taxonomy_terms_gather_each_class_names_without_generic_ones():
    terms = taxonomy_terms([("交通运输", "出租车管理", "其他"), ("交通运输", "其他", "拒载")])
    assert terms == {"交通运输": ["交通运输", "出租车管理", "拒载"]}


# The fast featuriser (`_Featuriser.rows`) must give what sklearn's `transform` gives.

AWKWARD_EXAMPLES = [
    ("BRT公交 Line 3 停运", "BRT 3号线 早高峰 12 分钟一班，车上很挤 🚌🚌", "交通运输"),
    ("ETC 收费站 拥堵", "ETC车道 2023年10月 经常故障，排队 30 分钟 😡", "交通运输"),
    ("Wi-Fi 教室 网课", "学校 Wi-Fi 太慢，网课 45 分钟 掉线 3 次 📚", "教育文体"),
    ("APP 社保 查询", "社保 APP 登录 失败 404，养老保险 查询不了 💰", "劳动和社会保障"),
]
AWKWARD_TEXTS = [
    ("公交车   拒载", "司机\t\t拒载，   线路  停运\n\n站台   没有   顶棚"),
    ("BRT LINE 3 ETC", "BRT Line 3 的 ETC 和 Wi-Fi，APP 登录 404 NOT FOUND"),
    ("12路公交车", "2023年10月1日起 票价 3 元，12 路 45 分钟一班，电话 13800000000"),
    ("拖欠工资", ""),
    ("", ""),
    ("", "幼儿园招生"),
    ("学校收费", "学校 补课 收费，" * 300),
    ("🚌😡公交车", "👍🏻 司机 拒载 🚌🚌🚌 😀 ❤️"),
    ("公車拒載", "ＢＲＴ 公車　司機　拒載，線路停運"),
    ("İSTANBUL Straße", "ǅ ﬁ ΣΑΣ 大写 ÀÉÎ 小写"),
]


@pytest.fixture(scope="module", params=["fitted", "loaded"])
def awkward(request, tmp_path_factory) -> CategoryClassifier:
    clf = CategoryClassifier(TAXONOMY, seed=7).fit(make_examples(12) + AWKWARD_EXAMPLES * 2)
    if request.param == "fitted":
        return clf
    path = tmp_path_factory.mktemp("model") / "model.mlc"
    clf.save(path)
    return CategoryClassifier.load(path)


def dense_rows(clf: CategoryClassifier, docs) -> np.ndarray:
    out = np.zeros((len(docs), clf._features.width), dtype=np.float32)
    for i, (cols, values) in enumerate(clf._features.rows(docs)):
        out[i, cols] = values
    return out


def test_fast_features_equal_sklearn_features_on_awkward_texts(awkward):
    docs = [awkward._doc(t, b) for t, b in AWKWARD_TEXTS]
    reference = awkward._features.transform(docs).toarray()
    assert reference.any(axis=1).sum() >= len(docs) - 1
    np.testing.assert_allclose(dense_rows(awkward, docs), reference, rtol=0, atol=1e-6)


def test_fast_features_equal_sklearn_on_text_the_analyzers_still_have_to_clean():
    from massline.analysis.features import Doc as _Doc

    clf = CategoryClassifier(seed=7).fit(make_examples(12) + AWKWARD_EXAMPLES * 2)
    raw = [
        _Doc("BRT  Line\t\t3", "ETC   车道\n\n故障  WI-FI", "BRT Line 3", "ETC 车道  故障"),
        _Doc("İstanbul Ǆ", "ΣΑΣ  \u3000 ÀÉ", "İstanbul", "ΣΑΣ ÀÉ"),
        _Doc("", "", "", ""),
    ]
    reference = clf._features.transform(raw).toarray()
    np.testing.assert_allclose(dense_rows(clf, raw), reference, rtol=0, atol=1e-6)


def test_fast_probabilities_and_labels_equal_the_sklearn_path(awkward):
    docs = [awkward._doc(t, b) for t, b in AWKWARD_TEXTS]
    model = awkward._model
    reference = model.proba(awkward._features.transform(docs))
    fast = model.proba_rows(awkward._features.rows(docs))
    np.testing.assert_allclose(fast, reference, rtol=0, atol=1e-5)
    assert (fast.argmax(axis=1) == reference.argmax(axis=1)).all()


def test_taxonomy_hits_from_the_shared_pass_equal_each_level_counted_alone(awkward):
    for title, body in AWKWARD_TEXTS:
        doc = awkward._doc(title, body)
        title_hits, body_hits = awkward._tree.class_hits(doc)
        assert (title_hits == awkward._matcher.counts(doc.title)).all()
        assert (body_hits == awkward._matcher.counts(doc.body)).all()


def test_a_batch_predicts_what_one_by_one_predicts(awkward):
    batch = awkward.predict_many(AWKWARD_TEXTS)
    single = [awkward.predict(t, b) for t, b in AWKWARD_TEXTS]
    assert [p.label for p in batch] == [p.label for p in single]
    assert np.allclose([p.confidence for p in batch], [p.confidence for p in single], atol=1e-6)


def test_the_ensemble_is_one_linear_model_its_members_weighted():
    from massline.analysis.linear import LinearModel

    rng = np.random.default_rng(0)
    y = np.repeat(["a", "b", "c"], 20)
    signal = np.eye(3)[np.searchsorted(["a", "b", "c"], y)] * rng.uniform(0.5, 1.0, (60, 1))
    noise = rng.uniform(0.0, 0.6, (60, 7)) * (rng.random((60, 7)) < 0.5)
    X = sp.csr_matrix(np.hstack([signal, noise, signal[:, ::-1] + noise[:, :3]]), dtype=np.float32)
    members = [("svc", np.arange(0, 10)), ("nbsvm", np.arange(7, 13))]
    model = LinearModel(seed=0).fit(X, y, members)

    weights = model.member_weights
    assert len(weights) == 2 and min(weights) >= 0 and sum(weights) > 0
    assert model.temperature == pytest.approx(sum(weights))
    expected = np.zeros((60, 3))
    for weight, member in zip(weights, members, strict=True):
        _, coef, intercept = LinearModel(seed=0)._fit_member(X, y, member)
        expected += weight * (X @ coef.T + intercept)
    np.testing.assert_allclose(model.decision(X) * model.temperature, expected, atol=1e-3)
    assert (model.proba(X).argmax(axis=1) == np.searchsorted(model.classes, y)).mean() > 0.9


def test_a_member_reads_only_its_own_columns():
    from massline.analysis.linear import LinearModel

    X = sp.csr_matrix(np.kron(np.eye(2), np.ones((10, 2))), dtype=np.float32)
    y = np.repeat(["a", "b"], 10)
    model = LinearModel().fit(X, y, [("svc", np.array([0])), ("nbsvm", np.array([3]))])
    assert not model.coef[:, [1, 2]].any()
    with pytest.raises(ValueError, match="unknown learner"):
        LinearModel().fit(X, y, [("forest", None)])


def test_the_temperature_is_lowered_for_the_margins_of_a_model_trained_on_all_the_data():
    from massline.analysis.linear import LinearModel

    # noisy classes: the member weights are fitted on models that saw 2/3 of the data, whose
    # margins are smaller than the final model's; extrapolating lowers the temperature, and
    # scaling every weight alike never changes a label
    rng = np.random.default_rng(3)
    y = np.repeat(["a", "b", "c"], 60)
    signal = np.eye(3)[np.searchsorted(["a", "b", "c"], y)] * rng.uniform(0.2, 1.0, (180, 1))
    X = sp.csr_matrix(np.hstack([signal, rng.uniform(0, 1, (180, 30))]), dtype=np.float32)
    members = [("svc", None), ("nbsvm", None)]
    plain = LinearModel(seed=0, extrapolate=False).fit(X, y, members)
    scaled = LinearModel(seed=0, extrapolate=True).fit(X, y, members)
    assert 0.5 * plain.temperature <= scaled.temperature < plain.temperature
    ratio = np.array(scaled.member_weights) / np.array(plain.member_weights)
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-6)
    assert (scaled.proba(X).argmax(axis=1) == plain.proba(X).argmax(axis=1)).all()
