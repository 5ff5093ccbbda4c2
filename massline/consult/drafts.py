"""Rules of a draft put to consultation: how its text splits into articles and paragraphs,
when its window is open (on the Asia/Shanghai clock), and what changed between two revisions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from django.utils import timezone

ARTICLE = re.compile(r"^\s*(第[一二三四五六七八九十百零〇\d]+[条章节])\s*(.*)$")
MAX_PARAGRAPHS = 400


@dataclass(frozen=True)
class Piece:
    article: str
    text: str


def split_draft(text: str) -> list[Piece]:
    """Each non-empty line is a paragraph; a line opening with 第…条 (or 章/节) starts an
    article, whose label its following paragraphs carry until the next one."""
    pieces: list[Piece] = []
    article = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        m = ARTICLE.match(line)
        if m:
            article = m.group(1)
        pieces.append(Piece(article, line))
    return pieces


class Phase(StrEnum):
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"
    REPORTED = "reported"


PHASE_LABELS = {
    Phase.UPCOMING: "未开始",
    Phase.OPEN: "征求中",
    Phase.CLOSED: "已截止",
    Phase.REPORTED: "已公布采纳情况",
}


def window(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """A window from 00:00 of the first day to 24:00 of the last, in the site's time zone
    (Asia/Shanghai): a comment sent at 23:59 on the last day counts."""
    tz = timezone.get_default_timezone()
    opens = datetime.combine(first_day, time.min, tzinfo=tz)
    closes = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=tz)
    return opens, closes


def phase(opens_at: datetime, closes_at: datetime, reported: bool, now: datetime) -> Phase:
    if reported:
        return Phase.REPORTED
    if now < opens_at:
        return Phase.UPCOMING
    if now < closes_at:
        return Phase.OPEN
    return Phase.CLOSED


@dataclass
class Row:
    """One paragraph of the side-by-side comparison."""

    paragraph_id: int
    article: str
    before: str | None
    after: str | None
    comments: list = field(default_factory=list)

    @property
    def change(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "same" if self.before == self.after else "changed"


def compare(before: list[tuple[int, str, str]], after: list[tuple[int, str, str]]) -> list[Row]:
    """Paragraphs of two revisions side by side, each given as (paragraph id, article, text)
    in reading order: the later revision's order, with paragraphs it dropped kept where they
    stood in the earlier one."""
    old = {pid: (article, text) for pid, article, text in before}
    new_ids = {pid for pid, _, _ in after}
    rows: list[Row] = []
    dropped_after: dict[int | None, list[Row]] = {}
    previous: int | None = None
    for pid, article, text in before:
        if pid not in new_ids:
            dropped_after.setdefault(previous, []).append(Row(pid, article, text, None))
        else:
            previous = pid
    rows.extend(dropped_after.get(None, []))
    for pid, article, text in after:
        was = old.get(pid)
        rows.append(Row(pid, article or (was[0] if was else ""), was[1] if was else None, text))
        rows.extend(dropped_after.get(pid, []))
    return rows
