"""The demo's texts, read from massline/data/demo_texts.json (its "about" explains the fields).

What residents of 黄冈 write about and how departments answer (the matters), what staff write
with each action, and the places and names that fill the texts' slots. A `Writer` composes each
appeal from a matter's parts in one resident's voice (short and angry, long and detailed, an
elderly person's, 黄冈 dialect) and remembers what it used, so that within one demo no two
residents send the same text and a matter that is one person's (an illness, unpaid wages) is
told once.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

TEXTS_JSON = Path(__file__).resolve().parents[1] / "data" / "demo_texts.json"
TOWN = "乡镇"  # a matter's dept: the township government (镇人民政府 / 街道办事处) handles it
ANGRY_KINDS = ("complaint", "report", "help")
LETTER = 200  # characters: a fact this long is told by one resident only
APART = 0.3  # a retelling shares less than this of its 3-grams with each earlier telling


@dataclass(frozen=True)
class Fact:
    """What one resident tells: a title of its own, the text, and the reply that answers it
    (by number, default the fact's own)."""

    title: str
    text: str
    reply: int | None = None


@dataclass(frozen=True)
class Matter:
    key: str
    kind: str
    dept: str
    category: str
    setting: str  # "urban": county seat, "rural": a village, "city": the city hub and bureau, "any"
    facts: tuple[Fact, ...]
    replies: tuple[str, ...]
    titles: tuple[str, ...] = ()  # titles that fit any of the facts
    details: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    co: str | None = None
    wrong: str | None = None
    phone: bool = False  # the resident always leaves a phone number in the text
    personal: bool = False  # one person's matter: each of its facts is told by one resident only

    @property
    def bodies(self) -> tuple[str, ...]:
        """Every piece a body may be made of (to see which slots the matter's texts use)."""
        return tuple(f.text for f in self.facts) + self.details + self.short


def _matter(raw: dict) -> Matter:
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
    fields["facts"] = tuple(Fact(*f) for f in raw["facts"])
    return Matter(**fields)


_DATA = json.loads(TEXTS_JSON.read_text("utf-8"))
MATTERS = tuple(_matter(m) for m in _DATA["matters"])
KIND_WEIGHTS: dict[str, float] = _DATA["kind_weights"]
WRONG_GUESS: dict[str, str] = _DATA["wrong_guess"]
CLUSTERS: dict[str, dict] = _DATA["clusters"]
KIND_CLOSINGS: dict[str, list[str]] = _DATA["kind_closings"]
VOICES: dict = _DATA["voices"]
REPLY_CLOSINGS: list[str] = _DATA["reply_closings"]
TEMPLATE_REPLIES: list[str] = _DATA["template_replies"]
STAFF_NOTES: dict = _DATA["staff_notes"]
REJECTED_TEXTS: dict[str, list[dict[str, str]]] = _DATA["rejected_texts"]
RATING_COMMENTS: dict[str, list[str]] = _DATA["rating_comments"]
PLACES: dict = _DATA["places"]
NAMES: dict = _DATA["names"]


def person_name(rng: random.Random) -> str:
    return rng.choice(NAMES["surnames"]) + rng.choice(NAMES["given_names"])


def village(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(NAMES["villages"])
    return rng.choice(NAMES["surnames"]) + "家" + rng.choice(NAMES["village_suffixes"]) + "村"


def plate(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    tail = "".join(rng.choice(letters + "0123456789") for _ in range(4))
    return f"鄂J{rng.choice(letters)}{tail}"


def mobile(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + str(rng.randrange(100000000, 999999999))


@dataclass
class Place:
    """Where an appeal is: a county, a town/street of it, and the local slots of the texts."""

    county_code: str
    county_name: str
    county_short: str
    town_code: str
    town_name: str
    slots: dict[str, str]


def local_slots(rng: random.Random, place: Place, setting: str) -> dict[str, str]:
    county, town = place.county_name, place.town_name
    roads, communities = PLACES["roads"], PLACES["communities"]
    road, road2 = rng.sample(roads.get(place.county_code, roads["*"]), 2)
    if setting == "rural":
        community = village(rng)
    else:
        community = rng.choice(communities.get(place.town_code, communities["*"]))
    seat = place.town_code in PLACES["county_seats"].get(place.county_code, ())
    schools = (
        f"{county}实验小学",
        f"{county}第{rng.choice('一二三四')}中学",
        f"{town}中心小学" if not seat else f"{county}{rng.choice(('城东', '城南', '城北'))}小学",
    )
    hospitals = (f"{county}人民医院", f"{county}中医医院", "黄冈市中心医院")
    estates = PLACES["estates"].get(place.county_code, []) + NAMES["estates"]
    return {
        "county": county,
        "town": town,
        "community": community,
        "group": f"{rng.choice('一二三四五六七八九')}组",
        "road": road,
        "road2": road2,
        "estate": rng.choice(estates),
        "building": f"{rng.randint(1, 18)}栋{rng.randint(1, 4)}单元",
        "school": rng.choice(schools),
        "primary": schools[0] if seat else schools[2],
        "hospital": rng.choice(hospitals) if seat or setting != "rural" else f"{town}卫生院",
        "market": f"{town}农贸市场" if not seat else f"{road}农贸市场",
        "company": rng.choice(NAMES["companies"]),
        "shop": rng.choice(NAMES["shops"]),
        "bus": str(rng.choice((1, 2, 3, 5, 6, 8, 9, 11, 12, 15, 17, 21, 26, 33))),
        "time": rng.choice(NAMES["night_times"]),
        "plate": plate(rng),
        "phone": mobile(rng),
        "name": rng.choice(NAMES["doctor_surnames"]),
        "staff": rng.choice(NAMES["surnames"]),
        "age": str(rng.randint(68, 86)),
        "kin": rng.choice(NAMES["kin"]),
        "n": str(rng.randint(2, 9)),
        "m": str(rng.randint(2, 6)),
        "amount": f"{rng.randint(8, 96) * 1000:,}",
        "office_phone": f"0713-{rng.randint(8100000, 8899999)}",
    }


def month_day(moment) -> str:
    return f"{moment.month}月{moment.day}日"


def _first_clause(text: str) -> str:
    """A short text's own first clause as its title, as residents often write them."""
    clause = re.split(r"[，。！？,.!?]", text, maxsplit=1)[0]
    return clause if len(clause) >= 6 else text[:24]


def _trigrams(text: str) -> set[str]:
    flat = re.sub(r"\W+", "", text)
    return {flat[i : i + 3] for i in range(len(flat) - 2)}


def _overlap(a: str, b: str) -> float:
    """Jaccard similarity of two texts' character 3-grams."""
    x, y = _trigrams(a), _trigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def _least_used(rng: random.Random, n: int, used: Counter) -> int:
    """One of 0..n-1 among those used least so far, at random."""
    fewest = min(used[i] for i in range(n))
    return rng.choice([i for i in range(n) if used[i] == fewest])


@dataclass
class Writer:
    """What one demo's residents write, remembering what was written.

    Matters are drawn the less written about the likelier, and each one's titles, facts and
    short texts in turn. A body is a voice's opening, a fact, perhaps a detail and a closing, or
    a short text; a fact told a second time is retold in other words with other details, so
    that no two residents send the same text, and a personal matter's fact is told once.
    """

    rng: random.Random
    uses: Counter = field(default_factory=Counter)
    parts: dict[tuple[str, str], Counter] = field(default_factory=dict)
    rejected_used: dict[str, Counter] = field(default_factory=dict)
    told: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    tellings: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def _used(self, matter: Matter, part: str) -> Counter:
        return self.parts.setdefault((matter.key, part), Counter())

    def _take(self, matter: Matter, part: str, options: Sequence[object]) -> int:
        used = self._used(matter, part)
        i = _least_used(self.rng, len(options), used)
        used[i] += 1
        return i

    def exhausted(self, matter: Matter) -> bool:
        return matter.personal and len(self._used(matter, "facts")) >= len(matter.facts)

    def pick(self, pool: Sequence[Matter]) -> Matter:
        """A matter of `pool`, the less written about so far for the stories it has the
        likelier; a personal matter only while it has a story left to tell."""
        fresh = [m for m in pool if not self.exhausted(m)] or list(pool)

        def worn(m: Matter) -> float:
            return self.uses[m.key] / (len(m.facts) + len(m.short))

        least = min(worn(m) for m in fresh)
        return self.rng.choice([m for m in fresh if worn(m) <= least + 0.15])

    def voice(self, matter: Matter) -> str:
        weights = dict(VOICES["weights"])
        if matter.kind not in ANGRY_KINDS:
            weights.pop("angry")
        if len(self._used(matter, "short")) >= len(matter.short):
            weights.pop("short")
        if matter.kind == "disclosure":
            return "plain"
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def compose(
        self, matter: Matter, slots: dict[str, str], *, public_phone: bool
    ) -> tuple[str, str, int]:
        """Title, body and the number of the reply that answers it; `public_phone` adds the
        resident's number to the body."""
        self.uses[matter.key] += 1
        voice = self.voice(matter)
        if voice == "short":
            i = self._take(matter, "short", matter.short)
            body, reply = matter.short[i].format_map(slots), i
            title = self._generic_title(matter) or _first_clause(matter.short[i])
        else:
            i = self._fact(matter)
            fact, retold = matter.facts[i], self._used(matter, "facts")[i] > 1
            body = self._telling(matter, fact, voice, slots)
            reply = i if fact.reply is None else fact.reply
            title = (retold and self._generic_title(matter)) or fact.title
        if public_phone and "{phone}" not in "".join(matter.bodies):
            body += self.rng.choice(VOICES["phone"]).format_map(slots)
        title = title.format_map(slots)
        return title[:100], body, reply

    def _telling(self, matter: Matter, fact: Fact, voice: str, slots: dict[str, str]) -> str:
        """The fact in one resident's words. Told before, it is told again in other words, with
        other details, until it reads apart from its earlier tellings (a few tries)."""
        earlier = self.tellings.setdefault((matter.key, fact.text), [])
        told = self.told.setdefault((matter.key, fact.text), set())
        best, best_details, best_overlap = "", [""], 2.0
        for _ in range(8 if earlier else 1):
            text = fact.text
            if earlier or self.rng.random() < 0.3:
                text = self._retell(text)
            body, details = self._body(matter, "detailed" if earlier else voice, text, told)
            body = body.format_map(slots)
            overlap = max((_overlap(body, e) for e in earlier), default=0.0)
            if overlap < best_overlap:
                best, best_details, best_overlap = body, details, overlap
            if overlap < APART:
                break
        earlier.append(best)
        told.update(best_details or [""])
        return best

    def _fact(self, matter: Matter) -> int:
        """A fact not told yet, else one short enough to be told again in other words (a long
        letter is one person's)."""
        used = self._used(matter, "facts")
        choices = [i for i in range(len(matter.facts)) if not used[i]]
        choices = choices or [i for i, f in enumerate(matter.facts) if len(f.text) < LETTER]
        choices = choices or list(range(len(matter.facts)))
        fewest = min(used[i] for i in choices)
        i = self.rng.choice([i for i in choices if used[i] == fewest])
        used[i] += 1
        return i

    def _retell(self, text: str) -> str:
        """The same kind of thing in another resident's words: some of the phrases that
        residents put differently (voices.retell) put another way."""
        for phrase, others in VOICES["retell"]:
            if phrase in text and self.rng.random() < 0.9:
                text = text.replace(phrase, self.rng.choice(others))
        return text

    def _generic_title(self, matter: Matter) -> str | None:
        """A title that fits any of the matter's facts (each at most twice), with the place in
        front where it names none (as residents often begin one)."""
        used = self._used(matter, "titles")
        if not matter.titles or min(used[i] for i in range(len(matter.titles))) >= 2:
            return None
        title = matter.titles[self._take(matter, "titles", matter.titles)]
        if "{" not in title:
            title = self.rng.choice(("{town}", "{community}", "{county}{town}")) + title
        return title

    def _body(self, matter: Matter, voice: str, fact: str, told: set[str]) -> tuple[str, list[str]]:
        """Opening, fact, detail and closing, and the details used. A fact told before gets two
        details its earlier tellings did not have; a statement may come ahead of the fact."""
        rng = self.rng
        opening = rng.choice(VOICES["openings"].get(voice, [""]))
        fresh = [d for d in matter.details if d not in told]
        details: list[str] = []
        if fresh and (voice == "detailed" or rng.random() < 0.45):
            details = rng.sample(fresh, min(len(fresh), 2 if told else 1))
        closings = KIND_CLOSINGS[matter.kind]
        if voice in VOICES["closings"] and matter.kind not in ("praise", "disclosure"):
            closings = VOICES["closings"][voice]
        closing = rng.choice(closings)
        parts = [fact, *details]
        if details and details[0].endswith("。") and voice == "detailed" and rng.random() < 0.5:
            parts = [details[0], fact, *details[1:]]
        text = "".join(parts)
        return opening + text + (closing if not text.endswith(closing) else ""), details

    def rejected(self, reason: str) -> dict[str, str]:
        """A text the hub will not accept for `reason`, each sent once while any is left."""
        texts = REJECTED_TEXTS[reason]
        used = self.rejected_used.setdefault(reason, Counter())
        i = _least_used(self.rng, len(texts), used)
        used[i] += 1
        return texts[i]


def compose_reply(
    rng: random.Random, matter: Matter, slots: dict[str, str], variant: int, *, templated: bool
) -> str:
    """An official reply: concrete (what was done, by whom, when) unless `templated`."""
    if templated:
        return rng.choice(TEMPLATE_REPLIES)
    text = matter.replies[variant % len(matter.replies)].format_map(slots)
    return text + rng.choice(REPLY_CLOSINGS).format_map(slots)
