"""Helpers of the residents' page tests: appeals moved along by the workflow itself."""

from types import SimpleNamespace

import pytest
from django.test import Client

from massline.appeals import services, workflow
from massline.appeals.actions import AppealIn
from tests.conftest import SAMPLE

REPLY = "经现场核查，已责令施工单位夜间22时后停止作业，并安排执法人员每晚巡查。"


@pytest.fixture
def make(people, orgs):
    """make.appeal(**fields) as the resident; make.replied(appeal) moves it to 已答复."""

    def appeal(user=None, **overrides):
        data = AppealIn(**{**SAMPLE, **overrides})
        found, _ = services.submit_appeal(user or people.resident, data)
        return found

    def accepted(a):
        workflow.perform("accept", a.pk, people.county_dispatcher)
        return a

    def in_progress(a):
        accepted(a)
        workflow.perform(
            "dispatch", a.pk, people.county_dispatcher, {"org_id": orgs.county_urban.pk}
        )
        workflow.perform("sign", a.pk, people.handler)
        return a

    def replied(a, text=REPLY):
        in_progress(a)
        workflow.perform("reply", a.pk, people.handler, {"text": text})
        return a

    return SimpleNamespace(
        appeal=appeal, accepted=accepted, in_progress=in_progress, replied=replied
    )


@pytest.fixture
def as_user():
    def _client(user=None):
        c = Client()
        if user is not None:
            c.force_login(user, backend="massline.accounts.backends.PhoneOrUsernameBackend")
        return c

    return _client
