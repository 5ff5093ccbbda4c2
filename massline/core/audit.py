from massline.core.models import AuditEvent


def audit(action: str, actor=None, target=None, **data) -> AuditEvent:
    """Append an audit event; call it inside the transaction that makes the change."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
    )
