"""The one place that changes an appeal's state.

Each `do_*` function runs inside `transition(...)`: one transaction that locks the appeal row,
checks `actions.RULES` for the actor's role, and lets the function change the row and append
its event (`massline.appeals.events`). `REGISTRY` pairs every action with its function and
payload schema; callers that work from an action's name (API routes, pages, the demo replay,
tests) go through `perform`. Nothing else assigns `Appeal.state`.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pydantic
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from massline.appeals import automation, deadlines, events, resident_notices, routing
from massline.appeals.actions import (
    DIRECT_KINDS,
    MERGED_BLOCKS,
    REJECT_REASONS,
    RULES,
    TABLE,
    Action,
    DecisionIn,
    DispatchIn,
    ExtensionIn,
    FollowUpIn,
    InstructIn,
    MergeIn,
    NoteIn,
    RateIn,
    ReasonIn,
    RejectIn,
    ReplyIn,
    Rule,
    SuperviseIn,
    TextIn,
    Versioned,
)
from massline.appeals.models import (
    Appeal,
    AppealEvent,
    AutomationRule,
    ExtensionRequest,
    FollowUp,
    Rating,
    State,
    SupervisionCase,
    Verdict,
)
from massline.appeals.permissions import policy
from massline.appeals.privacy import masker, notice_link, notice_title
from massline.core.calendar import get_calendar
from massline.core.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from massline.core.validation import describe_errors
from massline.notices.models import Level
from massline.notices.services import notify
from massline.orgs.models import Org, OrgKind, Role
from massline.orgs.staff import handlers_of

S = State

REPLY_MIN_CHARS = 10
"""A public reply says what was done: "已办" answers nobody."""

PARTY_KINDS = (OrgKind.PARTY_BRANCH, OrgKind.PARTY_GENERAL_BRANCH, OrgKind.PARTY_COMMITTEE)


@dataclass
class Step:
    """An action under way: the locked appeal, who acts in which role, and the target state."""

    action: str
    appeal: Appeal
    actor: Any
    role: str
    to: str
    now: datetime

    @property
    def org(self) -> Org | None:
        if self.actor is None:
            return None
        return policy(self.actor).acting_org(self.appeal, self.role)

    def record(self, **fields: Any) -> AppealEvent:
        """Move the appeal to the target state and append this action's event."""
        if "org" not in fields:
            fields["org"] = self.org
        deadlines.follow_hub_clock(self.appeal, self.action, self.now)
        return events.move(
            self.appeal,
            self.action,
            self.to,
            actor=self.actor,
            role=self.role,
            now=self.now,
            **fields,
        )


def _lock(appeal_id: int) -> Appeal:
    try:
        return Appeal.objects.select_for_update().get(pk=appeal_id)
    except Appeal.DoesNotExist:
        raise NotFound("诉求不存在。", field="tracking_no") from None


def _authorise(appeal: Appeal, actor, action: str, version: int | None) -> tuple[str, str]:
    """The role the actor takes the action in, and the target state; else 409/403/404."""
    label = Action(action).label
    if version is not None and version != appeal.version:
        raise IllegalTransition(
            f"此诉求已被他人处理（当前状态：{State(appeal.state).label}），请刷新后重试。",
            state=appeal.state,
        )
    roles = {Role.SYSTEM} if actor is None else policy(actor).roles(appeal)
    if not roles:
        if appeal.on_public_board:
            raise NotAllowed(f"您没有权限对该诉求执行「{label}」。")
        raise NotFound("诉求不存在。", field="tracking_no")
    if appeal.merged_into_id and action in MERGED_BLOCKS:
        raise IllegalTransition("该诉求已并案，随主件办理。", state=appeal.state)
    for role in sorted(roles):
        if (to := TABLE.get((appeal.state, action, role))) is not None:
            return role, to
    if roles & set(RULES[action].roles):
        raise IllegalTransition(
            f"当前状态为「{State(appeal.state).label}」，不能{label}。", state=appeal.state
        )
    raise NotAllowed(f"您没有权限对该诉求执行「{label}」。")


@contextmanager
def transition(
    action: str, appeal_id: int, actor, *, version: int | None = None, now: datetime | None = None
) -> Iterator[Step]:
    """One transaction, the row locked, the rules checked. `actor=None` is the platform."""
    with transaction.atomic():
        appeal = _lock(appeal_id)
        role, to = _authorise(appeal, actor, action, version)
        yield Step(action, appeal, actor, role, to, now or timezone.now())


