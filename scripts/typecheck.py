"""Run mypy over massline/ and hold it to scripts/mypy-baseline.txt, a baseline that only shrinks.

`make lint` runs this. massline/core and massline/analysis are checked strictly (pyproject.toml,
[tool.mypy]) and have no baseline entries; the other apps are checked with the default rules and
their known errors are listed in the baseline, one line per error, keyed by file, error code and
message without the line number (so that editing a file does not invalidate its entries):

    massline/appeals/api.py: [arg-type] Argument 1 to "f" has incompatible type "int"; ...

The check fails when mypy reports an error that the baseline does not list (fix it; do not add
it), and also when a listed error no longer occurs: then run

    .venv/bin/python scripts/typecheck.py --shrink

to drop those entries, so that a fixed error cannot come back unnoticed. --shrink never adds an
entry. --write-baseline rewrites the whole file from mypy's output; it is only for creating the
baseline, and a commit whose baseline grows must say why.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "mypy-baseline.txt"
HEADER = (
    "# mypy errors tolerated for now, one per line: file: [code] message (no line numbers).\n"
    "# Only shrinks: fix an error and run `.venv/bin/python scripts/typecheck.py --shrink`.\n"
    "# massline/core and massline/analysis are strict and have no entries.\n"
)
ERROR = re.compile(
    r"^(?P<path>[^:\s][^:]*):\d+(?::\d+)?: error: (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
LINE_REFERENCE = re.compile(r"\bon line \d+\b")


def run_mypy() -> list[str]:
    """mypy's errors on massline/ as baseline keys (the configuration is in pyproject.toml)."""
    command = [sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"mypy failed to run (exit status {done.returncode})")
    keys = []
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            keys.append(key_of(match["path"], match["code"] or "misc", match["message"]))
        elif ": error: " in line:
            raise SystemExit(f"typecheck.py cannot read this mypy line: {line}")
    if done.returncode == 1 and not keys:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("mypy reported failure but no error that typecheck.py could read")
    return keys


def key_of(path: str, code: str, message: str) -> str:
    path = Path(path).as_posix()
    return f"{path}: [{code}] {LINE_REFERENCE.sub('on line N', message.strip())}"


def read_baseline() -> list[str]:
    if not BASELINE.exists():
        return []
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def write_baseline(keys: list[str]) -> None:
    BASELINE.write_text(HEADER + "".join(f"{key}\n" for key in sorted(keys)), encoding="utf-8")


def area(key: str) -> str:
    """massline/<app> of a key, or the file itself for massline/*.py."""
    parts = key.split(":", 1)[0].split("/")
    return "/".join(parts[:2])


def summary(keys: list[str]) -> str:
    counts = Counter(area(key) for key in keys)
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items())) or "none"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--shrink", action="store_true", help="drop entries that no longer occur")
    mode.add_argument(
        "--write-baseline", action="store_true", help="rewrite the baseline (creating it only)"
    )
    args = parser.parse_args(argv)

    current = Counter(run_mypy())
    if args.write_baseline:
        errors = list(current.elements())
        write_baseline(errors)
        print(f"mypy baseline written: {len(errors)} errors ({summary(errors)}).")
        return 0

    baseline = Counter(read_baseline())
    new = current - baseline
    gone = baseline - current
    if new:
        print(f"mypy: {new.total()} error(s) not in {BASELINE.relative_to(ROOT)}; fix them:")
        for key in sorted(new.elements()):
            print(f"  {key}")
    if gone and args.shrink and not new:
        write_baseline(list((baseline - gone).elements()))
        print(f"mypy baseline shrunk by {gone.total()}: now {(baseline - gone).total()} entries.")
        return 0
    if gone:
        print(f"mypy: these {gone.total()} baseline entries no longer occur:")
        for key in sorted(gone.elements()):
            print(f"  {key}")
        if not new:
            print("Shrink the baseline: .venv/bin/python scripts/typecheck.py --shrink")
    if new or gone:
        return 1
    kept = list(baseline.elements())
    print(f"mypy: no new errors; baseline {len(kept)} ({summary(kept)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
