"""False-alarm rate of the burst detector on quiet synthetic Poisson data, and its power."""

from __future__ import annotations

import argparse
import time

import numpy as np

from massline.analysis.bursts import BurstDetector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=int, default=2000)
    parser.add_argument("--periods", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    rates = np.array([0.2, 1.0, 5.0, 20.0])
    key_rate = rates[np.arange(args.keys) % len(rates)]
    counts = rng.poisson(key_rate[:, None], size=(args.keys, args.periods))
    detector = BurstDetector()
    started = time.perf_counter()
    by_rate = {float(r): 0 for r in rates}
    tested = 0
    for period in range(args.periods):
        detector.advance(period)
        column = counts[:, period]
        for key in np.flatnonzero(column):
            detector._counts[int(key)] = int(column[key])
        for alert in detector.advance(period + 1):
            by_rate[float(key_rate[alert.key])] += 1
        tested += sum(1 for s in detector._state.values() if s.periods > detector.warmup)
    elapsed = time.perf_counter() - started
    total = sum(by_rate.values())
    print(
        f"quiet data: {args.keys} keys x {args.periods} periods, rates {rates.tolist()} per period"
    )
    print(
        f"alpha={detector.alpha} beta={detector.beta} warmup={detector.warmup} "
        f"min_count={detector.min_count} min_baseline={detector.min_baseline}"
    )
    print(
        f"false alarms: {total} in {tested} key-periods tested"
        f" = {total / tested:.6f} per key-period"
    )
    for rate, n in by_rate.items():
        print(f"  rate {rate:>5}: {n} false alarms")
    print(f"time: {elapsed:.2f} s ({elapsed / args.periods * 1000:.1f} ms per period for all keys)")
    # Power: a burst of k times the rate for one period after 60 quiet periods.
    for rate in rates.tolist():
        for factor in (2, 3, 5):
            hits = 0
            trials = 200
            for _ in range(trials):
                series = rng.poisson(rate, size=61)
                series[60] = rng.poisson(rate * factor)
                alerts = BurstDetector().scan(series.tolist())
                hits += any(a.period == 60 for a in alerts)
            print(f"power: rate {rate:>5} x{factor} for one period -> detected {hits / trials:.0%}")


if __name__ == "__main__":
    main()
