"""Helpers of the browser tests: axe-core inside the page, screenshots, where Chromium lives."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("MASSLINE_ARTIFACTS", ROOT / "var" / "artifacts"))
AXE_STATIC = "vendor/axe-core/axe.min.js"
CHROMIUM = os.environ.get("MASSLINE_CHROMIUM", "/usr/bin/chromium")
"""Debian's Chromium (apt-get install chromium); Playwright's own download is never used."""

BLOCKING = ("serious", "critical")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip("-")[:120] or "page"


def shot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot to var/artifacts/<name>.png (subfolders allowed) and return its path."""
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def axe(page, *, include: str | None = None, disable: tuple[str, ...] = ()) -> list[dict]:
    """Run the vendored axe-core in the page as it is now; fail on any serious or critical
    violation (the message lists rule, help and the offending elements, and the full result is
    written to var/artifacts/axe/). Returns every violation found, minor ones included.

    include: a CSS selector to check only part of the page (e.g. a dialog htmx just opened);
    disable: rule ids to skip, each with a reason in the calling test."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # from the site itself, as the Content-Security-Policy allows (an inline tag is refused)
        page.add_script_tag(url=urljoin(page.url, f"{settings.STATIC_URL}{AXE_STATIC}"))
    rules = {rule: {"enabled": False} for rule in disable}
    options = {"resultTypes": ["violations"], "rules": rules}
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [include, options]
    )
    violations = result["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    if blocking:
        out = ARTIFACTS / "axe" / f"{slug(page.url)}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(violations, ensure_ascii=False, indent=1), encoding="utf-8")
        raise AssertionError(
            f"axe-core: {len(blocking)} serious/critical violation(s) on {page.url}\n"
            + _describe(blocking)
            + f"\n(all violations: {out})"
        )
    return violations


def renders_cjk(page, text: str = "网上群众路线") -> bool:
    """Whether the page's font draws these Chinese characters as glyphs rather than as the
    missing-glyph box: the text drawn on a canvas differs from the same number of characters
    no font has (private use area)."""
    return page.evaluate(
        """(text) => {
            const style = getComputedStyle(document.body);
            const draw = (s) => {
                const canvas = document.createElement("canvas");
                canvas.width = 64 * s.length; canvas.height = 80;
                const ctx = canvas.getContext("2d");
                ctx.font = "48px " + style.fontFamily;
                ctx.fillText(s, 0, 60);
                return canvas.toDataURL();
            };
            return draw(text) !== draw("\\uE000".repeat(text.length));
        }""",
        text,
    )
