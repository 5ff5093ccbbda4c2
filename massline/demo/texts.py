"""The demo's texts, read from massline/data/demo_texts.json (its "about" explains the fields).

What residents of 黄冈 write about and how departments answer (the matters), what staff write
with each action, and the places and names that fill the texts' slots: `compose` fills them
with real town names and invented local detail so that a few hundred appeals read differently.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

TEXTS_JSON = Path(__file__).resolve().parents[1] / "data" / "demo_texts.json"
TOWN = "乡镇"  # a matter's dept: the township government (镇人民政府 / 街道办事处) handles it


@dataclass(frozen=True)
class Matter:
    key: str
    kind: str
    dept: str
    category: str
    setting: str  # "urban": county seat, "rural": a village, "city": the city hub and bureau, "any"
    titles: tuple[str, ...]
    bodies: tuple[str, ...]
    replies: tuple[str, ...]
    co: str | None = None
    wrong: str | None = None
    phone: bool = False  # the resident always leaves a phone number in the text


_DATA = json.loads(TEXTS_JSON.read_text("utf-8"))
MATTERS = tuple(
    Matter(**{k: tuple(v) if isinstance(v, list) else v for k, v in m.items()})
    for m in _DATA["matters"]
)
KIND_WEIGHTS: dict[str, float] = _DATA["kind_weights"]
WRONG_GUESS: dict[str, str] = _DATA["wrong_guess"]
CLUSTERS: dict[str, dict] = _DATA["clusters"]
KIND_CLOSINGS: dict[str, list[str]] = _DATA["kind_closings"]
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
    return {
        "county": county,
        "town": town,
        "community": community,
        "road": road,
        "road2": road2,
        "estate": rng.choice(NAMES["estates"]),
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
        "n": str(rng.randint(2, 9)),
        "m": str(rng.randint(2, 6)),
        "amount": f"{rng.randint(8, 96) * 1000:,}",
        "office_phone": f"0713-{rng.randint(8100000, 8899999)}",
    }


def month_day(moment) -> str:
    return f"{moment.month}月{moment.day}日"


def compose(
    rng: random.Random, matter: Matter, slots: dict[str, str], *, public_phone: bool
) -> tuple[str, str, int]:
    """Title, body and the variant's number (title j goes with body j mod len(bodies) and with
    reply j mod len(replies)); `public_phone` adds the resident's number to the body."""
    variant = rng.randrange(len(matter.bodies))
    titles = [t for j, t in enumerate(matter.titles) if j % len(matter.bodies) == variant]
    title = rng.choice(titles).format_map(slots)
    body = matter.bodies[variant].format_map(slots)
    closing = rng.choice(KIND_CLOSINGS[matter.kind])
    if closing and not body.endswith(closing):
        body += closing
    if public_phone and "{phone}" not in "".join(matter.bodies):
        body += f"联系电话：{slots['phone']}。"
    return title[:100], body, variant


def compose_reply(
    rng: random.Random, matter: Matter, slots: dict[str, str], variant: int, *, templated: bool
) -> str:
    """An official reply: concrete (what was done, by whom, when) unless `templated`."""
    if templated:
        return rng.choice(TEMPLATE_REPLIES)
    text = matter.replies[variant % len(matter.replies)].format_map(slots)
    return text + rng.choice(REPLY_CLOSINGS).format_map(slots)
