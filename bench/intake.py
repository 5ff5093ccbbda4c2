"""Appeal intake under concurrent load, against a trivial endpoint on the same server.

Builds a fresh database (SQLite in a temp dir, or a PostgreSQL database it creates and drops),
seeds regions, hubs and residents, starts gunicorn on loopback, then for the same duration and
concurrency fires GET /healthz and POST /api/v1/appeals (each with its own Idempotency-Key, plus
deliberate retries of keys already sent, some still in flight). Afterwards it counts the rows:
every acknowledged appeal must exist exactly once.

    .venv/bin/python bench/intake.py                       # SQLite, 32 workers x 20 s
    .venv/bin/python bench/intake.py --database-url postgres://postgres@127.0.0.1:5432/massline_bench

With --analysis (舆情, issue 17) the intake phase is run twice on the same database, once with
the analysis enqueued after each appeal commits (the platform as it runs) and once without
(bench/intake_analysis_off.py), and then one `massline worker --batch` drains the analysis
queue; it prints both intake throughputs, their ratio (goal: on costs at most 10 %) and the
worker's appeals analysed per second (goal: at least 200), after training the models on the
appeals the run made.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-intake-2025"
HOST = "127.0.0.1"

SEED = r"""
import json, os
from massline.accounts.models import User
from massline.appeals.models import Category
from massline.orgs.models import Level, Org, OrgKind, Region

province = Region.objects.create(code="420000", name="湖北省", level=Level.PROVINCE)
city = Region.objects.create(code="421100", name="黄冈市", level=Level.CITY, parent=province)
city_gov = Org.objects.create(
    name="黄冈市人民政府", kind=OrgKind.GOVERNMENT, level=Level.CITY, region=city
)
Org.objects.create(
    name="黄冈市12345热线中心", kind=OrgKind.HUB, level=Level.CITY, region=city, parent=city_gov
)
for code, name in (("421102", "黄州区"), ("421125", "浠水县")):
    county = Region.objects.create(code=code, name=name, level=Level.COUNTY, parent=city)
    gov = Org.objects.create(
        name=f"{name}人民政府", kind=OrgKind.GOVERNMENT, level=Level.COUNTY, region=county,
        parent=city_gov,
    )
    Org.objects.create(
        name=f"{name}12345热线中心", kind=OrgKind.HUB, level=Level.COUNTY, region=county,
        parent=gov,
    )
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
given = ["建国", "秀英", "志强", "桂兰", "海燕", "明", "红梅", "国华", "丽", "卫东", "春花", "磊"]
for i in range(int(os.environ["BENCH_USERS"])):
    User.objects.create_user(
        username=f"bench-resident-{i}", password=os.environ["BENCH_PASSWORD"],
        real_name=surnames[i % len(surnames)] + given[i % len(given)],
        phone=f"1387135{i:04d}",
    )
wanted = json.loads(os.environ["BENCH_CATEGORIES"])
ids = {}
for c in Category.objects.filter(name__in=wanted, children__isnull=True).order_by("id"):
    ids.setdefault(c.name, c.id)
