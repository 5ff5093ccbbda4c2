"""Dispatcher suggestions on the demo history: training time, warm time per appeal, queries.

Loads the demo (`massline.demo.loader.load_demo`, 300 appeals by default) into a scratch SQLite
database, then times `suggest(appeal, dispatcher)`: the first call (which trains both models and
builds the hub's duplicate index), and every later call on each appeal of the hub (warm), with
the number of SQL queries each one costs. A hold-out check hides the category and lead org of
20 % of the history, lets a fresh engine learn from the rest and reports top-1 / top-3
agreement on the hidden ones (the demo's texts are
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
    from django.db import connection, transaction
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    from massline.appeals import suggestions
    from massline.appeals.models import Appeal, State
    from massline.demo.loader import load_demo
    from massline.orgs.models import Membership, Role

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

    # Hold-out agreement (synthetic texts: a wiring check, not a quality figure): hide the
    # category and the lead org of a random 20 % inside a transaction that is rolled back, let
    # a fresh engine learn from the rest and suggest for the hidden ones.
    rng = random.Random(args.seed)
    rows = list(
        Appeal.objects.filter(merged_into__isnull=True)
        .filter(Q(category__isnull=False) | Q(lead_org__isnull=False))
        .exclude(state=State.RETURNED)
        .select_related("hub", "region")
    )
    hidden = rng.sample(rows, len(rows) // 5)
    truth = {a.pk: (a.category_id, a.lead_org_id) for a in hidden}
    cat1 = cat3 = dep1 = dep3 = n_cat = n_dep = 0
    with transaction.atomic():
        Appeal.objects.filter(pk__in=truth).update(category=None, lead_org=None)
        held = suggestions.Engine(background=False)
        for appeal in hidden:
            cat, dep = truth[appeal.pk]
            appeal.category_id = appeal.lead_org_id = None
            got = held.suggest(appeal)
            cats = [c.category.pk for c in got.categories]
            deps = [d.org.pk for d in got.departments]
            if cat:
                n_cat += 1
                cat1 += cats[:1] == [cat]
                cat3 += cat in cats
            if dep:
                n_dep += 1
                dep1 += deps[:1] == [dep]
                dep3 += dep in deps
        transaction.set_rollback(True)
    print(
        f"hold-out ({len(hidden)} of {len(rows)} appeals): category top-1 {cat1 / n_cat:.2f}, "
        f"top-3 {cat3 / n_cat:.2f} (n={n_cat}); department top-1 {dep1 / n_dep:.2f}, "
        f"top-3 {dep3 / n_dep:.2f} (n={n_dep})"
    )


if __name__ == "__main__":
    main()
