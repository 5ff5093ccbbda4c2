"""The one place that changes an appeal's state.

`TABLE` says which role may take which action from which state, and into which state.
Each `do_*` function runs in one transaction: it locks the appeal row, checks the table,
changes the row and appends an `AppealEvent`. Nothing else assigns `Appeal.state`.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from massline.appeals import deadlines
from massline.appeals.models import (
    Appeal,
    AppealEvent,
    ExtensionRequest,
    Rating,
    State,
    Verdict,
)
from massline.appeals.permissions import acting_org, can_dispatch_to, roles_for
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.orgs.models import Org, OrgKind, Role

S = State
R = Role
SAME = None

ACTION_LABELS = {
    "submit": "提交",
    "accept": "受理",
    "reject": "不予受理",
    "dispatch": "派单",
    "transfer": "转派",
    "sign": "签收",
    "return": "退回",
    "reply": "答复",
    "close": "办结",
    "rate": "评价",
    "reopen": "重办",
    "merge": "并案",
    "request_extension": "申请延期",
    "decide_extension": "审批延期",
    "supervise": "督办",
    "escalate": "超期升级",
}

REJECT_REASONS = {
    "duplicate": "重复诉求",
    "out_of_scope": "不属于受理范围",
    "abusive": "含有辱骂、攻击等不当内容",
    "no_content": "内容不明确，无法办理",
}

_RULES: list[tuple[str, Iterable[str], Iterable[str], str | None]] = [
    ("accept", [S.SUBMITTED], [R.DISPATCHER], S.ACCEPTED),
    ("reject", [S.SUBMITTED, S.ACCEPTED], [R.DISPATCHER], S.REJECTED),
    ("dispatch", [S.ACCEPTED, S.RETURNED, S.REOPENED], [R.DISPATCHER], S.ASSIGNED),
    ("transfer", [S.ASSIGNED, S.IN_PROGRESS], [R.DISPATCHER], S.ASSIGNED),
    ("sign", [S.ASSIGNED], [R.HANDLER], S.IN_PROGRESS),
    ("return", [S.ASSIGNED, S.IN_PROGRESS], [R.HANDLER], S.RETURNED),
    ("reply", [S.IN_PROGRESS], [R.HANDLER], S.REPLIED),
    ("close", [S.REPLIED], [R.DISPATCHER], S.CLOSED),
    ("rate", [S.REPLIED], [R.RESIDENT], S.CLOSED),
    ("reopen", [S.REPLIED, S.CLOSED], [R.LEADER, R.DISPATCHER], S.REOPENED),
    ("merge", [S.SUBMITTED, S.ACCEPTED], [R.DISPATCHER], S.ACCEPTED),
    ("request_extension", [S.ASSIGNED, S.IN_PROGRESS], [R.HANDLER], SAME),
    ("decide_extension", [S.ASSIGNED, S.IN_PROGRESS], [R.DISPATCHER], SAME),
    (
        "supervise",
        [S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.RETURNED, S.REOPENED],
        [R.LEADER],
        SAME,
    ),
]

TABLE: dict[tuple[str, str, str], str | None] = {
    (state, action, role): to
    for action, states, roles, to in _RULES
    for state in states
    for role in roles
}
ACTIONS = {action for action, *_ in _RULES}
MERGED_BLOCKS = {"dispatch", "merge", "transfer"}


def allowed_actions(appeal: Appeal, roles: set[str]) -> list[str]:
    found = {a for (s, a, r) in TABLE if s == appeal.state and r in roles}
    if appeal.merged_into_id:
        found -= MERGED_BLOCKS
    return sorted(found, key=list(ACTION_LABELS).index)


def _label(state: str) -> str:
    return State(state).label


def _lock(appeal_id: int) -> Appeal:
    try:
        return Appeal.objects.select_for_update().get(pk=appeal_id)
    except Appeal.DoesNotExist:
        raise NotFound("诉求不存在。", field="appeal_id") from None


def _authorise(appeal: Appeal, user, action: str, version: int | None):
    """Return (role, target state) or raise 409/403 naming the reason."""
    if version is not None and version != appeal.version:
        raise IllegalTransition(
            f"该诉求已被他人处理（当前状态：{_label(appeal.state)}），请刷新后重试。",
            state=appeal.state,
        )
    roles = roles_for(user, appeal)
    if not roles:
        if appeal.is_public:
            raise NotAllowed(f"您没有权限对该诉求执行「{ACTION_LABELS[action]}」。")
        raise NotFound("诉求不存在。", field="appeal_id")
    if appeal.merged_into_id and action in MERGED_BLOCKS:
        raise IllegalTransition("该诉求已并案，随主件办理。", state=appeal.state)
    for role in sorted(roles):
        key = (appeal.state, action, role)
        if key in TABLE:
            to = TABLE[key]
            return role, appeal.state if to is SAME else to
    if any(a == action and r in roles for (_, a, r) in TABLE):
        raise IllegalTransition(
            f"当前状态为「{_label(appeal.state)}」，不能{ACTION_LABELS[action]}。",
            state=appeal.state,
        )
    raise NotAllowed(f"您没有权限对该诉求执行「{ACTION_LABELS[action]}」。")


def _record(
    appeal: Appeal,
    user,
    role: str,
    action: str,
    to_state: str,
    *,
    now: datetime,
    note: str = "",
    internal_note: str = "",
    data: dict | None = None,
    due_before: datetime | None = None,
    org: Org | None = None,
    public: bool = True,
) -> AppealEvent:
    from_state = appeal.state
    appeal.state = to_state
    appeal.version += 1
    appeal.save()
    return AppealEvent.objects.create(
        appeal=appeal,
        action=action,
        actor=user,
        actor_role=role,
        actor_org=org,
        from_state=from_state,
        to_state=to_state,
        note=note,
        internal_note=internal_note,
        is_public=public,
        data=data or {},
        due_before=due_before,
        due_after=appeal.reply_due_at,
        created_at=now,
    )


def _require_text(value: str, field: str, what: str, max_len: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"请填写{what}。", field=field, code="required")
    if len(value) > max_len:
        raise InvalidInput(f"{what}不能超过{max_len}字。", field=field, code="too_long")
    return value


def _handling_org(user, org_id: int, field: str) -> Org:
    org = Org.objects.filter(pk=org_id, is_active=True).first()
    if org is None:
        raise InvalidInput("承办单位不存在或已停用。", field=field, code="unknown_org")
    if not can_dispatch_to(user, org):
        raise InvalidInput(f"{org.name}不在您的派单范围内。", field=field, code="out_of_scope")
    if org.kind in (
        OrgKind.PARTY_BRANCH,
        OrgKind.PARTY_GENERAL_BRANCH,
        OrgKind.PARTY_COMMITTEE,
    ):
        raise InvalidInput("党组织不能作为诉求承办单位。", field=field, code="bad_org")
    return org


def _step(action: str):
    """Common frame of every action: one transaction, the row locked, the table checked."""

    def wrap(fn):
        def run(
            appeal_id: int, user, *args, version: int | None = None, now=None, **kwargs
        ) -> Appeal:
            with transaction.atomic():
                appeal = _lock(appeal_id)
                role, to_state = _authorise(appeal, user, action, version)
                now = now or timezone.now()
                fn(appeal, user, role, to_state, now, *args, **kwargs)
                return appeal

        run.__name__ = fn.__name__
        run.__doc__ = fn.__doc__
        return run

    return wrap


@_step("accept")
def do_accept(appeal, user, role, to, now, note: str = "") -> None:
    _record(
        appeal, user, role, "accept", to, now=now, note=note, org=acting_org(user, appeal, role)
    )


@_step("reject")
def do_reject(appeal, user, role, to, now, reason: str, note: str = "") -> None:
    if reason not in REJECT_REASONS:
        raise InvalidInput(
            "不予受理理由须为：" + "、".join(f"{k}（{v}）" for k, v in REJECT_REASONS.items()),
            field="reason",
            code="invalid_choice",
        )
    appeal.closed_at = now
    _record(
        appeal,
        user,
        role,
        "reject",
        to,
        now=now,
        note=(REJECT_REASONS[reason] + ("：" + note.strip() if note.strip() else "")),
        data={"reason": reason},
        org=acting_org(user, appeal, role),
    )


def _assign(appeal, user, org_id, co_org_ids, *, now, transfer):
    org = _handling_org(user, org_id, "org_id")
    co_orgs = [_handling_org(user, pk, "co_org_ids") for pk in dict.fromkeys(co_org_ids or [])]
    if org in co_orgs:
        raise InvalidInput("主办单位不能同时作为协办单位。", field="co_org_ids", code="overlap")
    if transfer and org.pk == appeal.lead_org_id:
        raise InvalidInput("转派须选择不同的承办单位。", field="org_id", code="same_org")
    due_before = appeal.reply_due_at
    appeal.lead_org = org
    deadlines.start_clocks(appeal, now, transfer=transfer)
    return org, co_orgs, due_before


@_step("dispatch")
def do_dispatch(
    appeal, user, role, to, now, org_id: int, co_org_ids: list[int] | None = None, note=""
) -> None:
    org, co_orgs, due_before = _assign(appeal, user, org_id, co_org_ids, now=now, transfer=False)
    _record(
        appeal,
        user,
        role,
        "dispatch",
        to,
        now=now,
        note=f"派至{org.name}"
        + (f"，协办：{'、'.join(o.name for o in co_orgs)}" if co_orgs else ""),
        internal_note=note,
        data={"org": org.pk, "co_orgs": [o.pk for o in co_orgs]},
        due_before=due_before,
        org=acting_org(user, appeal, role),
    )
    appeal.co_orgs.set(co_orgs)
    _cascade_to_merged(appeal, user, role, now)


@_step("transfer")
def do_transfer(
    appeal, user, role, to, now, org_id: int, co_org_ids: list[int] | None = None, note=""
) -> None:
    previous = appeal.lead_org
    org, co_orgs, due_before = _assign(appeal, user, org_id, co_org_ids, now=now, transfer=True)
    _record(
        appeal,
        user,
        role,
        "transfer",
        to,
        now=now,
        note=f"由{previous.name if previous else '—'}转派至{org.name}",
        internal_note=note,
        data={"from_org": previous.pk if previous else None, "org": org.pk},
        due_before=due_before,
        org=acting_org(user, appeal, role),
    )
    appeal.co_orgs.set(co_orgs)


@_step("sign")
def do_sign(appeal, user, role, to, now) -> None:
    appeal.signed_at = now
    org = acting_org(user, appeal, role)
    _record(appeal, user, role, "sign", to, now=now, note=f"{appeal.lead_org.name}已签收", org=org)


@_step("return")
def do_return(appeal, user, role, to, now, reason: str) -> None:
    reason = _require_text(reason, "reason", "退回理由", 500)
    org = appeal.lead_org
    appeal.sign_due_at = None
    appeal.signed_at = None
    _record(
        appeal,
        user,
        role,
        "return",
        to,
        now=now,
        note=f"{org.name}退回：{reason}",
        data={"org": org.pk},
        org=org,
    )


@_step("reply")
def do_reply(appeal, user, role, to, now, text: str, internal_note: str = "") -> None:
    text = _require_text(text, "text", "答复内容", 5000)
    _apply_reply(appeal, text, appeal.lead_org, now)
    _record(
        appeal,
        user,
        role,
        "reply",
        to,
        now=now,
        note=text,
        internal_note=internal_note,
        org=appeal.lead_org,
    )
    for merged in Appeal.objects.select_for_update().filter(merged_into=appeal, state=S.ACCEPTED):
        _apply_reply(merged, text, appeal.lead_org, now)
        _record(
            merged,
            user,
            role,
            "reply",
            S.REPLIED,
            now=now,
            note=text,
            data={"via": appeal.tracking_no},
            org=appeal.lead_org,
        )


def _apply_reply(appeal: Appeal, text: str, org: Org, now: datetime) -> None:
    appeal.reply_text = text
    appeal.reply_org = org
    appeal.replied_at = now


@_step("close")
def do_close(appeal, user, role, to, now, note: str = "") -> None:
    appeal.closed_at = now
    _record(appeal, user, role, "close", to, now=now, note=note, org=acting_org(user, appeal, role))


@_step("rate")
def do_rate(appeal, user, role, to, now, verdict: str, resolved: bool, comment: str = "") -> None:
    """A resident's verdict closes the round; a first dissatisfied verdict reopens it (重办)."""
    if verdict not in Verdict.values:
        raise InvalidInput(
            "评价须为满意、基本满意或不满意。", field="verdict", code="invalid_choice"
        )
    if len(comment or "") > 1000:
        raise InvalidInput("评价意见不能超过1000字。", field="comment", code="too_long")
    if Rating.objects.filter(appeal=appeal, round=appeal.round).exists():
        raise IllegalTransition("本轮办理已评价，不能重复评价。", state=appeal.state)
    Rating.objects.create(
        appeal=appeal,
        round=appeal.round,
        org=appeal.reply_org,
        verdict=verdict,
        resolved=resolved,
        comment=comment,
        created_at=now,
    )
    label = Verdict(verdict).label + ("，已解决" if resolved else "，未解决")
    reopen = verdict == Verdict.DISSATISFIED and appeal.round == 1
    appeal.closed_at = None if reopen else now
    _record(
        appeal,
        user,
        role,
        "rate",
        to,
        now=now,
        note=label + (f"。{comment}" if comment else ""),
        data={"verdict": verdict, "resolved": resolved},
    )
    if reopen:
        _reopen(appeal, user, role, now, "群众不满意，自动重办")


