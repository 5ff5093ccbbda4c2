import time
from collections.abc import Callable, Hashable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save


class ProcessCache:
    """A per-process map of committed rows that expire after `seconds`.

    Nothing read inside a transaction is stored (it may yet roll back), `clear()` also throws
    away loads that were under way when it ran, and `clear_on_change` wires `clear()` to a
    model's saves and deletes in this process and again at their commit. Other processes learn
    of a change when their entries expire, so `seconds` bounds how stale a cached fact can be.
    """

    def __init__(self, seconds: float, max_entries: int = 10_000):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._generation = 0

    def get(
        self,
        key: Hashable,
        load: Callable[[], Any],
        keep: Callable[[Any], bool] = lambda value: value is not None,
    ) -> Any:
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        generation = self._generation
        value = load()
        if (
            keep(value)
            and generation == self._generation
            and not transaction.get_connection().in_atomic_block
        ):
            if len(self._entries) >= self.max_entries:
                self._entries = {}
            self._entries[key] = (now + self.seconds, value)
        return value

    def clear(self, **_signal_kwargs: Any) -> None:
        self._generation += 1
        self._entries = {}

    def clear_on_change(self, *models: type[Model]) -> None:
        for model in models:
            uid = f"{id(self)}-{model._meta.label}"
            post_save.connect(self._changed, sender=model, weak=False, dispatch_uid=f"save-{uid}")
            post_delete.connect(self._changed, sender=model, weak=False, dispatch_uid=f"del-{uid}")

    def _changed(self, using: str | None = None, **_kwargs: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear, using=using)
