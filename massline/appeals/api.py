from datetime import date, datetime
from typing import Annotated

from django.http import FileResponse
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from massline.accounts.auth import REQUIRED, viewer
from massline.accounts.throttle import client_ip
from massline.appeals import presenters, workflow
from massline.appeals.actions import Action, AppealIn, RegisterIn
from massline.appeals.models import Appeal, Attachment, Category, Kind, State
from massline.appeals.permissions import policy
from massline.appeals.selectors import AppealFilters, appeal_detail, appeal_list
from massline.appeals.services import attach_file, lookup_appeal, register_appeal, submit_appeal
from massline.core.errors import NotFound
from massline.core.validation import ERRORS, LIMITED, Input

router = Router(tags=["诉求"])

MAX_ID = 2**63 - 1
Day = Annotated[date | None, Field(ge=date(1900, 1, 1), le=date(2999, 12, 31))]
"""A day the database's time arithmetic can handle, so a filter near year 1 or 9999 is a 422."""


class Deadline(Schema):
    sign_due_at: datetime | None
    reply_due_at: datetime | None
    status: str
    label: str
    days_left: int | None = Field(
        None, description="距答复期限的剩余工作日；超期为负数（超期工作日数）；未计时为空"
    )


class AppealOut(Schema):
    tracking_no: str
    kind: str
    kind_label: str
    title: str
    state: str
    state_label: str
    category: str | None
    region: str
    hub: str
    lead_org: str | None
    supervised: bool
    is_public: bool
    created_at: datetime
    replied_at: datetime | None
    deadline: Deadline


class EventOut(Schema):
    at: datetime
    action: str
    action_label: str
    from_state: str
    to_state: str
    org: str | None
    actor: str | None = Field(None, description="办理人（仅工作人员可见）")
    note: str
    internal_note: str | None = None


class RatingOut(Schema):
    round: int
    verdict: str
    verdict_label: str
    resolved: bool
    comment: str
    at: datetime


class AttachmentOut(Schema):
    id: int
    url: str
    name: str
    content_type: str
    size: int
    by: str = Field(description="resident 群众提交 / staff 办理单位上传")
    at: datetime


class ReportOut(Schema):
    accused_org: str | None = Field(description="被反映单位（回避，不承办）")
    about_official: bool = Field(description="反映公职人员问题")
    sealed: bool = Field(description="由纪检监察机关办理，举报人身份保密")
    discipline_org: str | None
    anonymous: bool
    reporter_shown: bool = Field(description="本次答复是否含举报人身份（仅纪检监察承办人）")
    related_report: str | None = Field(description="打击报复投诉所关联的原举报")
    retaliations: list[str]


class AppealDetailOut(AppealOut):
    body: str
    location: str
    version: int
    round: int
    reply_text: str
    reply_org: str | None
    co_orgs: list[str]
    merged_into: str | None
    merged: list[str]
    contact_name: str | None = None
    contact_phone: str | None = None
    ratings: list[RatingOut]
    attachments: list[AttachmentOut]
    timeline: list[EventOut]
    report: ReportOut | None = None
    actions: list[str]
    roles: list[str]
    warnings: list[str]


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[AppealOut]


@router.post(
    "appeals",
    auth=REQUIRED,
    response={201: AppealDetailOut, 200: AppealDetailOut, **ERRORS},
    summary="提交诉求",
)
def submit(request, payload: AppealIn, idempotency_key: str | None = Header(None, max_length=80)):
    """With an `Idempotency-Key` header a retried POST returns the first appeal (200), never a
    second one; the same key with different content is a 422."""
    appeal, created = submit_appeal(request.auth, payload, idempotency_key=idempotency_key)
    if not created:
        return Status(200, _detail(request.auth, appeal.tracking_no))
    return Status(201, presenters.detail(request.auth, appeal))


@router.post(
    "appeals/on-behalf",
    auth=REQUIRED,
    response={201: AppealDetailOut, 200: AppealDetailOut, **ERRORS},
    summary="代群众登记诉求（热线、微信、信件、来访）",
)
def register(
    request, payload: RegisterIn, idempotency_key: str | None = Header(None, max_length=80)
):
    """For dispatchers. The appeal belongs to the resident whose mobile number is given (their
    account is opened if they have none): they set a password by SMS code to read and rate it."""
    appeal, created = register_appeal(request.auth, payload, idempotency_key=idempotency_key)
    if not created:
        return Status(200, _detail(request.auth, appeal.tracking_no))
    return Status(201, presenters.detail(request.auth, appeal))


class LookupIn(Input):
    tracking_no: str = Field(max_length=24, description="诉求编号")
    phone: str = Field(max_length=20, description="提交诉求时的手机号或联系电话")