def _reopen(appeal, user, role, now, note, org=None):
    """A new round; an appeal merged into another leaves the group to be handled on its own."""
    if appeal.merged_into_id:
        note += f"（解除与{appeal.merged_into.tracking_no}的并案，单独办理）"
        appeal.merged_into = None
    appeal.round += 1
    appeal.closed_at = None
    appeal.replied_at = None
    deadlines.clear_clocks(appeal)
    _record(appeal, user, role, "reopen", S.REOPENED, now=now, note=note, org=org)


@_step("reopen")
def do_reopen(appeal, user, role, to, now, reason: str) -> None:
    reason = _require_text(reason, "reason", "重办理由", 500)
    _reopen(appeal, user, role, now, reason, acting_org(user, appeal, role))


@_step("merge")
def do_merge(appeal, user, role, to, now, primary_id: int) -> None:
    if primary_id == appeal.pk:
        raise InvalidInput("不能并入自身。", field="primary", code="self_merge")
    primary = Appeal.objects.select_for_update().filter(pk=primary_id).first()
    if primary is None or "dispatcher" not in roles_for(user, primary):
        raise InvalidInput("主件不存在或不在您的受理范围内。", field="primary", code="unknown")
    if primary.merged_into_id:
        raise InvalidInput("主件本身已并案，请并入其主件。", field="primary", code="chained")
    if primary.state in (S.REJECTED, S.CLOSED):
        raise InvalidInput("主件已办结或不予受理，不能并入。", field="primary", code="closed")
    appeal.merged_into = primary
    appeal.lead_org = primary.lead_org
    _record(
        appeal,
        user,
        role,
        "merge",
        to,
        now=now,
        note=f"与{primary.tracking_no}并案办理",
        data={"primary": primary.pk},
        org=acting_org(user, appeal, role),
    )
    if primary.state == S.REPLIED:
        _apply_reply(appeal, primary.reply_text, primary.reply_org, now)
        _record(
            appeal,
            user,
            role,
            "reply",
            S.REPLIED,
            now=now,
            note=primary.reply_text,
            data={"via": primary.tracking_no},
            org=primary.reply_org,
        )


