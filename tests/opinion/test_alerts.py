"""A burst of similar appeals raises one alert with its evidence, told to the leaders and
analysts above it; an analyst acknowledges and closes it, each step recorded."""

import pytest
from django.core.management import call_command
from django.test import Client

from massline.core.models import AuditEvent
from massline.notices.models import Notice
from massline.opinion import alerts
from massline.opinion.models import Alert, AlertKind, AlertState
from massline.orgs.models import Membership, Role
from tests.opinion.conftest import make_appeal

BURST = "{n}号楼旁考棚街路灯全部不亮，晚上一片漆黑，老人出门看不见路，请尽快维修路灯照明"


@pytest.fixture
def burst(trained, people, places, orgs):
    for n in range(6):
        make_appeal(
            people,
            places.donghu,
            orgs.county_hub,
            "考棚街路灯全部不亮",
            BURST.format(n=n + 1),
            days=0,
            by=people.neighbour if n % 2 else people.resident,
        )
    call_command("analyse-backlog", "--since", "2000-01-01")
    return alerts.detect()


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_burst_raises_one_alert_with_evidence_for_the_leaders_and_analysts_above(
    burst, people, orgs
):
    assert burst >= 1
    alert = Alert.objects.get(kind=AlertKind.BURST)
    assert alert.org == orgs.county and alert.state == AlertState.OPEN
    assert alert.evidence["recent"] >= 6 and len(alert.evidence["appeals"]) >= 6
    assert alerts.detect() == 0  # the live alert already says it
    told = set(
        Notice.objects.filter(key=f"opinion-alert-{alert.pk}").values_list("recipient", flat=True)
    )
    assert {people.analyst.pk, people.leader.pk} <= told
    assert people.handler.pk not in told
    page = _client(people.analyst).get("/office/opinion/").content.decode()
    assert alert.title in page and "知悉" in page


def test_the_analyst_acknowledges_then_closes_the_alert_and_both_are_recorded(burst, people):
    alert = Alert.objects.get(kind=AlertKind.BURST)
    c = _client(people.analyst)
    res = c.post(f"/office/opinion/alerts/{alert.pk}/acknowledge/", follow=True)
    assert "预警状态：已知悉" in res.content.decode()
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED and alert.acknowledged_by == people.analyst
    again = c.post(f"/office/opinion/alerts/{alert.pk}/acknowledge/", follow=True)
    assert again.status_code == 200 and "不能再" in again.content.decode()
    c.post(f"/office/opinion/alerts/{alert.pk}/close/")
    alert.refresh_from_db()
    assert alert.state == AlertState.CLOSED and alert.closed_by == people.analyst
    recorded = AuditEvent.objects.filter(
        target_id=str(alert.pk), action__startswith="opinion.alert_"
    )
    assert set(recorded.values_list("action", flat=True)) == {
        "opinion.alert_raised",
        "opinion.alert_acknowledged",
        "opinion.alert_closed",
    }
    assert alert.title not in c.get("/office/opinion/").content.decode()


def test_outside_the_subtree_an_alert_cannot_be_touched(burst, people, orgs):
    alert = Alert.objects.get(kind=AlertKind.BURST)
    Membership.objects.create(user=people.neighbour, org=orgs.macheng, role=Role.ANALYST)
    res = _client(people.neighbour).post(f"/office/opinion/alerts/{alert.pk}/close/")
    assert res.status_code == 404
    assert (
        _client(people.resident).post(f"/office/opinion/alerts/{alert.pk}/close/").status_code
        == 403
    )
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN


FALLS = "黄州区东湖街道考棚街{n}栋楼道灯坏了，隔壁老人已摔倒，腿动不了，请赶紧派人来"


def test_urgent_appeals_gathering_on_one_matter_raise_an_urgent_alert(
    trained, people, places, orgs
):
    for n in range(3):
        make_appeal(
            people,
            places.donghu,
            orgs.county_hub,
            "楼道灯坏老人摔倒",
            FALLS.format(n=n + 1),
            days=0,
        )
    call_command("analyse-backlog", "--since", "2000-01-01")
    assert alerts.detect() == 1
    alert = Alert.objects.get()
    assert alert.kind == AlertKind.URGENT and alert.evidence["urgent"] == 3
    assert "紧急诉求" in alert.title
