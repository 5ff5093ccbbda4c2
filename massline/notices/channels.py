"""Notices outside the site: each channel finds a person's address and sends one notice.

`settings.NOTICE_CHANNELS` maps a channel name to its class; the deployment turns channels on
with the environment (`NOTICE_CHANNELS=email,sms`). The demo's e-mail goes to Django's console
e-mail backend and its SMS to the console SMS backend, so both print instead of sending.
"""

from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from massline.accounts.sms import send_sms


class Channel(Protocol):
    def address(self, user: Any) -> str: ...

    def send(self, address: str, title: str, body: str, link: str) -> None: ...


class EmailChannel:
    def address(self, user: Any) -> str:
        return str(user.email or "")

    def send(self, address: str, title: str, body: str, link: str) -> None:
        url = settings.SITE_URL.rstrip("/") + link if link else ""
        text = "\n\n".join(part for part in (body, url) if part)
        send_mail(f"【网上群众路线】{title}", text, None, [address])


class SmsChannel:
    def address(self, user: Any) -> str:
        return str(user.phone or "")

    def send(self, address: str, title: str, body: str, link: str) -> None:
        url = settings.SITE_URL.rstrip("/") + link if link else settings.SITE_URL
        send_sms(address, f"【网上群众路线】{title}。详情：{url}")


def channels() -> dict[str, Channel]:
    """The channels switched on for this deployment, by name."""
    return {
        name: import_string(settings.NOTICE_CHANNEL_CLASSES[name])()
        for name in settings.NOTICE_CHANNELS
    }
