from typing import TYPE_CHECKING, Any

from django.db import models

from massline.core.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def audit(
    action: str,
    actor: "AbstractBaseUser | AnonymousUser | None" = None,
    target: models.Model | None = None,
    **data: Any,
) -> AuditEvent:
    """Append an audit event; call it inside the transaction that makes the change."""
    return AuditEvent.objects.create(
        action=action,
        # core may not name the user model (accounts.User); any authenticated user is one
        actor=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )
