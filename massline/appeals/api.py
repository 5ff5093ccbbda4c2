from datetime import date, datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from massline.accounts.auth import REQUIRED, viewer
from massline.appeals import workflow
from massline.appeals.deadlines import policies, standing
from massline.appeals.models import Appeal, Category, Kind, State, Verdict
from massline.appeals.permissions import is_staff_member, roles_for
from massline.appeals.selectors import AppealFilters, appeal_detail, appeal_list
from massline.appeals.services import NewAppeal, attach_file, submit_appeal
from massline.core.calendar import calendar_warnings
from massline.core.errors import NotFound
from massline.core.masking import mask_personal_data
from massline.core.validation import ERRORS, Input

router = Router(tags=["诉求"])

MAX_ID = 2**63 - 1
Day = Annotated[date | None, Field(ge=date(1900, 1, 1), le=date(2999, 12, 31))]
"""A day the database's time arithmetic can handle, so a filter near year 1 or 9999 is a 422."""


class AppealIn(Input):
    kind: Kind = Field(description="投诉 complaint / 建议 suggestion / 咨询 consultation / …")
    title: str = Field(description="标题，4–100字")
    body: str = Field(description="内容，10–5000字")
    region_code: str = Field(description="所在地区的区划代码，如 421102（黄州区）")
    category_id: int | None = None
    location: str = Field("", max_length=200)
    is_public: bool = True
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)


class Deadline(Schema):
    sign_due_at: datetime | None
    reply_due_at: datetime | None
    status: str
    label: str


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
    name: str
    content_type: str
    size: int


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
    actions: list[str]
    roles: list[str]
    warnings: list[str]


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[AppealOut]


def _category_path(c: Category | None) -> str | None:
    if c is None:
        return None
    names = []
    while c is not None:
        names.append(c.name)
        c = c.parent
    return "/".join(reversed(names))


def _masker(appeal: Appeal, see_original: bool):
    if see_original:
        return lambda text: text
    names = [n for n in (appeal.contact_name, getattr(appeal.submitted_by, "real_name", "")) if n]
    return lambda text: mask_personal_data(text, names)


def _local(moment: datetime | None) -> datetime | None:
    """Times leave the API in the platform's time zone (+08:00), as residents read them."""
    return timezone.localtime(moment) if moment is not None else None


def _summary(a: Appeal, now: datetime, show, policy=None) -> dict:
    st = standing(a, now, policy)
    return {
        "tracking_no": a.tracking_no,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "title": show(a.title),
        "state": a.state,
        "state_label": a.get_state_display(),
        "category": a.category.name if a.category else None,
        "region": a.region.name,
        "hub": a.hub.name,
        "lead_org": a.lead_org.name if a.lead_org else None,
        "supervised": a.supervised,
        "is_public": a.is_public,
        "created_at": _local(a.created_at),
        "replied_at": _local(a.replied_at),
        "deadline": {
            "sign_due_at": _local(a.sign_due_at),
            "reply_due_at": _local(a.reply_due_at),
            "status": st.status,
            "label": st.label,
        },
    }


@router.post(
    "appeals",
    auth=REQUIRED,
    response={201: AppealDetailOut, 200: AppealDetailOut, **ERRORS},
    summary="提交诉求",
)
def submit(request, payload: AppealIn, idempotency_key: str | None = Header(None, max_length=80)):
    """With an `Idempotency-Key` header a retried POST returns the first appeal (200), never a
    second one."""
    appeal, created = submit_appeal(
        request.auth, NewAppeal(**payload.dict()), idempotency_key=idempotency_key
    )
    if not created:
        return Status(200, _detail(request.auth, appeal.tracking_no))
    return Status(201, _render(request.auth, appeal))