print("BENCH-SEED " + json.dumps(ids, ensure_ascii=False))
"""

PLACES = {
    "421102": {
        "towns": ["东湖街道", "赤壁街道", "禹王街道", "西湖街道", "南湖街道", "路口镇", "堵城镇"],
        "communities": ["宝塔社区", "青砖湖社区", "八一社区", "考棚街社区", "江北社区", "团林岗村"],
        "roads": ["东门路", "赤壁大道", "八一路", "黄州大道", "宝塔大道", "新港大道", "胜利街"],
        "landmarks": ["遗爱湖公园", "东坡赤壁", "黄州火车站", "万达广场", "市中心医院", "客运站"],
    },
    "421125": {
        "towns": ["清泉镇", "巴河镇", "散花镇", "兰溪镇", "洗马镇", "竹瓦镇"],
        "communities": ["城东社区", "丽文社区", "望城岗村", "河东村", "十月村"],
        "roads": ["中华路", "清泉大道", "新华街", "东岳路", "滨河路"],
        "landmarks": ["县人民医院", "闻一多纪念馆", "浠水一中", "汽车站", "人民广场"],
    },
}

TEMPLATES = [
    {
        "kind": "complaint",
        "category": "噪音污染",
        "title": "{community}附近工地夜间施工噪音扰民",
        "body": (
            "我住在{town}{community}{n}栋，小区东侧的工地最近一个多月每天晚上{hour}点以后还在"
            "打桩、运渣土，噪音非常大，家里老人和上学的孩子都休息不好。之前打过电话反映了{k}次，"
            "工地说有夜间施工许可，但一直没人来现场看过。请有关部门核实许可情况，规定施工时间，"
            "夜间确需施工的要采取降噪措施。"
        ),
    },
    {
        "kind": "help",
        "category": "基础设施",
        "title": "{road}靠近{landmark}路段路面塌陷",
        "body": (
            "{road}靠近{landmark}的非机动车道上塌了一个坑，直径大概{m}米，周边用几个锥桶围着，"
            "晚上没有灯看不清，下雨积水后更危险，这几天已经有骑电动车的人在这里摔倒。"
            "请尽快安排修补，修好之前先设置反光警示标志。联系电话{phone}。"
        ),
    },
    {
        "kind": "consultation",
        "category": "城乡居民养老保险",
        "title": "咨询城乡居民养老保险缴费档次和补缴",
        "body": (
            "我是{town}的灵活就业人员，今年{age}岁，想咨询一下城乡居民养老保险今年有哪些缴费档次，"
            "每年什么时候截止缴费。另外我{year}年到{year2}年在广东打工时交过几年职工社保，"
            "现在能不能转回来合并计算？需要本人到哪里办理，带哪些材料？"
        ),
    },
    {
        "kind": "suggestion",
        "category": "交通安全管理",
        "title": "建议在{road}{landmark}路口增设人行横道和信号灯",
        "body": (
            "{road}和{landmark}门口的路口每天早晚高峰人车混行，学生和老人过马路只能在车流中穿行，"
            "车速也快，上个月还发生过一起电动车和小轿车的剐蹭。建议在这个路口施划人行横道，"
            "增设行人过街信号灯，上下学时段安排交警或志愿者疏导。"
        ),
    },
    {
        "kind": "complaint",
        "category": "自来水供应",
        "title": "{community}已停水{k}天无人答复",
        "body": (
            "{town}{community}从{month}月{day}日开始停水，到今天已经{k}天了，物业说是主管道破裂，"
            "要等供水公司来修，但是一直没有具体时间。小区里有不少独居老人，只能到外面提水，"
            "生活非常不便。请问什么时候能恢复供水？停水期间能否安排送水车？"
        ),
    },
    {
        "kind": "report",
        "category": "城管执法",
        "title": "{road}一烧烤店长期占道经营油烟扰民",
        "body": (
            "{road}{n}号附近有一家烧烤店，每天傍晚把桌椅摆到人行道上，一直营业到凌晨{hour2}点，"
            "油烟直接排到旁边的居民楼，楼上住户不敢开窗，喝酒吵闹声也很大。多次劝说无效，"
            "请城管和生态环境部门上门检查，依法处理占道经营和油烟直排问题。"
        ),
    },
    {
        "kind": "help",
        "category": "城镇危房改造",
        "title": "{town}独居老人房屋漏雨申请危房改造",
        "body": (
            "我父亲今年{age2}岁，一个人住在{town}{community}，房子是八十年代盖的砖木房，"
            "最近连续下雨，屋顶多处漏水，后墙也出现了裂缝。家里经济困难，想问一下能不能申请"
            "危房改造补助，需要准备哪些材料，找村委会还是镇政府办理？我的电话是{phone}。"
        ),
    },
    {
        "kind": "complaint",
        "category": "物业服务",
        "title": "{community}物业不作为电梯多次困人",
        "body": (
            "{town}{community}{n}栋的电梯这半年已经困人{k}次，最近一次是上周{weekday}晚上，"
            "一位老人被困了四十多分钟。物业每次只是简单修一下，维保记录也不公开。"
            "请住建部门督促物业和维保单位彻底检修，公开维保记录，必要时启用维修资金更换电梯。"
        ),
    },
]

CATEGORY_NAMES = sorted({t["category"] for t in TEMPLATES})


def render_appeal(rng: random.Random, categories: dict[str, int]) -> dict:
    code = rng.choice(list(PLACES))
    place = PLACES[code]
    t = rng.choice(TEMPLATES)
    year = rng.randint(2008, 2016)
    fill = {
        "town": rng.choice(place["towns"]),
        "community": rng.choice(place["communities"]),
        "road": rng.choice(place["roads"]),
        "landmark": rng.choice(place["landmarks"]),
        "n": rng.randint(1, 36),
        "k": rng.randint(2, 6),
        "m": rng.choice(["半", "一", "两"]),
        "hour": rng.choice([10, 11, 12]),
        "hour2": rng.choice([1, 2, 3]),
        "age": rng.randint(38, 59),
        "age2": rng.randint(72, 88),
        "year": year,
        "year2": year + rng.randint(2, 6),
        "month": rng.randint(1, 12),
        "day": rng.randint(1, 28),
        "weekday": rng.choice("一二三四五六日"),
        "phone": f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}",
    }
    return {
        "kind": t["kind"],
        "title": t["title"].format(**fill),
        "body": t["body"].format(**fill),
        "region_code": code,
        "category_id": categories.get(t["category"]),
        "location": f"{fill['town']}{fill['road']}",
        "is_public": rng.random() < 0.8,
    }


# ---------------------------------------------------------------- database and server


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def django_env(database_url: str, var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        MASSLINE_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="massline.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-key-" + uuid.uuid4().hex + uuid.uuid4().hex,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS=HOST,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


def prepare_database(env: dict, users: int) -> dict[str, int]:
    subprocess.run(
        [sys.executable, "-m", "massline", "migrate", "--noinput", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=600,
    )
    seed_env = dict(
        env,
        BENCH_USERS=str(users),
        BENCH_PASSWORD=PASSWORD,
        BENCH_CATEGORIES=json.dumps(CATEGORY_NAMES, ensure_ascii=False),
    )
    out = subprocess.run(
        [sys.executable, "-m", "massline", "shell", "-c", SEED],
        env=seed_env,
        cwd=ROOT,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    ).stdout
    line = next(s for s in out.splitlines() if s.startswith("BENCH-SEED "))
    return json.loads(line.removeprefix("BENCH-SEED "))


class Server:
    def __init__(self, env: dict, log: Path, app: str, workers: int, threads: int):
        self.port = free_port()
        self.log = log
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                app,
                "-k",
                "gthread",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--bind",
                f"{HOST}:{self.port}",
                "--keep-alive",
                "30",
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, limit: float = 60.0) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn not ready in {limit:.0f} s:\n{self.log.read_text()[-3000:]}")

    def cpu_seconds(self) -> float:
        """CPU time of the gunicorn master and its workers, from /proc."""
        pids = [self.proc.pid]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    pids.append(int(entry))
        return sum(process_cpu(pid) for pid in pids)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def db_backend_cpu(database_url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the bench database (empty for SQLite,
    whose work is inside the server's own CPU time). Needs the server on this machine."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        return {}
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        pids = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return {pid: process_cpu(pid) for (pid,) in pids}


def machine_busy() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


# ---------------------------------------------------------------- load generation


def _request(conn, method, path, body, headers):
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def run_client(job: dict) -> dict:
    """One client process: `job["threads"]` threads, each with its own keep-alive connection."""
    port, start_at, stop_at = job["port"], job["start_at"], job["stop_at"]
    intake = job["phase"] != "trivial"
    tokens = job["tokens"]
    recent: dict[int, deque] = defaultdict(lambda: deque(maxlen=8))
    lock = threading.Lock()
    results: list[list] = []

    def worker(index: int) -> None:
        rng = random.Random(f"{job['seed']}-{index}")
        user = (job["first_thread"] + index) % len(tokens)
        auth = {"Authorization": f"Bearer {tokens[user]}", "Content-Type": "application/json"}
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine = []
        seq = 0
        while time.time() < start_at:
            time.sleep(0.005)
        while time.time() < stop_at:
            retry = False
            if intake:
                with lock:
                    sent = recent[user]
                    if sent and rng.random() < job["retry_share"]:
                        key, body = rng.choice(sent)
                        retry = True
                if not retry:
                    seq += 1
                    key = f"{job['run']}-{job['phase']}-{job['first_thread'] + index}-{seq}"
                    body = json.dumps(render_appeal(rng, job["categories"])).encode()
                    with lock:
                        recent[user].append((key, body))
                headers = dict(auth, **{"Idempotency-Key": key})
                method, path = "POST", "/api/v1/appeals"
            else:
                method, path, body, headers = "GET", "/healthz", None, {}
            t0 = time.perf_counter()
            try:
                status, payload = _request(conn, method, path, body, headers)
            except (OSError, http.client.HTTPException) as exc:
                status, payload = f"error:{type(exc).__name__}", b""
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            elapsed = time.perf_counter() - t0
            tracking = None
            if intake and status in (200, 201):
                tracking = json.loads(payload)["tracking_no"]
            mine.append([elapsed, status, user, key if intake else None, tracking, retry])
        conn.close()
        with lock:
            results.extend(mine)

    cpu0 = time.process_time()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(job["threads"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"results": results, "cpu": time.process_time() - cpu0, "end": time.time()}


def run_phase(phase, args, server, tokens, categories, run, pool) -> dict:
    procs = max(1, min(args.client_procs, args.workers))
    share = [args.workers // procs + (i < args.workers % procs) for i in range(procs)]
    seconds = args.warmup if phase.startswith("warmup") else args.seconds
    start_at = time.time() + 0.5
    jobs, first = [], 0
    for i, n in enumerate(share):
        jobs.append(
            dict(
                port=server.port,
                start_at=start_at,
                stop_at=start_at + seconds,
                phase=phase,
                tokens=tokens,
                categories=categories,
                run=run,
                seed=f"{run}-{phase}-{i}",
                threads=n,
                first_thread=first,
                retry_share=args.retry_share,
            )
        )
        first += n
    db0 = db_backend_cpu(args.database_url)
    busy0 = machine_busy()
    server0 = server.cpu_seconds()
    outs = list(pool.map(run_client, jobs)) if pool else [run_client(j) for j in jobs]
    server_cpu = server.cpu_seconds() - server0
    busy1 = machine_busy()
    db1 = db_backend_cpu(args.database_url)
    results = [r for o in outs for r in o["results"]]
    wall = max(o["end"] for o in outs) - start_at
    return {
        "phase": phase,
        "results": results,
        "wall": wall,
        "client_cpu": sum(o["cpu"] for o in outs),
        "server_cpu": server_cpu,
        "db_cpu": sum(cpu - db0.get(pid, 0.0) for pid, cpu in db1.items()),
        "machine_busy": (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
    }


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def cpu_per_request(s: dict) -> float:
    """Everything one request costs on this machine: server, database and load generator."""
    return (
        s["server_cpu_ms_per_request"] + s["db_cpu_ms_per_request"] + s["client_cpu_ms_per_request"]
    )


def summarise(phase: dict) -> dict:
    results = phase["results"]
    ok = sorted(r[0] for r in results if r[1] in (200, 201))
    n = len(results)
    return {
        "requests": n,
        "ok": len(ok),
        "throughput_rps": len(ok) / phase["wall"],
        "p50_ms": percentile(ok, 0.50) * 1000,
        "p99_ms": percentile(ok, 0.99) * 1000,
        "max_ms": (ok[-1] if ok else float("nan")) * 1000,
        "non_2xx": dict(Counter(str(r[1]) for r in results if r[1] not in (200, 201))),
        "server_cpu_ms_per_request": phase["server_cpu"] * 1000 / max(1, n),
        "client_cpu_ms_per_request": phase["client_cpu"] * 1000 / max(1, n),
        "client_cpu_share_of_one_core": phase["client_cpu"] / phase["wall"],
        "machine_busy": phase["machine_busy"],
        "db_cpu_ms_per_request": phase["db_cpu"] * 1000 / max(1, n),
        "other_cpu_cores": max(
            0.0,
            phase["machine_busy"] * (os.cpu_count() or 1)
            - (phase["server_cpu"] + phase["client_cpu"] + phase["db_cpu"]) / phase["wall"],
        ),
    }


# ---------------------------------------------------------------- correctness


def stored_rows(database_url: str) -> tuple[list[tuple], int, dict[int, str]]:
    appeals = "SELECT submitted_by_id, idempotency_key, tracking_no FROM appeals_appeal"
    events = "SELECT COUNT(*) FROM appeals_appealevent WHERE action = 'submit'"
    users = "SELECT id, username FROM accounts_user"
    if database_url.startswith("sqlite:///"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return (
                conn.execute(appeals).fetchall(),
                conn.execute(events).fetchone()[0],
                dict(conn.execute(users).fetchall()),
            )
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return (
            conn.execute(appeals).fetchall(),
            conn.execute(events).fetchone()[0],
            dict(conn.execute(users).fetchall()),
        )


def check(database_url: str, intake_results: list[list]) -> dict:
    rows, submit_events, users = stored_rows(database_url)
    username_to_id = {name: uid for uid, name in users.items()}
    stored = {}
    for uid, key, tracking in rows:
        stored.setdefault((uid, key), []).append(tracking)
    acked: dict[tuple, set] = defaultdict(set)
    created = Counter()
    retries = retries_ok = 0
    for _, status, user, key, tracking, retry in intake_results:
        uid = username_to_id[f"bench-resident-{user}"]
        if status in (200, 201):
            acked[(uid, key)].add(tracking)
        if status == 201:
            created[(uid, key)] += 1
        if retry:
            retries += 1
            retries_ok += status in (200, 201)
    lost = sum(1 for k in acked if k not in stored)
    inconsistent = sum(
        1 for k, numbers in acked.items() if k in stored and numbers != set(stored[k])
    )
    return {
        "distinct_keys_acknowledged": len(acked),
        "appeal_rows": len(rows),
        "lost": lost,
        "duplicated": len(rows) - len(stored) + sum(n - 1 for n in created.values() if n > 1),
        "answered_with_another_appeal": inconsistent,
        "rows_never_acknowledged": sum(1 for k in stored if k not in acked),
        "rows_without_submit_event": len(rows) - submit_events,
        "retries_sent": retries,
        "retries_acknowledged": retries_ok,
    }


# ---------------------------------------------------------------- main


def issue_tokens(port: int, users: int) -> list[str]:
    tokens = []
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    for i in range(users):
        body = json.dumps(
            {"username": f"bench-resident-{i}", "password": PASSWORD, "name": "bench"}
        ).encode()
        status, payload = _request(
            conn, "POST", "/api/v1/auth/tokens", body, {"Content-Type": "application/json"}
        )
        if status != 201:
            raise RuntimeError(f"token for bench-resident-{i}: {status} {payload[:300]!r}")
        tokens.append(json.loads(payload)["token"])
    conn.close()
    return tokens


def print_table(report: dict) -> None:
    cfg = report["config"]
    print(
        f"massline intake bench · {cfg['database']} · gunicorn gthread "
        f"{cfg['server_workers']}w x {cfg['server_threads']}t · {cfg['workers']} concurrent "
        f"clients ({cfg['client_procs']} process) x {cfg['seconds']:.0f} s · "
        f"{os.cpu_count()} cores"
    )
    print(
        "(db: PostgreSQL backends of the bench database; other cores: CPU used on the machine "
        "by none of server, database and client during the phase)"
    )
    head = f"{'endpoint':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    head += f"{'srv CPU ms/req':>16}{'db ms/req':>11}{'client cores':>14}{'other cores':>13}"
    print(head)
    rows = (("GET /healthz", report["trivial"]), ("POST /api/v1/appeals", report["intake"]))
    for name, s in rows:
        print(
            f"{name:<22}{s['throughput_rps']:>9.1f}{s['p50_ms']:>9.1f}{s['p99_ms']:>9.1f}"
            f"{s['max_ms']:>9.1f}{s['server_cpu_ms_per_request']:>16.2f}"
            f"{s['db_cpu_ms_per_request']:>11.2f}{s['client_cpu_share_of_one_core']:>14.2f}{s['other_cpu_cores']:>13.2f}"
        )
        if s["non_2xx"]:
            print(f"{'':<22}non-2xx: {s['non_2xx']}")
    c = report["correctness"]
    print(
        f"appeals: {c['appeal_rows']} rows for {c['distinct_keys_acknowledged']} acknowledged keys"
        f" · retries {c['retries_sent']} sent, {c['retries_acknowledged']} answered"
    )
    print(
        f"lost {c['lost']} · duplicated {c['duplicated']} · answered with another appeal "
        f"{c['answered_with_another_appeal']} · rows never acknowledged "
        f"{c['rows_never_acknowledged']} · rows without submit event "
        f"{c['rows_without_submit_event']}"
    )
    g = report["goal"]
    print(
        f"intake/trivial = {g['ratio']:.0%} (goal >= 50 %: {'met' if g['ratio_met'] else 'MISSED'})"
        f" · intake p99 {report['intake']['p99_ms']:.0f} ms (goal < 100 ms: "
        f"{'met' if g['p99_met'] else 'MISSED'})"
    )
    print(
        f"CPU bound: server+db+client CPU per intake {cpu_per_request(report['intake']):.2f} ms vs "
        f"{cpu_per_request(report['trivial']):.2f} ms per /healthz, so on a saturated machine "
        f"intake/trivial cannot exceed {g['cpu_ratio']:.0%}"
    )


DRAIN = r"""
import json, time
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from massline.opinion.models import AppealAnalysis
from massline.opinion.training import train_all
trained = [str(v) for v in train_all(activate=True)]
tasks = DBTaskResult.objects.filter(status="READY").count()
before = AppealAnalysis.objects.filter(state="done").count()
started = time.perf_counter()
call_command("worker", "--batch", "--no-scheduler")
seconds = time.perf_counter() - started
done = AppealAnalysis.objects.filter(state="done").count() - before
failed = AppealAnalysis.objects.filter(state="failed").count()
print(json.dumps({"tasks": tasks, "analysed": done, "failed": failed, "seconds": seconds,
                  "trained": trained}))