@router.post(
    "appeals/lookup", response={200: AppealDetailOut, **LIMITED}, summary="凭编号和手机号查询"
)
def lookup(request, payload: LookupIn):
    """Without logging in; the appeal is shown masked, as the public board shows appeals.
    Misses are limited per client address (429 after LOOKUP_FAILURES_PER_HOUR in an hour)."""
    appeal = lookup_appeal(payload.tracking_no, payload.phone, client_ip(request))
    return presenters.detail(viewer(request), appeal, looked_up=True)


@router.get("appeals", response={200: Page, **ERRORS}, summary="诉求列表与搜索")
def list_appeals(
    request,
    q: str = Query("", max_length=100),
    state: State | None = None,
    kind: Kind | None = None,
    category_id: int | None = Query(None, ge=1, le=MAX_ID),
    region_code: str | None = Query(None, max_length=12),
    org_id: int | None = Query(None, ge=1, le=MAX_ID),
    date_from: Day = None,
    date_to: Day = None,
    mine: bool = False,
    supervised: bool | None = None,
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(20, ge=1, le=100),
):
    user = viewer(request)
    filters = AppealFilters(
        q=q,
        state=state,
        kind=kind,
        category_id=category_id,
        region_code=region_code,
        org_id=org_id,
        date_from=date_from,
        date_to=date_to,
        mine=mine,
        supervised=supervised,
    )
    qs = appeal_list(user, filters)
    count = qs.count()
    rows = list(qs[(page - 1) * page_size : page * page_size])
    results = presenters.summaries(user, rows)
    return {"count": count, "page": page, "page_size": page_size, "results": results}


def _detail(user, tracking_no: str) -> dict:
    a = appeal_detail(tracking_no)
    if a is None:
        raise NotFound("诉求不存在。", field="tracking_no")
    return presenters.detail(user, a)


@router.get(
    "appeals/{slug:tracking_no}",
    response={200: AppealDetailOut, **ERRORS},
    summary="诉求详情与办理记录",
)
def get_appeal(request, tracking_no: str):
    return _detail(viewer(request), tracking_no)


def _appeal_pk(tracking_no: str) -> int:
    pk = Appeal.objects.filter(tracking_no=tracking_no).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound("诉求不存在。", field="tracking_no")
    return pk


@router.post(
    "appeals/{slug:tracking_no}/attachments",
    auth=REQUIRED,
    response={201: AttachmentOut, **ERRORS},
    summary="上传附件（图片或PDF）",
)
def upload(request, tracking_no: str, file: File[UploadedFile]):
    """The resident while the appeal is open, the handler while working on it. Images are
    re-encoded without their metadata (EXIF/GPS); files are stored under random names."""
    att = attach_file(_appeal_pk(tracking_no), request.auth, file)
    return Status(201, presenters.attachment(att.appeal, att))


@router.get(
    "appeals/{slug:tracking_no}/attachments/{int:attachment_id}",
    response={200: None, **ERRORS},
    summary="下载附件",
)
def download(request, tracking_no: str, attachment_id: int):
    """Only for those who read the appeal's original (`Policy.can_download`): its resident and
    the staff who handle it, not analysts; of a sealed 举报, its reporter and 纪检监察 handlers."""
    att = (
        Attachment.objects.select_related("appeal", "appeal__discipline_org")
        .filter(pk=attachment_id, appeal__tracking_no=tracking_no)
        .first()
    )
    if att is None or not policy(viewer(request)).can_download(att):
        raise NotFound("附件不存在。", field="attachment_id")
    inline = att.content_type.startswith("image/")
    response = FileResponse(
        att.file.open("rb"),
        content_type=att.content_type,
        as_attachment=not inline,
        filename=att.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


ACTION = dict(auth=REQUIRED, response={200: AppealDetailOut, **ERRORS}, tags=["办理流程"])


FIRST_NAMES = {Action.RETURN: "give_back"}
"""Operation ids of the first API version (`return` is a Python keyword there), kept so that
generated clients keep working."""


def _route(spec: workflow.ActionSpec) -> None:
    """One POST endpoint per action of the registry, its body the action's payload schema."""

    def endpoint(request, tracking_no: str, payload):
        workflow.perform(spec.action, _appeal_pk(tracking_no), request.auth, payload)
        return _detail(request.auth, tracking_no)

    endpoint.__name__ = FIRST_NAMES.get(spec.action, spec.action.value)
    endpoint.__annotations__ = {"tracking_no": str, "payload": spec.schema}
    router.post(f"appeals/{{slug:tracking_no}}/{spec.path}", summary=spec.summary, **ACTION)(
        endpoint
    )


for _spec in workflow.REGISTRY.values():
    _route(_spec)


class CategoryOut(Schema):
    id: int
    name: str
    level: int
    parent_id: int | None


@router.get("categories", response=list[CategoryOut], tags=["分类"], summary="分类（三级）")
def categories(
    request,
    parent_id: int | None = Query(None, ge=1, le=MAX_ID),
    level: int | None = Query(None, ge=1, le=3),
):
    qs = Category.objects.filter(is_active=True)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if level is not None:
        qs = qs.filter(level=level)
    return list(qs.values("id", "name", "level", "parent_id"))
