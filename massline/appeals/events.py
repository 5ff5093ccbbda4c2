"""The one writer of appeal events: the public timeline and the audit trail of every appeal.

Call these inside the transaction that makes the change; events are never edited or deleted
(`AppealEvent` is append-only down to the queryset and protects its appeal). Every event
written here is also offered to `resident_notices.tell`, which tells the resident of the steps
they hear of, in the same transaction.
"""

from datetime import datetime
from typing import Any

from massline.appeals import resident_notices
from massline.appeals.models import Appeal, AppealEvent
from massline.orgs.models import Org


def new(
    appeal: Appeal,
    action: str,
    *,
    actor: Any,
    role: str,
    now: datetime,
    to_state: str | None = None,
    note: str = "",
    internal_note: str = "",
    data: dict | None = None,
    due_before: datetime | None = None,
    org: Org | None = None,
    public: bool = True,
) -> AppealEvent:
    """An unsaved event: `from_state` is the appeal's state now, `to_state` defaults to it."""
    return AppealEvent(
        appeal=appeal,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_role=role,
        actor_org=org,
        from_state="" if appeal._state.adding else appeal.state,
        to_state=to_state or appeal.state,
        note=note,
        internal_note=internal_note,
        is_public=public,
        data=data or {},
        due_before=due_before,
        due_after=appeal.reply_due_at,
        created_at=now,
    )


def append(appeal: Appeal, action: str, **fields: Any) -> AppealEvent:
    """Record something that happened to the appeal without changing its state or version."""
    event = new(appeal, action, **fields)
    event.save(force_insert=True)
    resident_notices.tell(appeal, event)
    return event


def move(appeal: Appeal, action: str, to_state: str, **fields: Any) -> AppealEvent:
    """Save the appeal in `to_state` (its version bumped) and append the event that says so."""
    event = new(appeal, action, to_state=to_state, **fields)
    appeal.state = to_state
    appeal.version += 1
    appeal.save()
    event.save(force_insert=True)
    resident_notices.tell(appeal, event)
    return event
