"""发展党员's intervals (pure) and steps, and 组织关系转接 with both branches' confirmation."""

from datetime import date

import pytest

from massline.core.errors import InvalidInput
from massline.notices.models import Notice
from massline.party import development, rules
from massline.party.models import PartyMember, StageStep, Transfer


def test_a_year_as_activist_before_candidate_and_a_years_probation_before_full():
    dates = {"applicant": date(2024, 1, 10), "activist": date(2024, 3, 1), "candidate": None}
    assert rules.earliest("candidate", dates) == date(2025, 3, 1)
    assert "一年以上培养考察" in rules.step_problem("candidate", date(2025, 2, 28), dates)
    assert rules.step_problem("candidate", date(2025, 3, 1), dates) is None
    dates["probationary"] = date(2024, 2, 29)
    assert rules.earliest("full", dates) == date(2025, 2, 28)
    assert "预备期满" in rules.step_problem("full", date(2025, 2, 1), dates)
    assert "还没有“列为发展对象”的日期" in rules.step_problem(
        "probationary", date(2025, 1, 1), dates
    )
    assert rules.step_problem("activist", date(2024, 1, 9), dates).startswith("确定为入党积极分子")
    assert rules.next_due("probationary", dates) == ("full", date(2025, 2, 28))
    assert rules.next_due("full", dates) is None


@pytest.fixture
def activist(party):
    return PartyMember.objects.create(
        branch=party.first, name="积极分子乙", stage="activist",
        applied_on=date(2024, 1, 10), activist_on=date(2024, 3, 1),
    )  # fmt: skip


def test_the_secretary_records_steps_and_a_step_too_early_is_refused_at_the_field(
    party, client_for, activist
):
    c = client_for(party.secretary)
    url = f"/party/branch/{party.first.pk}/members/{activist.pk}/development/"
    res = c.post(url, {"action": "advance", "on": "2025-01-01"})
    assert res.status_code == 422
    assert "2025年03月01日起方可列为发展对象" in res.content.decode()
    assert PartyMember.objects.get(pk=activist.pk).stage == "activist"
    res = c.post(url, {"action": "advance", "on": "2025-03-05", "note": "支委会讨论同意"})
    assert res.status_code == 302
    activist.refresh_from_db()
    assert activist.stage == "candidate" and activist.candidate_on == date(2025, 3, 5)
    step = StageStep.objects.get(member=activist)
    assert (step.stage, step.note, step.recorded_by) == (
        "candidate",
        "支委会讨论同意",
        party.secretary,
    )
    assert (
        client_for(party.member).post(url, {"action": "advance", "on": "2025-06-01"}).status_code
        == 403
    )


def test_the_secretary_hears_when_a_step_falls_due(party, activist):
    from django.utils import timezone

    assert development.remind(timezone.now()) == 1
    assert development.remind(timezone.now()) == 0
    assert Notice.objects.get(recipient=party.secretary).title == (
        "积极分子乙2025年03月01日起可列为发展对象"
    )


def test_a_transfer_needs_both_branches_and_every_step_is_recorded(party, client_for):
    member = party.record
    out_url = f"/party/branch/{party.first.pk}/members/{member.pk}/development/"
    res = client_for(party.secretary).post(
        out_url, {"action": "transfer", "to_branch": party.second.pk, "reason": "搬家到第二网格"}
    )
    assert res.status_code == 302
    transfer = Transfer.objects.get(member=member)
    assert transfer.status == "released" and transfer.released_by == party.secretary
    assert PartyMember.objects.get(pk=member.pk).branch == party.first
    assert Notice.objects.filter(
        recipient=party.other_secretary, key__startswith="party.transfer"
    ).exists()
    with pytest.raises(Exception, match="只有转入支部的书记"):
        development.answer(party.secretary, transfer.pk, True)
    in_url = f"/party/branch/{party.second.pk}/transfers/"
    res = client_for(party.other_secretary).post(
        in_url, {"transfer": transfer.pk, "action": "refuse", "note": ""}, follow=True
    )
    assert "请写明不接收的原因" in res.content.decode()
    client_for(party.other_secretary).post(in_url, {"transfer": transfer.pk, "action": "accept"})
    transfer.refresh_from_db()
    assert transfer.status == "received" and transfer.answered_by == party.other_secretary
    assert PartyMember.objects.get(pk=member.pk).branch == party.second
    body = client_for(party.other_member).get(f"/party/branch/{party.second.pk}/members/")
    assert "方党员" in body.content.decode()


def test_a_transfer_out_of_someone_elses_branch_is_refused(party):
    with pytest.raises(Exception, match="只有党员所在支部的书记"):
        development.release(party.other_secretary, party.record.pk, party.second, "x")
    with pytest.raises(InvalidInput):
        development.release(party.secretary, party.record.pk, party.first, "x")
    assert not Transfer.objects.exists()
