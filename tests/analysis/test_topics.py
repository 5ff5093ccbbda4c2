from datetime import datetime, timedelta

from massline.analysis.text import normalise, strip_boilerplate, tokens
from massline.analysis.topics import TopicTracker

NOISE = [
    "魅力之城小区楼下烧烤摊油烟扰民",
    "魅力之城小区底层餐馆油烟扰民，晚上噪音很大",
    "魅力之城小区商铺油烟直排，噪音扰民严重",
]
SCHOOL = [
    "经济学院强制学生外出实习",
    "经济学院组织学生外出实习打工",
    "经济学院实习安排不合理，强制学生去工厂",
]
OTHER = ["请问什么时候普及5G网络", "建议增设地铁站点方便市民出行"]
START = datetime(2024, 3, 1, 9)


def words(text):
    return tokens(strip_boilerplate(normalise(text)))


def feed(tracker, texts, start=0, **kw):
    out = []
    for n, text in enumerate(texts, start):
        out.append(tracker.add(n, words(text), title=text, at=START + timedelta(hours=n), **kw))
    return out


def tracker():
    t = TopicTracker()
    t.fit_idf(words(x) for x in NOISE + SCHOOL + OTHER + ["小区物业服务", "学生学校教育"])
    return t


def test_appeals_about_the_same_matter_share_a_topic_and_others_do_not():
    t = tracker()
    ids = feed(t, [NOISE[0], SCHOOL[0], NOISE[1], SCHOOL[1], OTHER[0], NOISE[2], SCHOOL[2]])
    assert ids[0] == ids[2] == ids[5]
    assert ids[1] == ids[3] == ids[6]
    assert len({ids[0], ids[1], ids[4]}) == 3


def test_a_summary_carries_keywords_title_people_times_and_places():
    t = tracker()
    feed(t, NOISE, person="居民甲", likes=2, places=["黄州区"])
    top = t.summaries()[0]
    assert top.size == 3 and top.people == 1 and top.likes == 6
    assert top.places == ["黄州区"]
    assert "油烟" in top.keywords and top.title in NOISE
    assert (
        top.first_at == START.timestamp()
        and top.last_at == (START + timedelta(hours=2)).timestamp()
    )
    assert top.ids == [0, 1, 2]


def test_more_residents_make_a_topic_hotter_than_one_resident_repeating():
    t = tracker()
    feed(t, NOISE, person="居民甲")
    feed(t, SCHOOL, start=10)
    by_size = {s.ids[0]: s for s in t.summaries()}
    assert by_size[10].hotness > by_size[0].hotness


def test_the_same_input_gives_the_same_topics():
    runs = []
    for _ in range(2):
        t = tracker()
        feed(t, NOISE + SCHOOL + OTHER)
        runs.append([(s.topic_id, s.ids, s.hotness) for s in t.summaries()])
    assert runs[0] == runs[1]


def test_a_human_merge_is_not_undone_by_a_later_appeal():
    t = tracker()
    a, b, _ = feed(t, [NOISE[0], SCHOOL[0], OTHER[0]])
    kept = t.merge(a, b)
    later = feed(t, [SCHOOL[1]], start=5)[0]
    assert later == kept and t.resolve(b) == kept
    assert len(t.topics) == 2


def test_a_split_keeps_the_pieces_apart_and_is_replayed():
    t = tracker()
    ids = feed(t, NOISE)
    piece = t.split(ids[0], [2])
    assert sorted(t.topics[ids[0]].ids) == [0, 1] and t.topics[piece].ids == [2]
    replay = tracker()
    replay.apply_decisions(t.decisions())
    again = feed(replay, NOISE)
    assert again[0] == again[1] != again[2]


def test_retired_topics_leave_memory_and_are_reported():
    retired = []
    t = TopicTracker(horizon_days=1, on_retire=retired.append)
    t.add(1, words(NOISE[0]), at=START)
    t.add(2, words(SCHOOL[0]), at=START + timedelta(days=3))
    t.sweep()
    assert [s.ids for s in retired] == [[1]] and len(t.topics) == 1


def test_a_member_limit_bounds_the_ids_but_keeps_counts_exact_or_close():
    t = TopicTracker(member_limit=10)
    w = words(NOISE[0])
    for n in range(300):
        t.add(n, w, title=NOISE[0], at=START + timedelta(minutes=n), person=f"p{n % 150}", likes=1)
    (top,) = t.summaries()
    assert top.size == 300 and top.likes == 300
    assert len(top.ids) <= 20 and top.ids[-1] == 299
    assert abs(top.people - 150) <= 15
    assert top.last_at == (START + timedelta(minutes=299)).timestamp()