def _cascade_to_merged(primary, user, role, now):
    """Merged appeals follow their primary's dispatch so their residents see who handles it."""
    for merged in Appeal.objects.select_for_update().filter(merged_into=primary, state=S.ACCEPTED):
        merged.lead_org = primary.lead_org
        _record(
            merged,
            user,
            role,
            "dispatch",
            S.ACCEPTED,
            now=now,
            note=f"随主件{primary.tracking_no}派至{primary.lead_org.name}",
            data={"via": primary.tracking_no},
            org=acting_org(user, primary, role),
        )


@_step("request_extension")
def do_request_extension(appeal, user, role, to, now, days: int, reason: str) -> None:
    reason = _require_text(reason, "reason", "延期理由", 500)
    if not 1 <= days <= 30:
        raise InvalidInput("延期天数须为1至30个工作日。", field="days", code="out_of_range")
    if appeal.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise IllegalTransition("已有待审批的延期申请。", state=appeal.state)
    ext = ExtensionRequest.objects.create(
        appeal=appeal,
        org=appeal.lead_org,
        days=days,
        reason=reason,
        requested_by=user,
        created_at=now,
    )
    _record(
        appeal,
        user,
        role,
        "request_extension",
        to,
        now=now,
        note=f"申请延期{days}个工作日",
        internal_note=reason,
        data={"extension": ext.pk, "days": days},
        org=appeal.lead_org,
        public=False,
    )