def _require_text(value: str, field: str, what: str, max_len: int = 2000, min_len: int = 1) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"请填写{what}。", field=field, code="required")
    if len(value) < min_len:
        raise InvalidInput(
            f"{what}至少{min_len}个字，请写明办理情况。", field=field, code="too_short"
        )
    if len(value) > max_len:
        raise InvalidInput(f"{what}不能超过{max_len}字。", field=field, code="too_long")
    return value


def _handling_org(actor, org_id: int, field: str) -> Org:
    org = Org.objects.filter(pk=org_id, is_active=True).first()
    if org is None:
        raise InvalidInput("承办单位不存在或已停用。", field=field, code="unknown_org")
    if not policy(actor).can_dispatch_to(org):
        raise InvalidInput(f"{org.name}不在您的派单范围内。", field=field, code="out_of_scope")
    if org.kind in PARTY_KINDS:
        raise InvalidInput("党组织不能作为诉求承办单位。", field=field, code="bad_org")
    if org.kind == OrgKind.HUB:
        raise InvalidInput("派单中心不能作为承办单位。", field=field, code="bad_org")
    return org


def do_accept(
    appeal_id: int,
    actor,
    *,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.ACCEPT, appeal_id, actor, version=version, now=now) as t:
        t.record(note=note)
    return t.appeal


def do_reject(
    appeal_id: int,
    actor,
    *,
    reason: str,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.REJECT, appeal_id, actor, version=version, now=now) as t:
        if reason not in REJECT_REASONS:
            raise InvalidInput(
                "不予受理理由须为：" + "、".join(f"{k}（{v}）" for k, v in REJECT_REASONS.items()),
                field="reason",
                code="invalid_choice",
            )
        t.appeal.closed_at = t.now
        note = note.strip()
        t.record(
            note=REJECT_REASONS[reason] + (f"：{note}" if note else ""), data={"reason": reason}
        )
    return t.appeal


def _assign(t: Step, org_id: int, co_org_ids: list[int], *, transfer: bool):
    org = _handling_org(t.actor, org_id, "org_id")
    routing.check_handler(t.appeal, org, "org_id")
    co_orgs = [_handling_org(t.actor, pk, "co_org_ids") for pk in dict.fromkeys(co_org_ids)]
    for co in co_orgs:
        routing.check_handler(t.appeal, co, "co_org_ids")
    if co_orgs and t.appeal.sealed:
        raise InvalidInput(
            "反映公职人员问题的举报不设协办单位，举报内容不扩散。",
            field="co_org_ids",
            code="sealed_report",
        )
    if org in co_orgs:
        raise InvalidInput("主办单位不能同时作为协办单位。", field="co_org_ids", code="overlap")
    if transfer and org.pk == t.appeal.lead_org_id:
        raise InvalidInput("转派须选择不同的承办单位。", field="org_id", code="same_org")
    due_before = t.appeal.reply_due_at
    t.appeal.lead_org = org
    deadlines.start_clocks(t.appeal, t.now, transfer=transfer)
    return org, co_orgs, due_before


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def do_dispatch(
    appeal_id: int,
    actor,
    *,
    org_id: int,
    co_org_ids: list[int] | None = None,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.DISPATCH, appeal_id, actor, version=version, now=now) as t:
        org, co_orgs, due_before = _assign(t, org_id, co_org_ids or [], transfer=False)
        co_names = "、".join(o.name for o in co_orgs)
        t.record(
            note=f"派至{org.name}" + (f"，协办：{co_names}" if co_orgs else ""),
            internal_note=note,
            data={
                "org": org.pk,
                "co_orgs": [o.pk for o in co_orgs],
                "sign_due": _iso(t.appeal.sign_due_at),
            },
            due_before=due_before,
        )
        t.appeal.co_orgs.set(co_orgs)
        _cascade_to_merged(t)
    return t.appeal


def do_transfer(
    appeal_id: int,
    actor,
    *,
    org_id: int,
    co_org_ids: list[int] | None = None,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.TRANSFER, appeal_id, actor, version=version, now=now) as t:
        previous = t.appeal.lead_org
        org, co_orgs, due_before = _assign(t, org_id, co_org_ids or [], transfer=True)
        t.record(
            note=f"由{previous.name if previous else '—'}转派至{org.name}",
            internal_note=note,
            data={
                "from_org": previous.pk if previous else None,
                "org": org.pk,
                "co_orgs": [o.pk for o in co_orgs],
                "sign_due": _iso(t.appeal.sign_due_at),
            },
            due_before=due_before,
        )
        t.appeal.co_orgs.set(co_orgs)
    return t.appeal


