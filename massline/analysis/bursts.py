"""Burst alerts (预警): a key (topic, category, region …) whose count in the last period is far
above its own baseline.

Each key has an EWMA baseline of its counts per period (weight `beta` for the newest period,
never below `min_baseline`). When a period closes, its count c is tested against
Poisson(baseline): the alert fires when P(X >= c) < `alpha`, c >= `min_count` and the key has
at least `warmup` periods of history (with `quiet_past`, a key never seen before is taken to
have had a quiet past, so a topic born in a burst alerts at once). The period that fired
updates the baseline with at most baseline + 3·sqrt(baseline), so one burst does not hide the
next day's.

False alarms on quiet data (`bench/bursts.py`, seed 7: 2,000 keys x 400 daily periods of pure
Poisson noise at rates 0.2, 1, 5 and 20 per period, default settings): 72 alerts in 783,280
key-periods tested = 0.00009 per key-period, about the nominal alpha = 1e-4; i.e. one false
alarm per key in ~30 years of daily checks, or one every ~11 days across 1,000 keys. The price
(same bench): a one-period jump to 3x is caught 38 % of the time at 5/day and 99 % at 20/day,
5x is caught 96 % at 5/day; keys below about one event a day cannot alert on a single period.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime

from scipy.stats import poisson

__all__ = ["Alert", "BurstDetector"]


@dataclass(frozen=True, slots=True)
class Alert:
    key: Hashable
    period: int
    count: int
    baseline: float
    p_value: float

    @property
    def ratio(self) -> float:
        return self.count / self.baseline if self.baseline else math.inf


@dataclass(slots=True)
class _State:
    baseline: float
    periods: int


class BurstDetector:
    """Counts per key and period; `period_seconds` cuts timestamps into periods (1 day)."""

    def __init__(
        self,
        period_seconds: float = 86400.0,
        alpha: float = 1e-4,
        beta: float = 0.1,
        warmup: int = 7,
        min_count: int = 3,
        min_baseline: float = 0.5,
        origin: float = 0.0,
        quiet_past: bool = False,
    ):
        self.period_seconds = period_seconds
        self.alpha = alpha
        self.beta = beta
        self.warmup = warmup
        self.min_count = min_count
        self.min_baseline = min_baseline
        self.origin = origin
        self.quiet_past = quiet_past
        self.current: int | None = None
        self._counts: dict[Hashable, int] = {}
        self._state: dict[Hashable, _State] = {}

    def period_of(self, when: float | datetime) -> int:
        ts = when.timestamp() if isinstance(when, datetime) else float(when)
        return math.floor((ts - self.origin) / self.period_seconds)

    def add(self, key: Hashable, when: float | datetime, count: int = 1) -> list[Alert]:
        """Count an event; returns the alerts of any periods this event's time closed."""
        period = self.period_of(when)
        alerts = self.advance(period)
        assert self.current is not None  # advance() has set it
        if period < self.current:
            return alerts
        self._counts[key] = self._counts.get(key, 0) + count
        return alerts

    def advance(self, period: int) -> list[Alert]:
        """Close every period before `period` (events of earlier periods are ignored)."""
        if self.current is None:
            self.current = period
            return []
        alerts: list[Alert] = []
        while self.current < period:
            alerts += self.close()
        return alerts

    def test(self, key: Hashable, count: int) -> Alert | None:
        """Would this count in the current period be an alert for `key`?"""
        state = self._state.get(key)
        if state is None or state.periods < self.warmup or count < self.min_count:
            return None
        baseline = max(state.baseline, self.min_baseline)
        p = float(poisson.sf(count - 1, baseline))
        if p < self.alpha:
            return Alert(key, self.current if self.current is not None else 0, count, baseline, p)
        return None

    def close(self) -> list[Alert]:
        """Close the current period: test every key, update baselines, move to the next."""
        alerts: list[Alert] = []
        counts = self._counts
        new = sorted(counts.keys() - self._state.keys(), key=repr)
        if self.quiet_past:
            for key in new:
                self._state[key] = _State(baseline=self.min_baseline, periods=self.warmup)
            new = []
        beta = self.beta
        for key, state in self._state.items():
            count = counts.get(key, 0)
            alert = self.test(key, count)
            learnt: float = count
            if alert is not None:
                alerts.append(alert)
                base = max(state.baseline, self.min_baseline)
                learnt = min(count, base + 3 * math.sqrt(base))
            state.baseline = (1 - beta) * state.baseline + beta * learnt
            state.periods += 1
        for key in new:
            self._state[key] = _State(baseline=float(counts[key]), periods=1)
        if self.quiet_past:
            # A key that has gone quiet is forgotten: it would come back with a quiet past anyway.
            floor = 0.05 * self.min_baseline
            for key in [k for k, st in self._state.items() if st.baseline < floor]:
                del self._state[key]
        self._counts = {}
        self.current = (self.current or 0) + 1
        alerts.sort(key=lambda a: (a.p_value, repr(a.key)))
        return alerts

    def scan(self, series: Iterable[int], key: Hashable = "series") -> list[Alert]:
        """Alerts over one key's sequence of counts per period (for history and tests)."""
        out: list[Alert] = []
        for n, count in enumerate(series):
            self.advance(n)
            self._counts[key] = self._counts.get(key, 0) + int(count)
            out += [a for a in self.advance(n + 1) if a.key == key]
        return out
