"""Dispatcher suggestions on the demo history: training time, warm time per appeal, queries.

Loads the demo (`massline.demo.loader.load_demo`, 300 appeals by default) into a scratch SQLite
database, then times `suggest(appeal, dispatcher)`: the first call (which trains both models and
builds the hub's duplicate index), and every later call on each appeal of the hub (warm), with
the number of SQL queries each one costs. A hold-out check trains the same models on 80 % of
the history and reports top-1 / top-3 agreement on the other 20 % (the demo's texts are
synthetic, so these say the wiring works, not how good the engine is on real appeals; see
bench/classify.py for that).

    .venv/bin/python bench/suggestions.py                 # /tmp/sugg.sqlite3, 300 appeals
    .venv/bin/python bench/suggestions.py --count 1000 --db /tmp/sugg-1k.sqlite3
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(db: str) -> None:
    os.environ["MASSLINE_DEV"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "massline.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/sugg.sqlite3")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    _setup(args.db)
    warnings.filterwarnings("ignore", module="sklearn")

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from massline.analysis.classify import CategoryClassifier, load_taxonomy
    from massline.analysis.routing import DepartmentSuggester, RoutingRecord
    from massline.appeals import suggestions
    from massline.appeals.models import Appeal, State
    from massline.appeals.taxonomy import TAXONOMY_CSV
    from massline.demo.loader import load_demo
    from massline.orgs.models import Membership, Org, Role

    call_command("migrate", verbosity=0)
    if Appeal.objects.count() != args.count:
        started = time.perf_counter()
        load_demo(seed=args.seed, count=args.count, reset=True)
        print(f"demo loaded: {args.count} appeals in {time.perf_counter() - started:.1f} s")
    n_cat, n_led = suggestions.Engine._counts()
    print(f"history: {Appeal.objects.count()} appeals, {n_cat} with a category, {n_led} dispatched")

    engine = suggestions.ENGINE
    engine.background = False
    hub_counts = {
        h: Appeal.objects.filter(hub_id=h).count()
        for h in Appeal.objects.values_list("hub_id", flat=True).distinct()
    }
    busiest = max(hub_counts, key=hub_counts.__getitem__)
    member = (
        Membership.objects.filter(role=Role.DISPATCHER, org_id=busiest)
        .select_related("user")
        .first()
    )
    if member is None:
        sys.exit("no dispatcher for the busiest hub in the demo")
    dispatcher = member.user
    appeals = list(
        Appeal.objects.filter(hub_id=busiest).select_related("hub", "lead_org", "region")
    )
    print(f"hub {member.org.name}: {len(appeals)} appeals, dispatcher {dispatcher.username}")

    started = time.perf_counter()
    first = suggestions.suggest(appeals[0], dispatcher)
    cold = (time.perf_counter() - started) * 1000
    assert first is not None
    print(
        f"cold (trains both models, builds the hub index): {cold:.0f} ms; "
        f"reason: {first.reason or '—'}"
    )

    times, queries, with_dupes = [], [], 0
    for appeal in appeals:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            got = suggestions.suggest(appeal, dispatcher)
            times.append((time.perf_counter() - started) * 1000)
        queries.append(len(ctx.captured_queries))
        with_dupes += bool(got and got.duplicates)
    print(
        f"warm suggest over {len(times)} appeals: p50 {statistics.median(times):.1f} ms, "
        f"p95 {_pct(times, 0.95):.1f} ms, max {max(times):.1f} ms; "
        f"queries p50 {statistics.median(queries):.0f}, max {max(queries)}; "
        f"{with_dupes} with a merge candidate"
    )
    print(f"goal: warm p95 <= 50 ms -> {'met' if _pct(times, 0.95) <= 50 else 'MISSED'}")

    # Hold-out agreement (synthetic texts: a wiring check, not a quality figure).
    rng = random.Random(args.seed)
    cat_rows = list(
        Appeal.objects.filter(category__isnull=False, merged_into__isnull=True).values_list(
            "title", "body", "category_id"
        )
    )
    rng.shuffle(cat_rows)
    cut = int(0.8 * len(cat_rows))
    clf = CategoryClassifier(load_taxonomy(TAXONOMY_CSV), prior_strength=0.0)
    clf.fit((t, b, str(c)) for t, b, c in cat_rows[:cut])
    test = cat_rows[cut:]
    preds = clf.predict_many([(t, b) for t, b, _ in test], k=3)
    top1 = sum(p.label == str(c) for p, (_, _, c) in zip(preds, test, strict=True))
    top3 = sum(
        str(c) in [lab for lab, _ in p.top] for p, (_, _, c) in zip(preds, test, strict=True)
    )
    print(
        f"category hold-out ({len(test)} of {len(cat_rows)}): "
        f"top-1 {top1 / max(len(test), 1):.2f}, top-3 {top3 / max(len(test), 1):.2f}"
    )
    led_rows = list(
        Appeal.objects.filter(lead_org__isnull=False, merged_into__isnull=True)
        .exclude(state=State.RETURNED)
        .values_list("title", "body", "category_id", "region__code", "lead_org_id", "hub_id")
    )
    rng.shuffle(led_rows)
    cut = int(0.8 * len(led_rows))
    sug = DepartmentSuggester().fit(
        RoutingRecord(f"{t}\n{b}", str(o), str(c) if c else None, code)
        for t, b, c, code, o, _ in led_rows[:cut]
    )
    test_led = led_rows[cut:]
    orgs = Org.objects.in_bulk()
    top1 = top3 = 0
    for t, b, c, code, o, hub in test_led:
        scope = orgs[hub].scope.path
        every = sug.suggest(f"{t}\n{b}", str(c) if c else None, code, k=len(orgs))
        ranked = [lab for lab, _ in every if orgs[int(lab)].path.startswith(scope)][:3]
        top1 += bool(ranked) and ranked[0] == str(o)
        top3 += str(o) in ranked
    print(
        f"department hold-out, among the orgs of the appeal's hub ({len(test_led)} of "
        f"{len(led_rows)}): "
        f"top-1 {top1 / max(len(test_led), 1):.2f}, top-3 {top3 / max(len(test_led), 1):.2f}"
    )


if __name__ == "__main__":
    main()
