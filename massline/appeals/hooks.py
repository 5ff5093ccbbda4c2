"""What other apps do once a new appeal is stored: a registry of after-intake callbacks.

Apps above appeals (舆情 analysis) register a callback in their AppConfig.ready; intake calls
`after_intake(appeal)` right after its own transaction, and each callback runs on commit of the
outermost transaction, so it never sees an appeal that is rolled back. A callback is given the
appeal's id only and must be quick (enqueue a task): a failing one is logged, never raised, so
intake is not slowed, blocked or lost by what comes after it.
"""

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

log = logging.getLogger(__name__)

AfterIntake = Callable[[int], None]
_AFTER_INTAKE: list[AfterIntake] = []


def on_intake(callback: AfterIntake) -> None:
    """Call `callback(appeal_id)` after every new appeal commits (registering twice is once)."""
    if callback not in _AFTER_INTAKE:
        _AFTER_INTAKE.append(callback)


def after_intake(appeal_id: int) -> None:
    for callback in list(_AFTER_INTAKE):
        transaction.on_commit(partial(_guarded, callback, appeal_id))


def _guarded(callback: AfterIntake, appeal_id: int) -> None:
    try:
        callback(appeal_id)
    except Exception:
        log.exception("after intake of appeal %s: %r failed", appeal_id, callback)
