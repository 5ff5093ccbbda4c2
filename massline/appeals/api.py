from datetime import date, datetime
from typing import Annotated

from django.http import FileResponse
from django.utils import timezone
from ninja import File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from massline.accounts.auth import REQUIRED, viewer
from massline.appeals import workflow
from massline.appeals.actions import Action, AppealIn, allowed
from massline.appeals.deadlines import policies, standing
from massline.appeals.models import Appeal, Attachment, Category, Kind, State, Verdict
from massline.appeals.permissions import Policy, policy
from massline.appeals.privacy import masker
from massline.appeals.selectors import AppealFilters, appeal_detail, appeal_list
from massline.appeals.services import attach_file, submit_appeal
from massline.core.audit import audit
from massline.core.calendar import calendar_warnings
from massline.core.errors import NotFound
from massline.core.validation import ERRORS
from massline.orgs.models import Role

router = Router(tags=["诉求"])

MAX_ID = 2**63 - 1
Day = Annotated[date | None, Field(ge=date(1900, 1, 1), le=date(2999, 12, 31))]
"""A day the database's time arithmetic can handle, so a filter near year 1 or 9999 is a 422."""


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
    id: int
    url: str
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


def _local(moment: datetime | None) -> datetime | None:
    """Times leave the API in the platform's time zone (+08:00), as residents read them."""
    return timezone.localtime(moment) if moment is not None else None


def _summary(a: Appeal, now: datetime, show, deadline_policy=None) -> dict:
    st = standing(a, now, deadline_policy)
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
    second one; the same key with different content is a 422."""
    appeal, created = submit_appeal(request.auth, payload, idempotency_key=idempotency_key)
    if not created:
        return Status(200, _detail(request.auth, appeal.tracking_no))
    return Status(201, _render(request.auth, appeal))


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
    now = timezone.now()
    rules = policy(user)
    table = policies()
    results = [_summary(a, now, masker(a, rules.can_see_original(a)), table[a.kind]) for a in rows]
    return {"count": count, "page": page, "page_size": page_size, "results": results}


def _detail(user, tracking_no: str) -> dict:
    a = appeal_detail(tracking_no)
    if a is None:
        raise NotFound("诉求不存在。", field="tracking_no")
    return _render(user, a)


def _original_for(rules: Policy, a: Appeal) -> bool:
    """Whether the viewer reads the original; a leader's reading of it is audited."""
    if not rules.can_see_original(a):
        return False
    roles = rules.roles(a)
    if Role.LEADER in roles and not roles & {Role.RESIDENT, Role.DISPATCHER, Role.HANDLER}:
        audit("appeal.original_viewed", actor=rules.user, target=a, tracking_no=a.tracking_no)
    return True


def _render(user, a: Appeal) -> dict:
    """The detail of an appeal whose relations are loaded (`appeal_detail`, or a new one)."""
    rules = policy(user)
    if not rules.can_see(a):
        raise NotFound("诉求不存在。", field="tracking_no")
    roles = rules.roles(a)
    staff = rules.sees_as_staff(a)
    original = _original_for(rules, a)
    show = masker(a, original)
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
        contact_name=a.contact_name if original else None,
        contact_phone=a.contact_phone if original else None,
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
        attachments=[_attachment(a, f) for f in a.attachments.all()] if roles else [],
        timeline=[
            {
                "at": _local(e.created_at),
                "action": e.action,
                "action_label": Action(e.action).label,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "org": e.actor_org.name if e.actor_org else None,
                "note": show(e.note),
                "internal_note": show(e.internal_note) if staff else None,
            }
            for e in events
        ],
        actions=[
            x for x in allowed(a.state, roles, bool(a.merged_into_id)) if x in workflow.REGISTRY
        ],
        roles=sorted(roles),
        warnings=_warnings(a, now) if staff else [],
    )
    return out


def _attachment(a: Appeal, f: Attachment) -> dict:
    return {
        "id": f.pk,
        "url": f"/api/v1/appeals/{a.tracking_no}/attachments/{f.pk}",
        "name": f.name,
        "content_type": f.content_type,
        "size": f.size,
    }


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
    return Status(201, _attachment(att.appeal, att))


@router.get(
    "appeals/{slug:tracking_no}/attachments/{int:attachment_id}",
    response={200: None, **ERRORS},
    summary="下载附件",
)
def download(request, tracking_no: str, attachment_id: int):
    """Only for those who hold the appeal (its resident and the staff who handle it)."""
    att = (
        Attachment.objects.select_related("appeal")
        .filter(pk=attachment_id, appeal__tracking_no=tracking_no)
        .first()
    )
    if att is None or not policy(viewer(request)).roles(att.appeal):
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
