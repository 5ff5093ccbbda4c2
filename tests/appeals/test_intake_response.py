"""The answer to a submission, built without reading the appeal back, and the caches behind it."""

import pytest
from django.db import transaction
from django.utils import timezone

from massline.appeals.models import Appeal
from massline.orgs.models import Level, Membership, Org, OrgKind, Region, Role
from tests.conftest import SAMPLE


def _submit_and_read(client, **overrides):
    created = client.post("/api/v1/appeals", {**SAMPLE, **overrides})
    assert created.status_code == 201, created.content.decode()
    read = client.get(f"/api/v1/appeals/{created.json()['tracking_no']}")
    assert read.status_code == 200
    return created.json(), read.json()


def test_the_answer_to_a_submission_is_what_reading_the_appeal_shows(api, people, orgs):
    created, read = _submit_and_read(api(people.resident), contact_phone="13912345678")
    assert created == read
    assert created["roles"] == ["resident"] and len(created["timeline"]) == 1


@pytest.mark.parametrize(
    ("who", "roles"),
    [("county_dispatcher", ["dispatcher", "resident"]), ("handler", ["resident"])],
)
def test_staff_filing_an_appeal_see_the_same_answer_as_on_reading_it(api, people, orgs, who, roles):
    created, read = _submit_and_read(api(getattr(people, who)))
    assert created == read
    assert created["roles"] == roles


def test_a_retry_answers_with_the_stored_appeal(api, people, orgs):
    client = api(people.resident)
    key = {"Idempotency-Key": "retry-1"}
    first = client.post("/api/v1/appeals", SAMPLE, headers=key)
    again = client.post("/api/v1/appeals", SAMPLE, headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()


@pytest.mark.django_db(transaction=True)
def test_a_token_revoked_in_the_admin_is_refused_at_once(api, people, orgs):
    client = api(people.resident)
    assert client.get("/api/v1/auth/me").status_code == 200
    token = people.resident.api_tokens.get()
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.post("/api/v1/appeals", SAMPLE).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_deactivated_user_is_refused_at_once(api, people, orgs):
    client = api(people.resident)
    assert client.get("/api/v1/auth/me").status_code == 200
    people.resident.is_active = False
    people.resident.save()
    assert client.get("/api/v1/auth/me").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_a_role_granted_to_a_resident_counts_on_the_next_request(api, people, orgs):
    client = api(people.resident)
    assert client.get("/api/v1/auth/me").json()["is_staff_member"] is False
    submitted, _ = _submit_and_read(client)
    Membership.objects.create(user=people.resident, org=orgs.county_hub, role=Role.DISPATCHER)
    again = client.get(f"/api/v1/appeals/{submitted['tracking_no']}").json()
    assert again["roles"] == ["dispatcher", "resident"]


@pytest.mark.django_db(transaction=True)
def test_intake_follows_a_hub_that_was_switched_off(api, people, orgs):
    client = api(people.resident)
    first, _ = _submit_and_read(client)
    assert first["hub"] == orgs.county_hub.name
    orgs.county_hub.is_active = False
    orgs.county_hub.save()
    second, _ = _submit_and_read(client)
    assert second["hub"] == orgs.city_hub.name


@pytest.mark.django_db(transaction=True)
def test_a_place_created_in_a_rolled_back_transaction_is_not_remembered(api, people, orgs):
    client = api(people.resident)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        region = Region.objects.create(
            code="421181001", name="鼓楼街道", level=Level.TOWNSHIP, parent=orgs.macheng.region
        )
        Org.objects.create(
            name="鼓楼街道12345站", kind=OrgKind.HUB, level=Level.TOWNSHIP, region=region
        )
        created = client.post("/api/v1/appeals", {**SAMPLE, "region_code": "421181001"})
        assert created.status_code == 201
        raise Undo
    again = client.post("/api/v1/appeals", {**SAMPLE, "region_code": "421181001"})
    assert again.status_code == 422 and again.json()["field"] == "region_code"
    assert not Appeal.objects.exists()
