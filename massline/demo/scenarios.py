"""The demo's table of scenarios, read from massline/data/demo_scenarios.json (its "about"
explains the fields): each scenario a start window and a sequence of workflow steps, each step
its moment and its options, with the defaults of its action filled in."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

SCENARIOS_JSON = Path(__file__).resolve().parents[1] / "data" / "demo_scenarios.json"
MOMENTS = ("staff_hours", "resident_hours", "limit_share")

Bound = float | dict[str, float]


@dataclass(frozen=True)
class Scenario:
    name: str
    window: tuple[Bound, Bound]
    steps: tuple[dict, ...]
    expect: dict = field(default_factory=dict)
    kinds: tuple[str, ...] = ()
    praise: bool = False
    co_handled: bool = False

    @property
    def needs_wrong(self) -> bool:
        """Whether some step goes to the department a dispatcher first sends it to by mistake."""
        return any(step.get("org") == "wrong" for step in self.steps)

    def window_days(self, limit: int) -> tuple[float, float]:
        """How many days before now the appeal may be submitted, for a reply limit of `limit`."""
        lo, hi = (b if isinstance(b, int | float) else b["limits"] * limit + b.get("days", 0)
                  for b in self.window)  # fmt: skip
        return lo, hi


def _step(raw: str | dict, defaults: dict[str, dict], scenario: str) -> dict:
    step = {"action": raw} if isinstance(raw, str) else raw
    if step["action"] not in defaults:
        raise ValueError(f"{SCENARIOS_JSON.name}: {scenario} has an unknown step {step['action']}")
    base = defaults[step["action"]]
    if any(key in step for key in MOMENTS):
        base = {k: v for k, v in base.items() if k not in MOMENTS}
    return base | step


def _scenario(name: str, raw: dict, defaults: dict[str, dict]) -> Scenario:
    steps = tuple(_step(s, defaults, name) for s in raw["steps"])
    kinds = tuple(raw.get("kinds", ()))
    return Scenario(
        **(raw | {"name": name, "window": tuple(raw["window"]), "steps": steps, "kinds": kinds})
    )


_TABLE = json.loads(SCENARIOS_JSON.read_text("utf-8"))
DAYS: int = _TABLE["days"]
SCENARIOS = {
    name: _scenario(name, raw, _TABLE["steps"]) for name, raw in _TABLE["scenarios"].items()
}
MANDATORY: list[str] = _TABLE["mandatory"]
FILL_WEIGHTS: dict[str, float] = _TABLE["fill"]
FIRST_RESIDENT: list[str] = _TABLE["first_resident"]
