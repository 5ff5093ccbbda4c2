"""Server time of the web pages on 100,000 appeals, on SQLite and PostgreSQL, beside /healthz.

For each database it builds a fresh one (SQLite in a temp dir; PostgreSQL in a database it
creates and drops), loads the 黄冈 demo (orgs, logins, 300 appeals with their whole history),
then bulk-adds generated appeals (texts from bench/search.py's generator, spread over the demo's
towns, hubs, departments and states, each indexed for search with its submission event) up to
`--count` (PostgreSQL is then vacuumed and analysed, as autovacuum would; SQLite is given no
statistics), and times requests made in-process through Django's test client (the whole
middleware, view, queries and template; no network), `--requests` per page:

- `/healthz` (the floor), the home page, the public board (pages 1–50), the board's search
  (`?q=` one or two words), the dispatcher's inbox (the city hub's "new" and "to dispatch"
  queues, pages 1–20) and an appeal's public page (random public appeals).

It also times the home page's month figures uncached, for the busiest month of the data (the
page counts them once a minute; the month the bench runs in holds only the demo's appeals).

    .venv/bin/python bench/pages.py                      # both databases, 100,000 appeals
    .venv/bin/python bench/pages.py --db sqlite --count 20000 --requests 100

Goal (issue 9): p95 ≤ 150 ms on both databases.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from _fresh import run_on, setup_django  # bench/ is the script's folder, first on sys.path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "massline_pages_bench"
GOAL_MS = 150.0


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def seed(count: int) -> None:
    """The demo, then generated appeals up to `count`, written in bulk."""
    sys.path.insert(0, str(ROOT / "bench"))
    from search import generate  # type: ignore[import-not-found]

    from massline.accounts.models import User
    from massline.appeals.actions import Action
    from massline.appeals.deadlines import policy_for
    from massline.appeals.models import Appeal, AppealEvent, Category, State
    from massline.appeals.privacy import index_appeal
    from massline.appeals.services import hub_for
    from massline.core.calendar import get_calendar
    from massline.demo.loader import load_demo
    from massline.orgs.models import Level, Org, OrgKind, Region, Role

    load_demo(seed=2026, count=300)
    have = Appeal.objects.count()
    rng = random.Random(7)
    towns = list(Region.objects.filter(level=Level.TOWNSHIP, code__startswith="4211"))
    departments = list(Org.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True))
    categories = list(Category.objects.filter(level=3).values_list("pk", flat=True))
    residents = list(User.objects.filter(memberships__isnull=True, is_superuser=False)[:50])
    cal = get_calendar()
    hubs: dict[str, Org] = {}
    started = time.perf_counter()
    batch = 2000
    docs = generate(max(0, count - have), seed=11, extra=[])
    serial = 0
    for start in range(0, len(docs), batch):
        appeals, firsts = [], []
        for doc in docs[start : start + batch]:
            town = rng.choice(towns)
            hub = hubs.get(town.path) or hubs.setdefault(town.path, hub_for(town))
            state = doc["state"]
            created = doc["created_at"]
            serial += 1
            a = Appeal(
                tracking_no=f"HB{created:%Y%m%d}-{serial:06d}",
                kind=doc["kind"],
                title=doc["title"][:100],
                body=doc["body"][:5000],
                location=doc["location"],
                region=town,
                category_id=rng.choice(categories),
                is_public=rng.random() < 0.85,
                submitted_by=rng.choice(residents),
                hub=hub,
                state=state,
                created_at=created,
            )
            if state not in (State.SUBMITTED, State.ACCEPTED, State.REJECTED):
                a.lead_org = rng.choice(departments)
                a.assigned_at = created + timedelta(hours=3)
                a.reply_clock_from = a.assigned_at
                days = policy_for(a.kind).reply_days
                a.reply_due_at = cal.add_working_days(a.assigned_at, days)
            if state in (State.REPLIED, State.CLOSED):
                a.replied_at = created + timedelta(days=rng.uniform(1, 12))
                a.reply_text = "经核查，已安排人员现场处理，问题已解决，感谢您的监督。"
                a.reply_org = a.lead_org
            index_appeal(a)
            appeals.append(a)
        Appeal.objects.bulk_create(appeals, batch_size=500)
        for a in appeals:
            firsts.append(
                AppealEvent(
                    appeal=a,
                    action=Action.SUBMIT,
                    actor=a.submitted_by,
                    actor_role=Role.RESIDENT,
                    from_state="",
                    to_state=a.state,
                    note=f"已提交至{a.hub.name}",
                    created_at=a.created_at,
                )
            )
        AppealEvent.objects.bulk_create(firsts, batch_size=1000)
    print(
        f"  seeded {Appeal.objects.count():,} appeals in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


def measure(requests: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from massline.accounts.models import User
    from massline.appeals.models import Appeal

    rng = random.Random(3)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    dispatcher = Client(HTTP_HOST="127.0.0.1")
    dispatcher.force_login(User.objects.get(username="dispatcher_city"))
    public = list(Appeal.objects.public().values_list("tracking_no", flat=True)[:5000])
    words = [
        "路灯",
        "噪音",
        "停车",
        "物业 维修",
        "学校",
        "拖欠 工资",
        "垃圾",
        "供水",
        "小区",
        "道路",
    ]
    board = reverse("residents:board")
    pages = {
        "/healthz": lambda: (anonymous, "/healthz"),
        "home": lambda: (anonymous, reverse("home")),
        "public board": lambda: (anonymous, f"{board}?page={rng.randint(1, 50)}"),
        "board search": lambda: (anonymous, f"{board}?q={rng.choice(words)}"),
        "dispatcher inbox": lambda: (
            dispatcher,
            reverse("office:queue", args=[rng.choice(["new", "to_dispatch"])])
            + f"?page={rng.randint(1, 20)}",
        ),
        "appeal page": lambda: (
            anonymous,
            reverse("residents:appeal", args=[rng.choice(public)]),
        ),
    }
    out = {}
    for name, make in pages.items():
        for _ in range(5):
            client, url = make()
            client.get(url)
        times = []
        for _ in range(requests):
            client, url = make()
            t = time.perf_counter()
            res = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            if res.status_code != 200:
                raise SystemExit(f"{url} answered {res.status_code}")
        out[name] = {"p50": pct(times, 50), "p95": pct(times, 95), "mean": statistics.mean(times)}
    return out


def worker(args: argparse.Namespace) -> None:
    setup_django()
    seed(args.count)
    analyse()
    out = measure(args.requests)
    out["month figures"] = month_figures_time()
    print(json.dumps(out))


def analyse() -> None:
    """PostgreSQL: VACUUM ANALYZE after the bulk load, as its documentation says and as
    autovacuum would do in service (this machine's server runs with autovacuum off); without
    statistics it plans the board and the queues as if the tables were empty. SQLite is left
    without statistics, as a deployment that never runs ANALYZE is."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def month_figures_time() -> dict:
    """The home page's four counts for the busiest month of the data, uncached (the page
    counts them once a minute; the month the bench runs in holds only the demo's appeals)."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from massline.appeals.figures import month_figures
    from massline.appeals.models import Appeal

    busiest = (
        Appeal.objects.annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    day = timezone.localdate(busiest["m"]) if busiest else timezone.localdate()
    month_figures(day)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        f = month_figures(day)
        times.append((time.perf_counter() - t) * 1000)
    return {"ms": statistics.median(times), "month": str(f.month), "received": f.received}


def run(kind: str, args: argparse.Namespace, tmp: Path) -> dict | None:
    command = [sys.executable, __file__, "--worker", "--count", str(args.count)]
    command += ["--requests", str(args.requests)]
    print(f"{kind}: seeding {args.count:,} appeals …", file=sys.stderr)
    return run_on(kind, command, tmp, PG_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory() as tmp:
        results = {k: r for k in kinds if (r := run(k, args, Path(tmp))) is not None}
    figures = {k: r.pop("month figures") for k, r in results.items()}
    print(f"\nServer time per request, {args.count:,} appeals, {args.requests} requests a page")
    print(f"{'page':<18}" + "".join(f"{k + ' p50 / p95 ms':>26}" for k in results))
    for page in next(iter(results.values())):
        cells = "".join(
            f"{results[k][page]['p50']:>14.1f} / {results[k][page]['p95']:>7.1f}"
            + ("  " if results[k][page]["p95"] <= GOAL_MS else " !")
            for k in results
        )
        print(f"{page:<18}{cells}")
    for k, f in figures.items():
        print(
            f"{k}: the home page's figures for {f['month'][:7]} ({f['received']:,} appeals), "
            f"counted once a minute, take {f['ms']:.0f} ms"
        )
    worst = max(r[p]["p95"] for r in results.values() for p in r if p != "/healthz")
    verdict = "met" if worst <= GOAL_MS else "NOT met"
    print(f"goal p95 ≤ {GOAL_MS:.0f} ms on every page: {verdict} (worst p95 {worst:.1f} ms)")


if __name__ == "__main__":
    main()
