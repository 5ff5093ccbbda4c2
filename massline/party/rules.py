"""The arithmetic of 掌上党建, as pure functions: points caps by Asia/Shanghai day, credited
study time, quiz and exam scoring and timing, ranks."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
"""Points days are China's days whatever the server's TIME_ZONE: 学习强国's caps reset at
midnight Beijing time."""

LETTERS = "ABCDEFGH"
TRUE, FALSE = "对", "错"


def points_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def capped(points: int, cap: int, already: int) -> int:
    """What an award of `points` may add today when `already` points of its kind were given
    today and the kind's daily cap is `cap`."""
    return max(0, min(points, cap - already))


def credited_seconds(last_beat: datetime, now: datetime, interval: int) -> int:
    """Study time a heartbeat earns: the real time since the previous beat, but never more than
    one interval and a half (a page left hidden or closed stops beating, and the gap it leaves
    earns nothing beyond that); a beat arriving early earns only the time that passed."""
    elapsed = (now - last_beat).total_seconds()
    return int(max(0.0, min(elapsed, interval * 1.5)))


def time_points(seconds: int, unit_seconds: int, per_unit: int) -> int:
    """Points earned by `seconds` of study at `per_unit` points per whole `unit_seconds`."""
    return (seconds // unit_seconds) * per_unit if unit_seconds > 0 else 0


def quiz_points(correct: int, total: int, points: int, perfect_points: int | None) -> int:
    """A quiz earns `perfect_points` when every answer is right, `points` when any is, else
    nothing."""
    if total and correct == total:
        return perfect_points if perfect_points is not None else points
    return points if correct else 0


# ---- scoring ----------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Full-width to half-width, case and spaces ignored: "２０２１年" equals "2021年"."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s　]+", "", text).lower()


def is_correct(kind: str, answer: Sequence[str], given: Sequence[str]) -> bool:
    """Whether `given` answers a question of `kind` whose key is `answer` (see Question)."""
    if kind in ("single", "judge"):
        return len(given) == 1 and list(given) == list(answer)
    if kind == "multiple":
        return bool(given) and sorted(set(given)) == sorted(set(answer))
    if kind == "fill":
        if len(given) != len(answer):
            return False
        return all(
            normalise(g) in {normalise(a) for a in key.split("|") if a.strip()}
            for g, key in zip(given, answer, strict=True)
        )
    raise ValueError(f"unknown question kind {kind!r}")


def percent(correct: int, total: int) -> int:
    return round(100 * correct / total) if total else 0


# ---- papers: what a sitting shows --------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One question as a sitting shows it: its options in the order shown (indexes into the
    question's options)."""

    question: int
    order: tuple[int, ...]

    def as_json(self) -> dict[str, object]:
        return {"q": self.question, "o": list(self.order)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Shown:
        order = data.get("o") or []
        assert isinstance(order, list)
        return cls(question=int(str(data["q"])), order=tuple(int(i) for i in order))


def paper(
    questions: Iterable[tuple[int, int]], count: int, rng: random.Random, *, shuffle: bool = True
) -> list[Shown]:
    """Draw `count` of (pk, number of options) in random order, each with its options in a
    random order when `shuffle` (the order given otherwise)."""
    pool = list(questions)
    drawn = rng.sample(pool, min(count, len(pool)))
    out = []
    for pk, n in drawn:
        order = list(range(n))
        if shuffle:
            rng.shuffle(order)
        out.append(Shown(pk, tuple(order)))
    return out


def to_key(letters_shown: Iterable[str], order: Sequence[int]) -> list[str]:
    """The letters a member picked among the options as shown → the letters of the same options
    in the question's own order (what `Question.answer` holds)."""
    out = []
    for letter in letters_shown:
        i = LETTERS.find(letter)
        if 0 <= i < len(order):
            out.append(LETTERS[order[i]])
    return sorted(out)


def exam_due(started: datetime, duration_minutes: int, closes_at: datetime) -> datetime:
    """A sitting ends after its duration, or when the exam closes if that comes first."""
    return min(started + timedelta(minutes=duration_minutes), closes_at)


SUBMIT_GRACE = timedelta(seconds=30)
"""A submission sent just as the time ran out still counts (the network took its time)."""


def in_time(due: datetime | None, submitted: datetime) -> bool:
    return due is None or submitted <= due + SUBMIT_GRACE


# ---- ranks ------------------------------------------------------------------------------


def ranks(values: Sequence[int]) -> list[int]:
    """Competition ranks of values sorted high to low: ties share a rank (1, 2, 2, 4)."""
    out: list[int] = []
    for i, v in enumerate(values):
        out.append(out[-1] if i and values[i - 1] == v else i + 1)
    return out


# ---- 三会一课: periods and compliance ------------------------------------------------------

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def period_of(day: date, period: str) -> tuple[date, date]:
    """The period (of `period`: month, quarter, half, year) that holds `day`: [start, end)."""
    months = PERIOD_MONTHS[period]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    end_month = first_month + months
    end = date(day.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, end


def period_label(start: date, period: str) -> str:
    if period == "month":
        return f"{start.year}年{start.month}月"
    if period == "quarter":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if period == "half":
        return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    return f"{start.year}年"


WARN_DAYS = 7
"""A requirement not met with this many days or fewer left in its period is 'due soon'."""


@dataclass(frozen=True)
class Standing:
    status: str  # done | due | soon | overdue
    held: int
    required: int
    days_left: int

    @property
    def label(self) -> str:
        return {"done": "已完成", "due": "待召开", "soon": "即将到期", "overdue": "逾期未开"}[
            self.status
        ]


def compliance(
    held: Sequence[date], required: int, start: date, end: date, today: date
) -> Standing:
    """How a branch stands on one requirement for the period [start, end): done once it held
    `required` meetings in it; overdue once the period is over without; due (soon) before."""
    count = sum(1 for d in held if start <= d < end)
    days_left = (end - today).days
    if count >= required:
        status = "done"
    elif today >= end:
        status = "overdue"
    elif days_left <= WARN_DAYS:
        status = "soon"
    else:
        status = "due"
    return Standing(status, count, required, max(0, days_left))


# ---- 微心愿 --------------------------------------------------------------------------------

CLAIM_DAYS = 7
FULFIL_DAYS = 14
LOCAL_FIRST = timedelta(hours=48)
"""For two days after a wish is published only the community's own members (its branch and
those reported to it under 双报到) may claim it; then anyone."""


def may_claim(now: datetime, published_at: datetime, local: bool) -> bool:
    return local or now >= published_at + LOCAL_FIRST


def wish_deadlines(published_at: datetime) -> datetime:
    return published_at + timedelta(days=CLAIM_DAYS)


def fulfil_deadline(claimed_at: datetime) -> datetime:
    return claimed_at + timedelta(days=FULFIL_DAYS)


# ---- 发展党员: the required intervals ------------------------------------------------------

STAGE_ORDER = ["applicant", "activist", "candidate", "probationary", "full"]
MIN_ACTIVIST_DAYS = 365
"""《中国共产党发展党员工作细则》: a year or more as 入党积极分子 before 发展对象."""
PROBATION_DAYS = 365
"""预备期一年, counted from the 支部大会 that admitted the member."""
MIN_AGE = 18


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def earliest(stage: str, dates: dict[str, date | None]) -> date | None:
    """The first day a member may enter `stage`, given the dates of the stages before it
    (None: the stage before has no date, so `stage` cannot be entered)."""
    before = STAGE_ORDER[STAGE_ORDER.index(stage) - 1] if stage != STAGE_ORDER[0] else None
    if before is None:
        return date.min
    prior = dates.get(before)
    if prior is None:
        return None
    if stage == "candidate":
        return _add_year(prior)
    if stage == "full":
        return _add_year(prior)
    return prior


def step_problem(stage: str, on: date, dates: dict[str, date | None]) -> str | None:
    """Why entering `stage` on `on` breaks the rules, or None when it keeps them."""
    first = earliest(stage, dates)
    names = {"applicant": "申请入党", "activist": "确定为入党积极分子", "candidate": "列为发展对象",
             "probationary": "接收为预备党员", "full": "转为正式党员"}  # fmt: skip
    if first is None:
        before = STAGE_ORDER[STAGE_ORDER.index(stage) - 1]
        return f"还没有“{names[before]}”的日期，不能{names[stage]}。"
    if on < first:
        if stage == "candidate":
            return f"入党积极分子须经过一年以上培养考察，{first:%Y年%m月%d日}起方可列为发展对象。"
        if stage == "full":
            return f"预备期为一年，{first:%Y年%m月%d日}预备期满后方可转正。"
        return f"{names[stage]}的日期不能早于上一阶段（{first:%Y年%m月%d日}）。"
    return None


def next_due(stage: str, dates: dict[str, date | None]) -> tuple[str, date] | None:
    """The next step that falls due by the intervals alone: (stage, the day it may happen)."""
    if stage == "activist":
        first = earliest("candidate", dates)
        return ("candidate", first) if first else None
    if stage == "probationary":
        first = earliest("full", dates)
        return ("full", first) if first else None
    return None
