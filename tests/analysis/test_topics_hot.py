"""Hot topics: one matter in many wordings is one topic; hotness counts residents, support, time."""

import random
from datetime import datetime, timedelta

import pytest

from massline.analysis.text import normalise, strip_boilerplate, tokens
from massline.analysis.topics import TopicTracker

START = datetime(2024, 3, 1, 9)

# One matter (the shops under 翠湖湾小区), raised in two families of words: fumes and noise.
FUMES = [
    "翠湖湾小区楼下烧烤店油烟扰民。楼下烧烤店每天油烟直排，家里窗户都不敢开。",
    "翠湖湾小区底层餐馆油烟直排。餐馆没有排烟管道，油烟飘进楼上住户家里。",
    "翠湖湾小区临街门面油烟污染严重。临街门面开了几家烧烤店，油烟熏得人头疼。",
    "翠湖湾小区一楼夜宵摊油烟太大。一楼的夜宵摊烧烤到半夜，油烟直排进住户家里。",
]
NOISE = [
    "翠湖湾小区底层商铺深夜营业噪音扰民。底层商铺营业到凌晨，噪音很大，油烟也呛人，孩子睡不着觉。",
    "翠湖湾小区楼下商铺凌晨还在喧哗。楼下烧烤商铺喝酒划拳到凌晨两点，噪音吵得老人无法休息。",
    "翠湖湾小区底层商铺各种噪音。商铺深夜营业，喧哗声、音响声不断，油烟也大，天天失眠。",
]
# Another problem at the same place, and unrelated appeals (some in other 小区).
PARKING = [
    "翠湖湾小区物业乱收停车费。物业今年把停车费从每月两百涨到四百，没有业主大会表决。",
    "翠湖湾小区停车费涨价不合理。物业擅自上调停车费，业主多次反映无人理会。",
]
OTHER = [
    "请问什么时候普及5G网络。想知道我们这里什么时候有5G信号。",
    "建议增设地铁站点方便市民出行。地铁站太远，市民出行不便。",
    "农村低保申请需要什么材料。请问申请低保要准备哪些材料。",
    "公积金贷款额度如何计算。想了解公积金贷款额度的计算办法。",
    "幸福里小区电梯经常故障。小区电梯一个月坏了三次，老人被困。",
    "阳光小区楼下停车难。小区车位太少，车辆乱停占用消防通道。",
    "学校周边交通拥堵接送困难。每天放学学校门口堵车，接送孩子很危险。",
    "东方花园小区物业服务差。小区垃圾无人清理，物业不作为。",
]


def words(text):
    """Title words and body words of "title。body"."""
    title, _, body = text.partition("。")
    return tokens(normalise(title)), tokens(strip_boilerplate(normalise(body)))


def tracker(**kw):
    t = TopicTracker(**kw)
    t.fit_idf([*a, *b] for a, b in map(words, FUMES + NOISE + PARKING + OTHER * 5))
    return t


def feed(t, texts, start=0, **kw):
    return [
        t.add(n, *words(x), title=x, at=START + timedelta(hours=n), **kw)
        for n, x in enumerate(texts, start)
    ]


def topic_of(summaries, appeal_id):
    (found,) = [s for s in summaries if appeal_id in s.ids]
    return found.topic_id


def test_one_matter_in_many_wordings_is_one_topic():
    # A strict joining threshold leaves nearly every wording on its own in the single pass.
    t = tracker(threshold=0.6)
    texts = FUMES + OTHER[:3] + PARKING + NOISE + OTHER[3:]
    feed(t, texts)
    matter = [texts.index(x) for x in FUMES + NOISE]
    streamed = t.summaries(regroup=False)
    assert len({topic_of(streamed, i) for i in matter}) >= 4
    merged = t.summaries()
    assert len({topic_of(merged, i) for i in matter}) == 1
    assert merged[0].size == len(matter)
    others = [texts.index(x) for x in OTHER + PARKING]
    assert all(topic_of(merged, i) != topic_of(merged, matter[0]) for i in others)


def test_another_problem_at_the_same_place_stays_apart():
    t = tracker()
    texts = FUMES + PARKING + NOISE
    feed(t, texts)
    merged = t.summaries()
    fumes = topic_of(merged, 0)
    assert all(topic_of(merged, texts.index(x)) != fumes for x in PARKING)
    assert all(topic_of(merged, texts.index(x)) == fumes for x in NOISE)