def do_sign(
    appeal_id: int, actor, *, version: int | None = None, now: datetime | None = None
) -> Appeal:
    with transition(Action.SIGN, appeal_id, actor, version=version, now=now) as t:
        t.appeal.signed_at = t.now
        t.record(note=f"{t.appeal.lead_org.name}已签收")
    return t.appeal


def do_return(
    appeal_id: int,
    actor,
    *,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.RETURN, appeal_id, actor, version=version, now=now) as t:
        reason = _require_text(reason, "reason", "退回理由", 500)
        org = t.appeal.lead_org
        t.appeal.sign_due_at = None
        t.appeal.signed_at = None
        t.record(note=f"{org.name}退回：{reason}", data={"org": org.pk}, org=org)
    return t.appeal


def _apply_reply(appeal: Appeal, text: str, org: Org | None, now: datetime) -> None:
    appeal.reply_text = text
    appeal.reply_org = org
    appeal.replied_at = now


def _follow_reply(t: Step, merged: Appeal, primary: Appeal) -> None:
    """A merged appeal is answered by its primary's reply, with the primary resident's personal
    data masked: the merged appeal's resident is someone else."""
    text, org = masker(primary, see_original=False)(primary.reply_text), primary.reply_org
    _apply_reply(merged, text, org, t.now)
    events.move(
        merged,
        Action.REPLY,
        S.REPLIED,
        actor=t.actor,
        role=t.role,
        now=t.now,
        note=text,
        data={"via": primary.tracking_no},
        org=org,
    )


def do_reply(
    appeal_id: int,
    actor,
    *,
    text: str,
    internal_note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.REPLY, appeal_id, actor, version=version, now=now) as t:
        text = _require_text(text, "text", "答复内容", 5000, min_len=REPLY_MIN_CHARS)
        org = t.appeal.lead_org
        _apply_reply(t.appeal, text, org, t.now)
        consulted = _consulted(t.appeal)
        t.record(
            note=text,
            internal_note=internal_note,
            org=org,
            data={"consulted": consulted} if consulted else None,
        )
        merged = Appeal.objects.select_for_update().filter(merged_into=t.appeal, state=S.ACCEPTED)
        for other in merged:
            _follow_reply(t, other, t.appeal)
    return t.appeal


