"""Lockouts go to the audit log with the login name tried and the client address."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from massline.core.audit import audit


@receiver(user_locked_out, dispatch_uid="massline.accounts.audit_lockout")
def audit_lockout(sender, request, username, ip_address, **kwargs):
    from massline.accounts.models import User

    name = username or ""
    target = User.objects.filter(username=name).first() or (
        User.objects.filter(phone=name).first() if name.isdigit() else None
    )
    path = request.path if request is not None else ""
    audit("account.locked_out", target=target, username=name, ip_address=ip_address, path=path)
