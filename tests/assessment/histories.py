"""A hand-made October for the ranking tests (unit and browser): seven departments of 黄州区,
each appeal dispatched, signed for, answered and rated at chosen moments.

With the demo weights (response 10, resolution 45, satisfaction 45) and at least two appeals
received to be ranked, the composite scores are, by hand:

- 城管, 生态环境, 交通, 住建: both signed for in time, both satisfied and resolved → 100;
- 水利: one of two signed for late → response 0.5 → (10 × 0.5 + 45 + 45) = 95;
- 市场监管: both satisfied, one resolved → resolution 0.5 → (10 + 22.5 + 45) = 77.5;
- 人社: one appeal only (perfect) → not ranked.

So the four at 100 share rank 1 (and 红榜), 水利 is 5th and 市场监管 6th (both 黑榜).
"""

from datetime import datetime
from types import SimpleNamespace

from django.utils import timezone

from massline.appeals import services, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import AutomationRule
from massline.orgs.models import Org, OrgKind, Role
from tests.conftest import SAMPLE, _user

REPLY = "经现场核查，已安排维修人员更换损坏的路灯，目前已恢复照明。"
EXTRA = (
    ("transport", "黄州区交通运输局", "黄州交通局"),
    ("housing", "黄州区住房和城乡建设局", ""),
    ("water", "黄州区水利和湖泊局", ""),
    ("market", "黄州区市场监督管理局", ""),
    ("labour", "黄州区人力资源和社会保障局", ""),
)


def at(month, day, hour=9, minute=0):
    return timezone.make_aware(datetime(2026, month, day, hour, minute))


def tied_october(orgs, people) -> SimpleNamespace:
    AutomationRule.objects.update_or_create(key="follow_up_sample", defaults={"percent": 0})
    units = {
        "urban": (orgs.county_urban, people.handler),
        "env": (orgs.county_env, people.env_handler),
    }
    for key, name, short in EXTRA:
        org = Org.objects.create(
            name=name,
            short_name=short,
            kind=OrgKind.DEPARTMENT,
            level=orgs.county.level,
            region=orgs.county.region,
            parent=orgs.county,
        )
        units[key] = (org, _user(f"hz_{key}", f"{name[3:5]}承办", org=org, role=Role.HANDLER))

    def one(key, day, late_sign=False, resolved=True):
        org, handler = units[key]
        data = AppealIn(**{**SAMPLE, "kind": "consultation"})
        a = services.submit_appeal(people.resident, data, now=at(10, day, 8))[0]
        d = people.county_dispatcher
        workflow.perform("accept", a.pk, d, {}, now=at(10, day, 8, 30))
        workflow.perform("dispatch", a.pk, d, {"org_id": org.pk}, now=at(10, day, 9))
        signed = at(10, day + 1, 10) if late_sign else at(10, day, 10)  # due next day 09:00
        workflow.perform("sign", a.pk, handler, {}, now=signed)
        workflow.perform("reply", a.pk, handler, {"text": REPLY}, now=at(10, day + 1, 15))
        rating = {"verdict": "satisfied", "resolved": resolved}
        workflow.perform("rate", a.pk, people.resident, rating, now=at(10, day + 1, 20))
        return a

    made = {}
    for key in ("urban", "env", "transport", "housing"):
        made[key] = [one(key, 12), one(key, 13)]
    made["water"] = [one("water", 12), one("water", 13, late_sign=True)]
    made["market"] = [one("market", 12), one("market", 13, resolved=False)]
    made["labour"] = [one("labour", 12)]
    return SimpleNamespace(units={k: u[0] for k, u in units.items()}, made=made, handlers=units)


EXPECTED = {
    # key: (rank, honour, score)
    "urban": (1, "red", 100.0),
    "env": (1, "red", 100.0),
    "transport": (1, "red", 100.0),
    "housing": (1, "red", 100.0),
    "water": (5, "black", 95.0),
    "market": (6, "black", 77.5),
    "labour": (None, "", 100.0),
}
