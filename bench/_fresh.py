"""The driver half of a benchmark that measures in a subprocess against a fresh database: a
SQLite file in a temporary folder, or a PostgreSQL database made for the run and dropped after
it. The measuring half calls `setup_django()` and prints its figures as JSON on its last line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c"]


def _psql(sql: str, *, check: bool) -> subprocess.CompletedProcess:
    return subprocess.run([*PSQL, sql], capture_output=not check, check=check)


def run_on(
    kind: str, command: list[str], tmp: Path, name: str, *, keep: bool = False
) -> dict[str, Any] | None:
    """Run `command` with DATABASE_URL naming a fresh `kind` database called `name`; its JSON
    result, or None when PostgreSQL does not answer. `keep` leaves the PostgreSQL database."""
    env = {**os.environ, "MASSLINE_DEV": "1", "MASSLINE_VAR_DIR": str(tmp / kind)}
    if kind == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / (name + '.sqlite3')}"
    else:
        if _psql("select 1", check=False).returncode != 0:
            print("PostgreSQL at 127.0.0.1:5432 does not answer: skipped", file=sys.stderr)
            return None
        _psql(f"DROP DATABASE IF EXISTS {name}", check=True)
        _psql(f"CREATE DATABASE {name}", check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    finally:
        if kind == "postgres" and not keep:
            _psql(f"DROP DATABASE IF EXISTS {name}", check=False)
    if done.returncode:
        raise SystemExit(f"{kind} worker failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def setup_django() -> None:
    """In the measuring subprocess: Django on the database the driver named, migrated."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "massline.settings"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