@router.get("appeals", response={200: Page, **ERRORS}, summary="诉求列表与搜索")
def list_appeals(
    request,
    q: str = "",
    state: State | None = None,
    kind: Kind | None = None,
    category_id: int | None = Query(None, ge=1, le=MAX_ID),
    region_code: str | None = None,
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
    now = timezone.now()
    staff = is_staff_member(user) and not mine
    table = policies()
    results = [
        _summary(a, now, _masker(a, staff or a.submitted_by_id == user.pk), table[a.kind])
        for a in rows
    ]
    return {"count": count, "page": page, "page_size": page_size, "results": results}


def _detail(user, tracking_no: str) -> dict:
    a = appeal_detail(tracking_no)
    if a is None:
        raise NotFound("诉求不存在。", field="tracking_no")
    return _render(user, a)


def _render(user, a: Appeal) -> dict:
    """The detail of an appeal whose relations are loaded (`appeal_detail`, or a new one)."""
    roles = roles_for(user, a)
    staff = bool(roles - {"resident"})
    if not roles and not Appeal.objects.public().filter(pk=a.pk).exists():
        raise NotFound("诉求不存在。", field="tracking_no")
    show = _masker(a, see_original=bool(roles))
    now = timezone.now()
    events = [e for e in a.events.all() if staff or e.is_public]
    out = _summary(a, now, show)
    out.update(
        body=show(a.body),
        location=show(a.location),
        version=a.version,
        round=a.round,
        reply_text=show(a.reply_text),
        reply_org=a.reply_org.name if a.reply_org else None,
        co_orgs=[o.name for o in a.co_orgs.all()],
        merged_into=a.merged_into.tracking_no if a.merged_into else None,
        merged=[m.tracking_no for m in a.merged.all()],
        contact_name=a.contact_name if roles else None,
        contact_phone=a.contact_phone if roles else None,
        ratings=[
            {
                "round": r.round,
                "verdict": r.verdict,
                "verdict_label": Verdict(r.verdict).label,
                "resolved": r.resolved,
                "comment": show(r.comment),
                "at": _local(r.created_at),
            }
            for r in a.ratings.all()
        ],
        attachments=[
            {"name": f.name, "content_type": f.content_type, "size": f.size}
            for f in a.attachments.all()
        ]
        if roles
        else [],
        timeline=[
            {
                "at": _local(e.created_at),
                "action": e.action,
                "action_label": workflow.ACTION_LABELS.get(e.action, "上传附件"),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "org": e.actor_org.name if e.actor_org else None,
                "note": show(e.note),
                "internal_note": e.internal_note if staff else None,
            }
            for e in events
        ],
        actions=workflow.allowed_actions(a, roles),
        roles=sorted(roles),
        warnings=_warnings(a, now) if staff else [],
    )
    return out


def _warnings(a: Appeal, now: datetime) -> list[str]:
    end = timezone.localdate(a.reply_due_at or now)
    return calendar_warnings(timezone.localdate(now), max(end, timezone.localdate(now)))


@router.get(
    "appeals/{slug:tracking_no}",
    response={200: AppealDetailOut, **ERRORS},
    summary="诉求详情与办理记录",
)
def get_appeal(request, tracking_no: str):
    return _detail(viewer(request), tracking_no)


@router.post(
    "appeals/{slug:tracking_no}/attachments",
    auth=REQUIRED,
    response={201: AttachmentOut, **ERRORS},
    summary="上传附件（图片或PDF）",
)
def upload(request, tracking_no: str, file: File[UploadedFile]):
    appeal = get_object_or_404(Appeal, tracking_no=tracking_no)
    if appeal.submitted_by_id != request.auth.pk:
        raise NotFound("诉求不存在。", field="tracking_no")
    att = attach_file(appeal, request.auth, file)
    return Status(201, {"name": att.name, "content_type": att.content_type, "size": att.size})


class Versioned(Input):
    version: int | None = Field(
        None, description="详情中的 version；不一致时返回 409，防止覆盖他人操作"
    )


class NoteIn(Versioned):
    note: str = ""


class RejectIn(Versioned):
    reason: str = Field(description="duplicate / out_of_scope / abusive / no_content")
    note: str = ""


class DispatchIn(Versioned):
    org_id: int
    co_org_ids: list[int] = []
    note: str = ""


class ReasonIn(Versioned):
    reason: str


class ReplyIn(Versioned):
    text: str = Field(description="公开答复内容")
    internal_note: str = ""


class RateIn(Versioned):
    verdict: Verdict
    resolved: bool
    comment: str = ""


class MergeIn(Versioned):
    primary: str = Field(description="主件编号")


class ExtensionIn(Versioned):
    days: int
    reason: str


class DecisionIn(Versioned):
    approve: bool
    note: str = ""


class SuperviseIn(Versioned):
    note: str


def _act(request, tracking_no: str, fn, **kwargs):
    pk = Appeal.objects.filter(tracking_no=tracking_no).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound("诉求不存在。", field="tracking_no")
    fn(pk, request.auth, **kwargs)
    return _detail(request.auth, tracking_no)


ACTION = dict(auth=REQUIRED, response={200: AppealDetailOut, **ERRORS}, tags=["办理流程"])


@router.post("appeals/{slug:tracking_no}/accept", summary="受理", **ACTION)
def accept(request, tracking_no: str, payload: NoteIn):
    return _act(
        request, tracking_no, workflow.do_accept, note=payload.note, version=payload.version
    )


@router.post("appeals/{slug:tracking_no}/reject", summary="不予受理", **ACTION)
def reject(request, tracking_no: str, payload: RejectIn):
    return _act(
        request,
        tracking_no,
        workflow.do_reject,
        reason=payload.reason,
        note=payload.note,
        version=payload.version,
    )


@router.post("appeals/{slug:tracking_no}/dispatch", summary="派单（可指定协办单位）", **ACTION)
def dispatch(request, tracking_no: str, payload: DispatchIn):
    return _act(
        request,
        tracking_no,
        workflow.do_dispatch,
        org_id=payload.org_id,
        co_org_ids=payload.co_org_ids,
        note=payload.note,
        version=payload.version,
    )


@router.post("appeals/{slug:tracking_no}/transfer", summary="转派", **ACTION)
def transfer(request, tracking_no: str, payload: DispatchIn):
    return _act(
        request,
        tracking_no,
        workflow.do_transfer,
        org_id=payload.org_id,
        co_org_ids=payload.co_org_ids,
        note=payload.note,
        version=payload.version,
    )


@router.post("appeals/{slug:tracking_no}/sign", summary="签收", **ACTION)
def sign(request, tracking_no: str, payload: Versioned):
    return _act(request, tracking_no, workflow.do_sign, version=payload.version)


@router.post("appeals/{slug:tracking_no}/return", summary="退回派单中心", **ACTION)
def give_back(request, tracking_no: str, payload: ReasonIn):
    return _act(
        request, tracking_no, workflow.do_return, reason=payload.reason, version=payload.version
    )


@router.post("appeals/{slug:tracking_no}/reply", summary="答复", **ACTION)
def reply(request, tracking_no: str, payload: ReplyIn):
    return _act(
        request,
        tracking_no,
        workflow.do_reply,
        text=payload.text,
        internal_note=payload.internal_note,
        version=payload.version,
    )


@router.post("appeals/{slug:tracking_no}/close", summary="办结", **ACTION)
def close(request, tracking_no: str, payload: NoteIn):
    return _act(request, tracking_no, workflow.do_close, note=payload.note, version=payload.version)


@router.post("appeals/{slug:tracking_no}/rate", summary="评价（每轮一次）", **ACTION)
def rate(request, tracking_no: str, payload: RateIn):
    return _act(
        request,
        tracking_no,
        workflow.do_rate,
        verdict=payload.verdict,
        resolved=payload.resolved,
        comment=payload.comment,
        version=payload.version,
    )


@router.post("appeals/{slug:tracking_no}/reopen", summary="重办", **ACTION)
def reopen(request, tracking_no: str, payload: ReasonIn):
    return _act(
        request, tracking_no, workflow.do_reopen, reason=payload.reason, version=payload.version
    )


@router.post("appeals/{slug:tracking_no}/merge", summary="并案（并入主件）", **ACTION)
def merge(request, tracking_no: str, payload: MergeIn):
    primary = Appeal.objects.filter(tracking_no=payload.primary).values_list("pk", flat=True)
    return _act(
        request,
        tracking_no,
        workflow.do_merge,
        primary_id=primary.first() or -1,
        version=payload.version,
    )


@router.post("appeals/{slug:tracking_no}/extension", summary="申请延期", **ACTION)
def request_extension(request, tracking_no: str, payload: ExtensionIn):
    return _act(
        request,
        tracking_no,
        workflow.do_request_extension,
        days=payload.days,
        reason=payload.reason,
        version=payload.version,
    )


@router.post("appeals/{slug:tracking_no}/extension/decision", summary="审批延期", **ACTION)
def decide_extension(request, tracking_no: str, payload: DecisionIn):
    return _act(
        request,
        tracking_no,
        workflow.do_decide_extension,
        approve=payload.approve,
        note=payload.note,
        version=payload.version,
    )


@router.post("appeals/{slug:tracking_no}/supervise", summary="督办", **ACTION)
def supervise(request, tracking_no: str, payload: SuperviseIn):
    return _act(
        request, tracking_no, workflow.do_supervise, note=payload.note, version=payload.version
    )


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