def test_places_that_disagree_keep_topics_apart():
    t = tracker(threshold=0.6)
    feed(t, FUMES, places=["黄州区"])
    feed(t, NOISE, start=10, places=["浠水县"])
    merged = t.summaries()
    assert topic_of(merged, 0) != topic_of(merged, 10)


def test_a_human_split_binds_the_regrouping():
    t = tracker()
    ids = feed(t, FUMES + NOISE)
    t.summaries()
    tid = t.resolve(ids[0])
    piece = t.split(tid, list(range(len(FUMES), len(FUMES) + len(NOISE))))
    merged = t.summaries()
    assert topic_of(merged, 0) != topic_of(merged, len(FUMES)) == piece


def test_one_person_posting_30_times_ranks_below_15_people_posting_once_with_likes():
    t = tracker()
    rng = random.Random(1)
    at = START
    for n in range(30):
        text = f"{rng.choice(['楼上邻居半夜剁东西', '邻居深夜噪音', '楼上扰民'])}，已经{n + 3}天了"
        t.add(f"s{n}", *words(text), title=text, at=at + timedelta(hours=n), person="同一人")
    for n in range(15):
        text = rng.choice(FUMES)
        t.add(f"r{n}", *words(text), title=text, at=at + timedelta(days=1, hours=n),
              person=f"居民{n}", likes=rng.randint(1, 6))  # fmt: skip
    ranked = t.summaries()
    spam = next(s for s in ranked if "s0" in s.ids)
    shared = next(s for s in ranked if "r0" in s.ids)
    assert spam.size == 30 and spam.people == 1
    assert shared.people == 15
    assert shared.hotness > spam.hotness
    assert ranked.index(shared) < ranked.index(spam)
    assert spam.parts["residents"] == 1 and spam.parts["repeats"] < 3


def test_residents_within_weeks_outrank_more_residents_spread_over_a_year():
    t = tracker()
    for n in range(24):  # one every two weeks or so
        t.add(f"y{n}", *words(PARKING[0]), at=START + timedelta(days=15 * n), person=f"a{n}")
    for n in range(15):  # fifteen in three weeks, months ago
        t.add(f"w{n}", *words(FUMES[0]), at=START + timedelta(days=60 + n), person=f"b{n}")
    ranked = t.summaries()
    spread = next(s for s in ranked if "y0" in s.ids)
    weeks = next(s for s in ranked if "w0" in s.ids)
    assert spread.people == 24 and weeks.people == 15
    assert weeks.hotness > spread.hotness


def test_many_likes_raise_a_topic_but_less_than_many_residents():
    t = tracker()
    t.add("liked", *words(OTHER[0]), at=START, person="x", likes=100)
    for n in range(12):
        t.add(f"p{n}", *words(FUMES[n % 4]), at=START + timedelta(hours=n), person=f"p{n}")
    t.add("plain", *words(OTHER[1]), at=START, person="y")
    ranked = t.summaries()
    liked = next(s for s in ranked if "liked" in s.ids)
    plain = next(s for s in ranked if "plain" in s.ids)
    many = next(s for s in ranked if "p0" in s.ids)
    assert plain.hotness < liked.hotness < many.hotness
    assert liked.parts["likes"] == pytest.approx(5.0)


@pytest.mark.parametrize("now", [None, START + timedelta(days=3), START + timedelta(days=200)])
def test_the_parts_add_up_to_the_hotness(now):
    t = tracker()
    rng = random.Random(7)
    texts = FUMES + NOISE + PARKING + OTHER
    for n in range(60):
        text = rng.choice(texts)
        t.add(n, *words(text), title=text, at=START + timedelta(days=rng.random() * 20),
              person=f"p{rng.randrange(25)}", likes=rng.choice([0, 0, 1, 3, 40]))  # fmt: skip
    summaries = t.summaries(now)
    assert summaries
    for s in summaries:
        assert set(s.parts) == {"residents", "repeats", "likes", "recency", "growth"}
        assert sum(s.parts.values()) == pytest.approx(s.hotness, abs=1e-3)
        assert s.parts["recency"] <= 0 <= s.parts["growth"]
    assert [s.hotness for s in summaries] == sorted((s.hotness for s in summaries), reverse=True)


def test_without_times_or_persons_every_message_is_a_resident():
    t = tracker()
    for n, text in enumerate(FUMES):
        t.add(n, *words(text), title=text, likes=4)
    (top, *_) = t.summaries()
    assert top.parts == {"residents": 4, "repeats": 0, "likes": 2.0, "recency": 0, "growth": 0}
    assert top.hotness == 6.0
