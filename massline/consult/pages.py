"""What the consultation, survey, interview and publication views share: the login redirect
and the organising unit a form names, among the ones the user may act for."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from massline.consult.forms import DomainForm
from massline.consult.policy import policy
from massline.core.errors import InvalidInput
from massline.orgs.models import Org


def login_redirect(request: HttpRequest) -> HttpResponse:
    return redirect_to_login(request.get_full_path(), reverse("residents:login"))


def offer_orgs(request: HttpRequest, form: DomainForm, refusal: str) -> dict[str, Org]:
    """The orgs the user may act for, offered in the form's `org` field; 403 when none."""
    orgs = {str(o.pk): o for o in policy(request.user).managed_orgs()}
    if not orgs:
        raise PermissionDenied(refusal)
    form.choose("org", [(k, o.name) for k, o in orgs.items()])
    return orgs


def picked_org(form: DomainForm, orgs: dict[str, Org], label: str) -> Org:
    org = orgs.get(form.value("org"))
    if org is None:
        raise InvalidInput(f"请选择{label}。", field="org")
    return org
