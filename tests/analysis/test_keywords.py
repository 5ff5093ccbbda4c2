from massline.analysis.keywords import KeywordExtractor

CORPUS = [
    "小区停水三天，居民生活困难",
    "小区电梯故障，居民被困",
    "小区物业乱收费，居民不满",
    "小区燃气泄漏，居民担心安全",
]


def extractor() -> KeywordExtractor:
    kx = KeywordExtractor()
    for text in CORPUS:
        kx.add(text)
    return kx


def test_a_word_every_text_uses_ranks_below_the_one_that_marks_this_text():
    words = [w for w, _ in extractor().keywords("小区电梯故障，居民被困")]
    assert words.index("电梯") < words.index("小区")


def test_document_frequencies_grow_one_text_at_a_time():
    kx = KeywordExtractor()
    kx.add("电梯故障")
    kx.add("电梯故障又发生")
    assert kx.n_docs == 2 and kx.df["电梯"] == 2 and kx.df["发生"] == 1


def test_keywords_are_at_most_k_and_weights_are_normalised():
    out = extractor().keywords("小区燃气泄漏，居民担心安全，燃气公司不管", k=3)
    assert len(out) == 3
    assert abs(sum(w * w for _, w in out) - 1.0) < 1e-3


def test_single_characters_and_stopwords_are_not_keywords():
    words = {w for w, _ in extractor().keywords("我们的水是黄的")}
    assert not {"我们", "的", "水", "是"} & words


def test_period_keywords_prefer_what_many_texts_share():
    period = ["燃气泄漏很危险", "又有燃气泄漏", "路灯坏了"]
    words = [w for w, _ in extractor().period_keywords(period, k=3)]
    assert words[0] in {"燃气", "泄漏"}


def test_the_corpus_state_round_trips_through_a_dict():
    kx = extractor()
    again = KeywordExtractor.from_dict(kx.to_dict())
    assert again.keywords("小区电梯故障") == kx.keywords("小区电梯故障")


def test_an_empty_text_has_no_keywords():
    assert extractor().keywords("") == []
