"""The admin is usable for every model: each list page opens and searches for a superuser."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.fixture
def admin_client_with_data(people, submit):
    submit()
    client = Client()
    client.force_login(people.admin)
    return client


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_every_admin_list_page_opens_and_searches(admin_client_with_data, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client_with_data.get(url).status_code == 200
    assert admin_client_with_data.get(url, {"q": "黄州"}).status_code == 200


def test_appeal_events_cannot_be_edited_or_deleted_in_the_admin(admin_client_with_data):
    from massline.appeals.models import AppealEvent

    event = AppealEvent.objects.first()
    url = reverse("admin:appeals_appealevent_delete", args=[event.pk])
    assert admin_client_with_data.post(url, {"post": "yes"}).status_code == 403
    assert AppealEvent.objects.filter(pk=event.pk).exists()