"""


def drain_analysis(env: dict) -> dict:
    """Train the models on the run's appeals, then one worker drains the queue (in a process
    of its own, as `massline worker --batch`, engine warm-up and Django start included)."""
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "massline", "shell", "-c", DRAIN],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=3600,
        capture_output=True,
        text=True,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    got["appeals_per_second"] = got["analysed"] / got["seconds"] if got["seconds"] else 0.0
    return got


def print_analysis(a: dict) -> None:
    on, off = a["intake_on"], a["intake_off"]
    print(
        f"analysis after intake: on {on['throughput_rps']:.1f} req/s (p99 {on['p99_ms']:.0f} ms)"
        f" vs off {off['throughput_rps']:.1f} req/s (p99 {off['p99_ms']:.0f} ms): costs "
        f"{a['cost']:.1%} (goal <= 10 %: {'met' if a['cost_met'] else 'MISSED'})"
    )
    print(
        f"one worker drained {a['tasks']} analysis tasks: {a['analysed']} appeals analysed, "
        f"{a['failed']} failed, in {a['seconds']:.1f} s = {a['appeals_per_second']:.0f} appeals/s"
        f" (goal >= 200: {'met' if a['drain_met'] else 'MISSED'}) · models: "
        + "; ".join(a["trained"])
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=32, help="concurrent client connections")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured intake first")
    parser.add_argument("--database-url", default="", help="postgres://… (created and dropped)")
    parser.add_argument("--server-workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--app", default="massline.wsgi", help="WSGI module for gunicorn")
    parser.add_argument("--client-procs", type=int, default=1, help="load-generator processes")
    parser.add_argument("--users", type=int, default=8, help="resident accounts submitting")
    parser.add_argument("--retry-share", type=float, default=0.05)
    parser.add_argument("--keep", action="store_true", help="keep the database for inspection")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--analysis", action="store_true", help="intake with analysis on vs off, then one worker"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="massline-bench-"))
    if args.database_url:
        if not args.database_url.startswith(("postgres://", "postgresql://")):
            parser.error("--database-url must be a postgres:// URL (SQLite is the default)")
        database_url = args.database_url
        name = urlparse(database_url).path.lstrip("/")
        if not name.replace("_", "").isalnum():
            parser.error("database name must be letters, digits and _")
        pg_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg_admin(database_url, f'CREATE DATABASE "{name}"')
        database = "PostgreSQL"
    else:
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        database = "SQLite (WAL)"
    env = django_env(database_url, tmp)
    run = uuid.uuid4().hex[:8]
    pool = None
    server = None
    try:
        categories = prepare_database(env, args.users)
        server = Server(
            env, tmp / "gunicorn.log", args.app, args.server_workers, args.server_threads
        )
        server.wait_ready()
        tokens = issue_tokens(server.port, args.users)
        if args.client_procs > 1:
            pool = ProcessPoolExecutor(args.client_procs, mp_context=get_context("fork"))
        phase_args = (args, server, tokens, categories, run, pool)
        warm = run_phase("warmup", *phase_args) if args.warmup > 0 else {"results": []}
        trivial = run_phase("trivial", *phase_args)
        intake = run_phase("intake", *phase_args)
        if args.analysis:
            server.stop()
            server = Server(
                dict(env, DJANGO_SETTINGS_MODULE="bench.intake_analysis_off"),
                tmp / "gunicorn-off.log",
                args.app,
                args.server_workers,
                args.server_threads,
            )
            server.wait_ready()
            phase_args = (args, server, tokens, categories, run, pool)
            intake_off = run_phase("intake_off", *phase_args)
            server.stop()
            server = None
            analysis = drain_analysis(env)
    finally:
        if pool is not None:
            pool.shutdown()
        if server is not None:
            server.stop()
    measured = warm["results"] + intake["results"]
    if args.analysis:
        measured += intake_off["results"]
    correctness = check(database_url, measured)
    if args.database_url and not args.keep:
        pg_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if not args.keep:
        for p in sorted(tmp.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
        tmp.rmdir()
    t, i = summarise(trivial), summarise(intake)
    ratio = i["throughput_rps"] / t["throughput_rps"] if t["throughput_rps"] else 0.0
    report = {
        "config": {
            "database": database,
            "workers": args.workers,
            "seconds": args.seconds,
            "server_workers": args.server_workers,
            "server_threads": args.server_threads,
            "client_procs": args.client_procs,
            "users": args.users,
            "retry_share": args.retry_share,
            "kept": str(tmp) if args.keep else None,
        },
        "trivial": t,
        "intake": i,
        "correctness": correctness,
        "goal": {
            "ratio": ratio,
            "cpu_ratio": cpu_per_request(t) / max(1e-9, cpu_per_request(i)),
            "ratio_met": ratio >= 0.5,
            "p99_met": i["p99_ms"] < 100,
        },
    }
    if args.analysis:
        off = summarise(intake_off)
        cost = 1 - i["throughput_rps"] / off["throughput_rps"] if off["throughput_rps"] else 0.0
        report["analysis"] = {
            "intake_on": i,
            "intake_off": off,
            "cost": cost,
            "cost_met": cost <= 0.10,
            **analysis,
            "drain_met": analysis["appeals_per_second"] >= 200,
        }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_table(report)
        if args.analysis:
            print_analysis(report["analysis"])
    return 1 if correctness["lost"] or correctness["duplicated"] else 0


if __name__ == "__main__":
    sys.exit(main())
