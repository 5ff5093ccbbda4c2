"""Pluggable SMS delivery. Deployments set SMS_BACKEND to a class with `send(phone, text)`."""

import logging
import sys

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class ConsoleBackend:
    """Prints the message: for the demo and development."""

    def send(self, phone: str, text: str) -> None:
        print(f"[短信] {phone}: {text}", file=sys.stderr, flush=True)


class MemoryBackend:
    """Keeps messages in `outbox`: for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
