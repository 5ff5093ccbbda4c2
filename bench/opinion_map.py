"""Opinion map (massline.analysis.opinion_map): time per phase, peak memory, planted-group recovery.

Cases (synthetic votes from `planted_votes`: planted groups, 10 % passes, 80 % of opinions on
the group's side, 10 % consensus statements, (participant, statement) pairs drawn at random so
that a few repeat as changed votes):

- small: 5,000 participants × 1,000 statements at 5 % density, 3 planted groups (goal ≤ 5 s);
- recovery: the same size with 2, 4 and 5 planted groups, and 4 groups at 2 % density;
- caps (`--caps`): Pol.is's caps, 100,000 participants × 10,000 statements at 0.5 % density
  (5 M votes; `--caps-density` to change), 4 planted groups, lognormal participation so that
  some participants fall under min_votes (goal ≤ 60 s without running out of memory).

Peak RSS is the process's (resource.getrusage), so the caps case runs last. Run it alone on a
busy machine: `python bench/opinion_map.py --caps --skip-small`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import sys
import time

import numpy as np

from massline.analysis.opinion_map import compute_map, planted_votes


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def oracle_labels(
    p: np.ndarray, s: np.ndarray, v: np.ndarray, truth: np.ndarray, n_statements: int
) -> np.ndarray:
    """What knowing the planted groups buys: each group's majority side on each statement, then
    each participant put in the group whose sides their (latest) votes match best."""
    key = p * n_statements + s
    _, last_from_end = np.unique(key[::-1], return_index=True)
    last = len(key) - 1 - last_from_end
    p, s, v = p[last], s[last], v[last].astype(np.float64)
    groups = int(truth.max()) + 1
    cell = truth[p] * n_statements + s
    sides = np.sign(np.bincount(cell, weights=v, minlength=groups * n_statements))
    sides = sides.reshape(groups, n_statements)
    match = np.stack(
        [np.bincount(p, weights=v * sides[g, s], minlength=len(truth)) for g in range(groups)]
    )
    return np.argmax(match, axis=0)


def run(
    label: str,
    n_participants: int,
    n_statements: int,
    density: float,
    groups: int,
    seed: int,
    activity_spread: float = 0.0,
) -> float:
    started = time.perf_counter()
    p, s, v, truth = planted_votes(
        n_participants,
        n_statements,
        groups=groups,
        density=density,
        seed=seed,
        activity_spread=activity_spread,
    )
    generated = time.perf_counter() - started
    timings: dict[str, float] = {}
    started = time.perf_counter()
    cpu = time.process_time()
    opinion_map = compute_map((p, s, v), n_participants, n_statements, seed=seed, timings=timings)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    from sklearn.metrics import adjusted_rand_score

    ari = adjusted_rand_score(truth[opinion_map.participants], opinion_map.labels)
    known = oracle_labels(p, s, v, truth, n_statements)[opinion_map.participants]
    best = adjusted_rand_score(truth[opinion_map.participants], known)
    sizes = [len(g.members) for g in opinion_map.groups]
    phases = ", ".join(f"{name} {seconds:.2f}" for name, seconds in timings.items())
    print(
        f"{label}: {n_participants:,} × {n_statements:,} at {density:.1%}, {len(p):,} votes,"
        f" {groups} planted groups"
    )
    print(
        f"  compute_map {elapsed:.2f} s wall, {cpu:.2f} s CPU ({phases});"
        f" generating the votes {generated:.2f} s"
    )
    print(
        f"  k = {len(sizes)} (silhouette {opinion_map.silhouette or 0:.3f}), sizes {sizes},"
        f" left out {len(opinion_map.left_out):,}, adjusted Rand index {ari:.3f}"
        f" (an oracle knowing the groups: {best:.3f});"
        f" peak RSS so far {peak_rss_mb():,.0f} MB"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--caps", action="store_true", help="also run Pol.is's caps")
    parser.add_argument("--caps-density", type=float, default=0.005)
    parser.add_argument("--skip-small", action="store_true")
    args = parser.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; numpy {np.__version__}"
    )
    started = time.perf_counter()
    for module in ("sklearn.cluster", "sklearn.metrics", "sklearn.utils.extmath"):
        importlib.import_module(module)
    imported = time.perf_counter() - started
    print(f"importing the scikit-learn parts compute_map uses (once a process): {imported:.2f} s")
    if not args.skip_small:
        small = run("small", 5000, 1000, 0.05, 3, args.seed)
        print(f"  goal ≤ 5 s: {'met' if small <= 5 else f'missed by {small - 5:.1f} s'}")
        for groups in (2, 4, 5):
            run("recovery", 5000, 1000, 0.05, groups, args.seed)
        run("recovery, sparse", 5000, 1000, 0.02, 4, args.seed)
    if args.caps:
        caps = run("caps", 100_000, 10_000, args.caps_density, 4, args.seed, activity_spread=1.0)
        print(f"  goal ≤ 60 s: {'met' if caps <= 60 else f'missed by {caps - 60:.0f} s'}")
    print(f"peak RSS {peak_rss_mb():,.0f} MB; load average now {os.getloadavg()[0]:.2f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