def do_direct_answer(
    appeal_id: int,
    actor,
    *,
    text: str,
    internal_note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """直接答复: the hub answers a 咨询 itself, without dispatching it; the resident reads the
    answer and may rate it as any reply (an unrated one closes when the window is over)."""
    with transition(Action.DIRECT_ANSWER, appeal_id, actor, version=version, now=now) as t:
        if t.appeal.kind not in DIRECT_KINDS:
            raise IllegalTransition(
                "只有咨询类诉求可由派单中心直接答复，其他诉求请派单办理。", state=t.appeal.state
            )
        text = _require_text(text, "text", "答复内容", 5000, min_len=REPLY_MIN_CHARS)
        _apply_reply(t.appeal, text, t.appeal.hub, t.now)
        t.record(note=text, internal_note=internal_note, org=t.appeal.hub, data={"direct": True})
    return t.appeal


def _consulted(appeal: Appeal) -> list[str]:
    """Names of the co-handling orgs whose opinion arrived in this round, in order."""
    since = appeal.reply_clock_from or appeal.assigned_at
    opinions = appeal.events.filter(action=Action.OPINION).select_related("actor_org")
    if since is not None:
        opinions = opinions.filter(created_at__gte=since)
    return list(dict.fromkeys(e.actor_org.name for e in opinions if e.actor_org))


def do_close(
    appeal_id: int,
    actor,
    *,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """Close a replied appeal that its resident has not rated once the rating window is over:
    it counts as 未评价, never as satisfied."""
    with transition(Action.CLOSE, appeal_id, actor, version=version, now=now) as t:
        _close_unrated(t, note)
    return t.appeal


def _close_unrated(t: Step, note: str) -> None:
    deadlines.check_rating_window_over(t.appeal, t.now)
    t.appeal.closed_at = t.now
    t.record(note=note or "群众未评价，按期办结（未评价）", data={"unrated": True})
    automation.consider_follow_up(t.appeal, dissatisfied=False, now=t.now)


def close_unrated(now: datetime | None = None) -> int:
    """The platform closes replied appeals nobody rated within the rating window and the
    `close_unrated` rule's further working days. Idempotent: a closed appeal is not replied."""
    now = now or timezone.now()
    rule = automation.rule(AutomationRule.Key.CLOSE_UNRATED)
    if not rule.enabled:
        return 0
    cal = get_calendar()
    table = deadlines.policies()
    count = 0
    candidates = Appeal.objects.filter(state=S.REPLIED, replied_at__lt=now).only(
        "pk", "kind", "replied_at"
    )
    for a in candidates:
        days = table[a.kind].rating_days + rule.days
        if cal.add_working_days(a.replied_at, days) > now:
            continue
        try:
            with transition(Action.CLOSE, a.pk, None, now=now) as t:
                if t.appeal.replied_at != a.replied_at:
                    continue
                _close_unrated(t, "群众逾期未评价，系统自动办结（未评价）")
                count += 1
        except (IllegalTransition, NotFound):
            continue
    return count


def do_rate(
    appeal_id: int,
    actor,
    *,
    verdict: str,
    resolved: bool,
    comment: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """A resident's verdict closes the round; a first dissatisfied verdict reopens it (重办)."""
    with transition(Action.RATE, appeal_id, actor, version=version, now=now) as t:
        appeal = t.appeal
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
            created_at=t.now,
        )
        label = Verdict(verdict).label + ("，已解决" if resolved else "，未解决")
        reopen = verdict == Verdict.DISSATISFIED and appeal.round == 1
        appeal.closed_at = None if reopen else t.now
        t.record(
            note=label + (f"。{comment}" if comment else ""),
            data={"verdict": verdict, "resolved": resolved},
            org=None,
        )
        automation.consider_follow_up(
            appeal, dissatisfied=verdict == Verdict.DISSATISFIED, now=t.now
        )
        if reopen:
            _reopen(t, "群众不满意，自动重办", org=None)
    return t.appeal


def _reopen(t: Step, note: str, org: Org | None) -> None:
    """A new round; an appeal merged into another leaves the group to be handled on its own."""
    appeal = t.appeal
    if appeal.merged_into_id:
        note += f"（解除与{appeal.merged_into.tracking_no}的并案，单独办理）"
        appeal.merged_into = None
    appeal.round += 1
    appeal.closed_at = None
    appeal.replied_at = None
    deadlines.clear_clocks(appeal)
    deadlines.follow_hub_clock(appeal, Action.REOPEN, t.now)
    events.move(
        appeal, Action.REOPEN, S.REOPENED, actor=t.actor, role=t.role, now=t.now, note=note, org=org
    )


def do_reopen(
    appeal_id: int,
    actor,
    *,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.REOPEN, appeal_id, actor, version=version, now=now) as t:
        _reopen(t, _require_text(reason, "reason", "重办理由", 500), t.org)
    return t.appeal


def do_merge(
    appeal_id: int,
    actor,
    *,
    primary: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """Merge this appeal into `primary` (a tracking number): answering the primary answers it."""
    with transition(Action.MERGE, appeal_id, actor, version=version, now=now) as t:
        if primary == t.appeal.tracking_no:
            raise InvalidInput("不能并入自身。", field="primary", code="self_merge")
        main = Appeal.objects.select_for_update().filter(tracking_no=primary).first()
        if main is None or Role.DISPATCHER not in policy(actor).roles(main):
            raise InvalidInput("主件不存在或不在您的受理范围内。", field="primary", code="unknown")
        if main.merged_into_id:
            raise InvalidInput("主件本身已并案，请并入其主件。", field="primary", code="chained")
        if main.state in (S.REJECTED, S.CLOSED):
            raise InvalidInput("主件已办结或不予受理，不能并入。", field="primary", code="closed")
        if main.sealed or t.appeal.sealed:
            raise InvalidInput(
                "反映公职人员问题的举报单独办理，不与其他诉求并案。",
                field="primary",
                code="sealed_report",
            )
        t.appeal.merged_into = main
        t.appeal.lead_org = main.lead_org
        t.record(note=f"与{main.tracking_no}并案办理", data={"primary": main.pk})
        if main.state == S.REPLIED:
            _follow_reply(t, t.appeal, main)
    return t.appeal


def _cascade_to_merged(t: Step) -> None:
    """Merged appeals follow their primary's dispatch so their residents see who handles it."""
    primary = t.appeal
    for merged in Appeal.objects.select_for_update().filter(merged_into=primary, state=S.ACCEPTED):
        merged.lead_org = primary.lead_org
        events.move(
            merged,
            Action.DISPATCH,
            S.ACCEPTED,
            actor=t.actor,
            role=t.role,
            now=t.now,
            note=f"随主件{primary.tracking_no}派至{primary.lead_org.name}",
            data={"via": primary.tracking_no},
            org=t.org,
        )


def do_request_extension(
    appeal_id: int,
    actor,
    *,
    days: int,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.REQUEST_EXTENSION, appeal_id, actor, version=version, now=now) as t:
        appeal = t.appeal
        reason = _require_text(reason, "reason", "延期理由", 500)
        deadlines.check_extension(appeal, days)
        if appeal.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
            raise IllegalTransition("已有待审批的延期申请。", state=appeal.state)
        ext = ExtensionRequest.objects.create(
            appeal=appeal,
            org=appeal.lead_org,
            days=days,
            reason=reason,
            requested_by=actor,
            created_at=t.now,
        )
        t.record(
            note=f"申请延期{days}个工作日",
            internal_note=reason,
            data={"extension": ext.pk, "days": days},
            org=appeal.lead_org,
            public=False,
        )
    return t.appeal


def do_decide_extension(
    appeal_id: int,
    actor,
    *,
    approve: bool,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    with transition(Action.DECIDE_EXTENSION, appeal_id, actor, version=version, now=now) as t:
        appeal = t.appeal
        ext = appeal.extensions.filter(status=ExtensionRequest.Status.PENDING).first()
        if ext is None:
            raise IllegalTransition("没有待审批的延期申请。", state=appeal.state)
        due_before = appeal.reply_due_at
        ext.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.DENIED
        ext.decided_by = actor
        ext.decided_at = t.now
        ext.save()
        if approve:
            deadlines.extend(appeal, ext.days)
        verdict = f"同意延期{ext.days}个工作日" if approve else "不同意延期"
        t.record(
            note=verdict + (f"：{note}" if note else ""),
            data={"extension": ext.pk, "approved": approve},
            due_before=due_before,
        )
    return t.appeal


def do_supervise(
    appeal_id: int,
    actor,
    *,
    note: str,
    due_date: date | None = None,
    case: int | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """督办: a deadline (the leader's, or the kind's `supervised_days`) that the reply
    deadline may not pass, and the department holding the appeal is told at once."""
    with transition(Action.SUPERVISE, appeal_id, actor, version=version, now=now) as t:
        note = _require_text(note, "note", "督办意见", 500)
        if t.appeal.supervised:
            raise IllegalTransition("该诉求已在督办中。", state=t.appeal.state)
        _supervise(t, note, case, deadlines.supervision_due(t.appeal, t.now, due_date))
    return t.appeal


def _supervise(t: Step, note: str, case: int | None, due: datetime) -> None:
    appeal = t.appeal
    due_before = appeal.reply_due_at
    appeal.supervised = True
    appeal.priority = max(appeal.priority, 2)
    deadlines.tighten_for_supervision(appeal, due)
    data: dict[str, Any] = {"supervision_due": due.isoformat()}
    if case:
        data["case"] = case
    t.record(note=note, due_before=due_before, data=data)
    holder = appeal.lead_org or appeal.hub
    notify(
        handlers_of(holder),
        key=f"supervise:{appeal.pk}:{appeal.round}",
        title=f"{appeal.tracking_no} 被督办",
        body=f"{note}（{notice_title(appeal)}）",
        link=notice_link(appeal),
        level=Level.SUPERVISION,
        now=t.now,
    )


def supervise_group(
    actor,
    tracking_nos: list[str],
    *,
    title: str,
    note: str,
    due_date: date | None = None,
    now: datetime | None = None,
) -> SupervisionCase:
    """One 督办单 over several appeals, all or none: every appeal must be the leader's to
    supervise; appeals already under supervision join the case without a second event."""
    numbers = list(dict.fromkeys(n.strip() for n in tracking_nos if n.strip()))
    if not numbers:
        raise InvalidInput("请至少选择一件诉求。", field="appeals", code="required")
    if len(numbers) > 200:
        raise InvalidInput("一次督办最多200件诉求。", field="appeals", code="too_many")
    title = _require_text(title, "title", "督办事项", 100)
    note = _require_text(note, "note", "督办意见", 500)
    now = now or timezone.now()
    rules = policy(actor)
    org = next((m.org for m in rules.memberships if m.role == Role.LEADER), None)
    if org is None:
        raise NotAllowed("只有领导可以督办。")
    with transaction.atomic():
        found = {a.tracking_no: a for a in Appeal.objects.filter(tracking_no__in=numbers)}
        case = SupervisionCase.objects.create(
            title=title, note=note, org=org, created_by=actor, created_at=now
        )
        for number in numbers:
            appeal = found.get(number)
            if appeal is None:
                raise _out_of_reach(number)
            try:
                with transition(Action.SUPERVISE, appeal.pk, actor, now=now) as t:
                    if not t.appeal.supervised:
                        due = deadlines.supervision_due(t.appeal, t.now, due_date)
                        _supervise(t, f"{title}：{note}", case.pk, due)
            except (NotFound, NotAllowed):
                raise _out_of_reach(number) from None
            case.appeals.add(t.appeal)
    return case


def _out_of_reach(number: str) -> InvalidInput:
    """Unknown, out of the leader's reach and not the leader's to supervise answer alike, so
    the answer never tells whether somebody's private appeal exists."""
    return InvalidInput(
        f"诉求{number[:24]}不存在，或不在您督办的范围内。", field="appeals", code="out_of_reach"
    )


def do_interim_reply(
    appeal_id: int,
    actor,
    *,
    text: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """阶段性答复: the department says in public how far it has got; the reply step and its
    clock go on (the 考核 ledger ends no step for it)."""
    with transition(Action.INTERIM, appeal_id, actor, version=version, now=now) as t:
        t.record(note=_require_text(text, "text", "阶段性答复", 2000, min_len=10))
    return t.appeal


def do_instruct(
    appeal_id: int,
    actor,
    *,
    note: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """领导批示: a leader's instruction on an appeal, in its timeline for staff, and at once in
    the notices of those who hold it now (the department, or the hub before dispatch)."""
    with transition(Action.INSTRUCT, appeal_id, actor, version=version, now=now) as t:
        note = _require_text(note, "note", "批示内容", 500, min_len=2)
        event = t.record(note=note)
        holder = t.appeal.lead_org or t.appeal.hub
        notify(
            handlers_of(holder),
            key=f"instruct:{event.pk}",
            title=f"{t.appeal.tracking_no} 领导批示",
            body=f"{getattr(actor, 'display_name', '')}：{note}（{notice_title(t.appeal)}）",
            link=notice_link(t.appeal),
            level=Level.SUPERVISION,
            now=t.now,
        )
    return t.appeal


def do_withdraw(
    appeal_id: int,
    actor,
    *,
    note: str = "",
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """The resident takes the appeal back before any department has it."""
    with transition(Action.WITHDRAW, appeal_id, actor, version=version, now=now) as t:
        t.appeal.closed_at = t.now
        t.record(note=note.strip())
    return t.appeal


def do_supplement(
    appeal_id: int,
    actor,
    *,
    text: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """More information from the resident while the appeal is open; the timeline carries it."""
    with transition(Action.SUPPLEMENT, appeal_id, actor, version=version, now=now) as t:
        t.record(note=text)
    return t.appeal


def do_opinion(
    appeal_id: int,
    actor,
    *,
    text: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """A co-handling department's opinion to the lead department (internal to staff)."""
    with transition(Action.OPINION, appeal_id, actor, version=version, now=now) as t:
        org = t.org
        name = org.name if org else "协办单位"
        t.record(note=f"{name}已提交协办意见", internal_note=text)
    return t.appeal


def do_refuse_return(
    appeal_id: int,
    actor,
    *,
    reason: str,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """The hub finds the department's reason for returning wanting (推诿) and sends the appeal
    back to it; the department signs for it again, the reply clock runs on."""
    with transition(Action.REFUSE_RETURN, appeal_id, actor, version=version, now=now) as t:
        reason = _require_text(reason, "reason", "驳回理由", 500)
        org = t.appeal.lead_org
        if org is None:
            raise IllegalTransition("没有可驳回的退回。", state=t.appeal.state)
        due_before = t.appeal.reply_due_at
        deadlines.start_clocks(t.appeal, t.now)
        t.record(
            note=f"退回理由不成立，退回{org.name}继续办理：{reason}",
            data={"org": org.pk, "refused_return": True, "sign_due": _iso(t.appeal.sign_due_at)},
            due_before=due_before,
        )
        notify(
            handlers_of(org),
            key=f"refuse_return:{t.appeal.pk}:{t.appeal.version}",
            title=f"{t.appeal.tracking_no} 退回被驳回，请继续办理",
            body=reason,
            link=notice_link(t.appeal),
            level=Level.SUPERVISION,
            now=t.now,
        )
    return t.appeal


def do_follow_up(
    appeal_id: int,
    actor,
    *,
    outcome: str,
    note: str,
    reopen: bool = False,
    version: int | None = None,
    now: datetime | None = None,
) -> Appeal:
    """Record a 回访 the hub owes: what the resident said; still dissatisfied may reopen it."""
    with transition(Action.FOLLOW_UP, appeal_id, actor, version=version, now=now) as t:
        if outcome not in FollowUp.Outcome.values:
            raise InvalidInput(
                "回访结果须为：群众认可办理结果、群众仍不满意或联系不上。",
                field="outcome",
                code="invalid_choice",
            )
        note = _require_text(note, "note", "回访记录", 2000, min_len=5)
        follow = (
            FollowUp.objects.select_for_update()
            .filter(appeal=t.appeal, done_at__isnull=True)
            .order_by("round")
            .first()
        )
        if follow is None:
            raise IllegalTransition("该诉求没有待回访的任务。", state=t.appeal.state)
        if reopen and outcome != FollowUp.Outcome.DISSATISFIED:
            raise InvalidInput("只有群众仍不满意时才能重办。", field="reopen", code="invalid")
        if reopen and t.appeal.state not in (S.REPLIED, S.CLOSED):
            raise InvalidInput("该诉求正在重新办理，无需再次重办。", field="reopen", code="invalid")
        follow.outcome, follow.note = outcome, note
        follow.done_at, follow.done_by, follow.reopened = t.now, actor, reopen
        follow.save()
        label = FollowUp.Outcome(outcome).label
        t.record(
            note=f"回访：{label}",
            internal_note=note,
            data={"follow_up": follow.pk, "outcome": outcome},
            public=False,
        )
        if reopen:
            _reopen(t, "回访群众仍不满意，重新办理", t.org)
    return t.appeal


def do_remind(
    appeal_id: int,
    *,
    key: str,
    note: str,
    data: dict[str, Any],
    then: Callable[[Appeal], None],
    now: datetime | None = None,
) -> bool:
    """A reminder the platform gives about one step of one appeal, once: under the appeal's
    lock, a key already in its timeline is not given again. `then` notifies, in the same
    transaction. True if given now."""
    try:
        with transition(Action.REMIND, appeal_id, None, now=now) as t:
            if t.appeal.events.filter(action=Action.REMIND, data__key=key).exists():
                return False
            events.append(
                t.appeal,
                Action.REMIND,
                actor=None,
                role=Role.SYSTEM,
                now=t.now,
                note=note,
                data={**data, "key": key},
                org=None,
                public=False,
            )
            then(t.appeal)
    except (IllegalTransition, NotFound):
        return False
    return True


def remind_to_rate(now: datetime | None = None) -> int:
    """Tell each resident whose rating window closes within a working day that it does, once
    per round (an event in the timeline, a notice to the resident)."""
    now = now or timezone.now()
    cal = get_calendar()
    table = deadlines.policies()
    rated = Rating.objects.filter(appeal=OuterRef("pk"), round=OuterRef("round"))
    candidates = Appeal.objects.filter(state=S.REPLIED, replied_at__lt=now).exclude(Exists(rated))
    count = 0
    for a in candidates.only("pk", "kind", "replied_at", "round"):
        ends = cal.add_working_days(a.replied_at, table[a.kind].rating_days)
        if ends <= now or cal.working_seconds_between(now, ends) > 24 * 3600:
            continue
        count += do_remind(
            a.pk,
            key=f"rate_soon:{a.round}",
            note="评价期即将结束，已提醒群众评价",
            data={"to": "resident", "ends": ends.isoformat()},
            then=lambda appeal: resident_notices.remind_to_rate(appeal, now),
            now=now,
        )
    return count


def escalate_severely_overdue(now: datetime | None = None) -> int:
    """Put every severely overdue open appeal under supervision, by the platform. Idempotent."""
    now = now or timezone.now()
    count = 0
    table = deadlines.policies()
    candidates = Appeal.objects.filter(
        state__in=RULES[Action.ESCALATE].states, supervised=False, reply_due_at__lt=now
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transition(Action.ESCALATE, pk, None, now=now) as t:
            standing = deadlines.standing(t.appeal, now, table[t.appeal.kind])
            if t.appeal.supervised or standing.status != "severe":
                continue
            t.appeal.supervised = True
            t.appeal.priority = max(t.appeal.priority, 3)
            t.record(note="严重超期，系统自动升级督办")
            count += 1
    return count


@dataclass(frozen=True)
class ActionSpec:
    """One action as every caller sees it: label, rule, payload schema, function, API path."""

    action: Action
    rule: Rule
    schema: type[Versioned]
    function: Callable[..., Appeal]
    path: str
    summary: str

    @property
    def label(self) -> str:
        return self.action.label


def _spec(action: Action, schema, function, path: str = "", summary: str = "") -> ActionSpec:
    return ActionSpec(
        action, RULES[action], schema, function, path or action.value, summary or action.label
    )


REGISTRY: dict[str, ActionSpec] = {
    s.action: s
    for s in (
        _spec(Action.ACCEPT, NoteIn, do_accept),
        _spec(Action.REJECT, RejectIn, do_reject),
        _spec(Action.DISPATCH, DispatchIn, do_dispatch, summary="派单（可指定协办单位）"),
        _spec(Action.TRANSFER, DispatchIn, do_transfer),
        _spec(Action.SIGN, Versioned, do_sign),
        _spec(Action.RETURN, ReasonIn, do_return, summary="退回派单中心"),
        _spec(Action.REPLY, ReplyIn, do_reply),
        _spec(Action.CLOSE, NoteIn, do_close),
        _spec(Action.RATE, RateIn, do_rate, summary="评价（每轮一次）"),
        _spec(Action.REOPEN, ReasonIn, do_reopen),
        _spec(Action.MERGE, MergeIn, do_merge, summary="并案（并入主件）"),
        _spec(Action.REQUEST_EXTENSION, ExtensionIn, do_request_extension, "extension"),
        _spec(Action.DECIDE_EXTENSION, DecisionIn, do_decide_extension, "extension/decision"),
        _spec(Action.SUPERVISE, SuperviseIn, do_supervise),
        _spec(Action.WITHDRAW, NoteIn, do_withdraw, summary="撤回（派单前）"),
        _spec(Action.SUPPLEMENT, TextIn, do_supplement, summary="补充说明"),
        _spec(Action.OPINION, TextIn, do_opinion, summary="协办单位提交意见"),
        _spec(Action.REFUSE_RETURN, ReasonIn, do_refuse_return, "refuse-return"),
        _spec(Action.FOLLOW_UP, FollowUpIn, do_follow_up, "follow-up", "回访记录"),
        _spec(Action.INTERIM, TextIn, do_interim_reply, "interim-reply", "阶段性答复（办理继续）"),
        _spec(Action.INSTRUCT, InstructIn, do_instruct, "instruct", "领导批示"),
        _spec(Action.DIRECT_ANSWER, ReplyIn, do_direct_answer, "direct-answer", "直接答复（咨询）"),
    )
}
"""Every action a person takes on an existing appeal. Submission (`services.submit_appeal`),
escalation (`escalate_severely_overdue`) and attachments (`services.attach_file`) are rules of
`actions.RULES` too, with entry points of their own shape."""


def parse_payload(action: str, payload: Mapping[str, Any] | Versioned) -> Versioned:
    """Validate a payload against the action's schema; errors are a 422 naming the field."""
    schema = REGISTRY[action].schema
    if isinstance(payload, schema):
        return payload
    try:
        return schema.model_validate(payload)
    except pydantic.ValidationError as exc:
        first = describe_errors(exc.errors())[0]
        raise InvalidInput(first["message"], field=first["field"], code=first["code"]) from None


def perform(
    action: str,
    appeal_id: int,
    actor,
    payload: Mapping[str, Any] | Versioned | None = None,
    *,
    now: datetime | None = None,
) -> Appeal:
    """Take `action` on the appeal with a payload of the action's schema (or a dict of it)."""
    data = parse_payload(action, payload or {})
    fields = data.model_dump(exclude={"version"})
    return REGISTRY[action].function(appeal_id, actor, version=data.version, now=now, **fields)
