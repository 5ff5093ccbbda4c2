"""A task for the crash test: it closes unrated appeals one by one through the workflow (the
real, guarded action) and waits between them while `hold` names an existing file, so the test
can kill its worker in the middle of it."""

import os
import time

from django_tasks import task

from massline.appeals import workflow
from massline.core.errors import DomainError


@task()
def close_one_by_one(appeal_ids: list[int], hold: str) -> int:
    closed = 0
    for pk in appeal_ids:
        try:
            workflow.do_close(pk, None, note="群众逾期未评价，系统自动办结（未评价）")
            closed += 1
        except DomainError:
            pass  # closed by an earlier run: nothing left to do for it
        while os.path.exists(hold):
            time.sleep(0.1)
    return closed