@_step("decide_extension")
def do_decide_extension(appeal, user, role, to, now, approve: bool, note: str = "") -> None:
    ext = appeal.extensions.filter(status=ExtensionRequest.Status.PENDING).first()
    if ext is None:
        raise IllegalTransition("没有待审批的延期申请。", state=appeal.state)
    due_before = appeal.reply_due_at
    ext.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.DENIED
    ext.decided_by = user
    ext.decided_at = now
    ext.save()
    if approve:
        deadlines.extend(appeal, ext.days)
    _record(
        appeal,
        user,
        role,
        "decide_extension",
        to,
        now=now,
        note=(f"同意延期{ext.days}个工作日" if approve else "不同意延期")
        + (f"：{note}" if note else ""),
        data={"extension": ext.pk, "approved": approve},
        due_before=due_before,
        org=acting_org(user, appeal, role),
    )


@_step("supervise")
def do_supervise(appeal, user, role, to, now, note: str) -> None:
    note = _require_text(note, "note", "督办意见", 500)
    if appeal.supervised:
        raise IllegalTransition("该诉求已在督办中。", state=appeal.state)
    due_before = appeal.reply_due_at
    appeal.supervised = True
    appeal.priority = max(appeal.priority, 2)
    deadlines.tighten_for_supervision(appeal, now)
    _record(
        appeal,
        user,
        role,
        "supervise",
        to,
        now=now,
        note=note,
        due_before=due_before,
        org=acting_org(user, appeal, role),
    )


def escalate_severely_overdue(now: datetime | None = None) -> int:
    """Put every severely overdue open appeal under supervision, by the system. Idempotent."""
    now = now or timezone.now()
    count = 0
    table = deadlines.policies()
    candidates = Appeal.objects.filter(
        state__in=[S.ASSIGNED, S.IN_PROGRESS], supervised=False, reply_due_at__lt=now
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            appeal = _lock(pk)
            standing = deadlines.standing(appeal, now, table[appeal.kind])
            if appeal.supervised or standing.status != "severe":
                continue
            appeal.supervised = True
            appeal.priority = max(appeal.priority, 3)
            _record(
                appeal,
                None,
                "system",
                "escalate",
                appeal.state,
                now=now,
                note="严重超期，系统自动升级督办",
            )
            count += 1
    return count
