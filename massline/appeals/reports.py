"""监督举报: anonymous reports followed with a 查询码 and password, and retaliation complaints.

Reporting without an account, as the 12388 sites allow: the report belongs to one account that
can never log in (`ANONYMOUS_REPORTER`), and its reporter gets a 查询码 shown once (80 random
bits; only its SHA-256 is kept) and sets a password (hashed as account passwords are). With both
they read the case and add material; wrong guesses count against the same per-address budget as
lookups by tracking number and phone.
"""

import secrets
from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from massline.accounts.models import User, hash_secret
from massline.accounts.services import check_password_strength
from massline.appeals import workflow
from massline.appeals.actions import AppealIn
from massline.appeals.models import ANONYMOUS_REPORTER, Appeal, Attachment, Kind, ReportAccess
from massline.appeals.services import _intake, attach_file, within_lookup_limit
from massline.core.errors import InvalidInput, NotFound

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""32 letters and digits that cannot be mistaken for one another when copied by hand."""
CODE_LENGTH = 16
"""16 × 5 = 80 random bits."""


def anonymous_reporter() -> User:
    user, _ = User.objects.get_or_create(
        username=ANONYMOUS_REPORTER,
        defaults={"real_name": "匿名举报人", "is_active": False, "password": make_password(None)},
    )
    return user


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _digest(code: str) -> str:
    """The code as typed, in any case and with or without its dashes and spaces."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    return hash_secret(plain)


def submit_anonymous_report(
    data: AppealIn, password: str, confirm: str, *, now: datetime | None = None
) -> tuple[Appeal, str]:
    """File a 举报 without an account. Returns the report and its 查询码, which is not kept and
    so cannot be shown again."""
    if data.kind != Kind.REPORT or not data.about_official:
        raise InvalidInput(
            "匿名举报仅受理反映公职人员问题的举报。", field="about_official", code="not_report"
        )
    reporter = anonymous_reporter()
    check_password_strength(password, User(username="reporter"))
    if password != confirm:
        raise InvalidInput("两次输入的查询密码不一致。", field="password2", code="mismatch")
    code = new_code()
    with transaction.atomic():
        appeal, _ = _intake(reporter, data, idempotency_key=None, now=now)
        ReportAccess.objects.create(
            appeal=appeal,
            code_digest=_digest(code),
            password=make_password(password),
            created_at=appeal.created_at,
        )
    return appeal, code


def open_report(code: str, password: str, client_ip: str, *, now: datetime | None = None) -> Appeal:
    """The anonymous report whose 查询码 and password these are; else a 404 that does not say
    which of the two was wrong. Misses share the budget of every lookup without an account
    (`services.within_lookup_limit`)."""

    def find() -> Appeal | None:
        if not code.strip():
            return None
        access = (
            ReportAccess.objects.select_related("appeal").filter(code_digest=_digest(code)).first()
        )
        if access is None or not check_password(password or "", access.password):
            return None
        return access.appeal

    found = within_lookup_limit(client_ip, find, now=now, via="report_code")
    if found is None:
        raise NotFound("查询码或密码不正确，请核对后再查。", field="code")
    return found


def _reporter_of(report: Appeal, user) -> User:
    """The reporter acting: the signed-in reporter, or for an anonymous report (whose code and
    password the caller has checked) the anonymous reports' account."""
    if user is None or not user.is_authenticated or report.submitted_by_id != user.pk:
        raise NotFound("诉求不存在。", field="tracking_no")
    return user


def add_material(report: Appeal, user, text: str) -> Appeal:
    """More information from the reporter while the report is open (补充说明)."""
    return workflow.perform("supplement", report.pk, _reporter_of(report, user), {"text": text})


def add_file(report: Appeal, user, upload) -> Attachment:
    return attach_file(report.pk, _reporter_of(report, user), upload)


def file_retaliation(
    report: Appeal, user, *, title: str, body: str, now: datetime | None = None
) -> Appeal:
    """A complaint of retaliation (打击报复) by the reporter: linked to the report, received by
    the same hub and routed to the same 纪检监察 org, sealed like it."""
    if not report.sealed:
        raise InvalidInput(
            "只有反映公职人员问题的举报可以反映打击报复。", field="tracking_no", code="not_report"
        )
    reporter = _reporter_of(report, user)
    data = AppealIn.model_validate(
        {
            "kind": Kind.COMPLAINT,
            "title": title,
            "body": body,
            "region_code": report.region.code,
            "is_public": False,
            "accused_org_id": report.accused_org_id,
        }
    )
    appeal, _ = _intake(reporter, data, idempotency_key=None, now=now, related=report)
    return appeal


def reports_of(report: Appeal) -> list[Appeal]:
    """The report and the retaliation complaints that follow it, as its reporter follows them."""
    return [report, *report.retaliations.order_by("created_at", "pk")]
