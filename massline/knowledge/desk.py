"""The 知识库 panel of the dispatcher's desk (knowledge/partials/desk_panel.html) and the
answer it preselects in the 直接答复 form."""

from typing import Any

from massline.appeals.actions import DIRECT_KINDS, Action
from massline.appeals.models import Appeal
from massline.knowledge import policy
from massline.knowledge.selectors import matching


def panel(user, appeal: Appeal, q: str, actions: list[str]) -> dict[str, Any] | None:
    """Entries matching the appeal (its title, body and category) or the dispatcher's own
    search `q`; for staff who may read the knowledge base. 咨询 first: their panel opens."""
    entries = policy.readable(user)
    if not entries.exists():
        return None
    q = q.strip()[:100]
    if q:
        found = matching(entries, q, limit=8)
    else:
        found = matching(entries, f"{appeal.title} {appeal.body}", category=appeal.category)
    return {
        "q": q,
        "matches": [m.entry for m in found],
        "open": appeal.kind in DIRECT_KINDS,
        "can_answer": Action.DIRECT_ANSWER in actions,
    }


def answer_initial(user, action: str, entry_id: str) -> dict[str, str]:
    """ "选用" on an entry (?kb=<id>) fills the 直接答复 form with its answer, to edit."""
    if action != Action.DIRECT_ANSWER or not entry_id.isdigit():
        return {}
    entry = policy.readable(user).filter(pk=int(entry_id)).first()
    return {"text": entry.answer} if entry is not None else {}
