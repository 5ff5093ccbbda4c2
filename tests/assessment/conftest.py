"""Histories for the 考核 tests: verbs over the workflow at chosen moments."""

import pytest

from massline.appeals import services, workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import AutomationRule
from massline.assessment.models import LedgerStep
from tests.conftest import SAMPLE

REPLY = "经现场核查，已安排维修人员更换损坏的路灯，目前已恢复照明。"


@pytest.fixture
def book(people, orgs):
    """Verbs over the workflow at given moments; `do(name, appeal, who, when, **payload)`."""
    AutomationRule.objects.update_or_create(key="follow_up_sample", defaults={"percent": 0})
    who = {
        "d": people.county_dispatcher,
        "h": people.handler,
        "env": people.env_handler,
        "r": people.resident,
        "leader": people.leader,
    }

    class Book:
        def new(self, when, kind="consultation"):
            data = AppealIn(**{**SAMPLE, "kind": kind})
            return services.submit_appeal(people.resident, data, now=when)[0]

        def do(self, action, appeal, actor, when, **payload):
            user = who[actor] if isinstance(actor, str) else actor
            return workflow.perform(action, appeal.pk, user, payload, now=when)

        def dispatch(self, appeal, when, org=None, **extra):
            self.do("accept", appeal, "d", when)
            org = org or orgs.county_urban
            return self.do("dispatch", appeal, "d", when, org_id=org.pk, **extra)

        def steps(self, appeal, kind):
            return list(LedgerStep.objects.filter(appeal=appeal, kind=kind).order_by("seq"))

    return Book()
