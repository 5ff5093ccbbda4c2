"""The appeal's vocabulary: every action, who may take it from which state, and its payload.

`RULES` is the state machine as data. The functions that carry each action out live in
`workflow.py`, which pairs them with these rules and schemas in `workflow.REGISTRY`; the API
routes, the pages, the demo replay and the tests all read that registry.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from django.db import models
from pydantic import Field, field_validator

from massline.appeals.models import OPEN_STATES, Channel, Kind, State, Verdict
from massline.core.validation import Input
from massline.orgs.models import Role


class Action(models.TextChoices):
    SUBMIT = "submit", "提交"
    ACCEPT = "accept", "受理"
    REJECT = "reject", "不予受理"
    DISPATCH = "dispatch", "派单"
    TRANSFER = "transfer", "转派"
    SIGN = "sign", "签收"
    RETURN = "return", "退回"
    REPLY = "reply", "答复"
    CLOSE = "close", "办结"
    RATE = "rate", "评价"
    REOPEN = "reopen", "重办"
    MERGE = "merge", "并案"
    REQUEST_EXTENSION = "request_extension", "申请延期"
    DECIDE_EXTENSION = "decide_extension", "审批延期"
    SUPERVISE = "supervise", "督办"
    ESCALATE = "escalate", "超期升级"
    ATTACH = "attach", "上传附件"
    REGISTER = "register", "代为登记"
    WITHDRAW = "withdraw", "撤回"
    SUPPLEMENT = "supplement", "补充说明"
    OPINION = "opinion", "协办意见"
    REFUSE_RETURN = "refuse_return", "驳回退回"
    FOLLOW_UP = "follow_up", "回访"
    REMIND = "remind", "预警提醒"
    FOLLOW_UP_DUE = "follow_up_due", "待回访"
    INTERIM = "interim_reply", "阶段性答复"
    INSTRUCT = "instruct", "领导批示"
    DIRECT_ANSWER = "direct_answer", "直接答复"


@dataclass(frozen=True)
class Rule:
    """`roles` may take the action from any of `states`; `to` is the new state (None: unchanged).
    An empty `states` means the action creates the appeal."""

    states: tuple[str, ...]
    roles: tuple[str, ...]
    to: str | None


S, R, A = State, Role, Action
ASSIGNED = (S.ASSIGNED, S.IN_PROGRESS)
FOLLOWED = (S.REPLIED, S.CLOSED, S.REOPENED, S.ACCEPTED, *ASSIGNED, S.RETURNED)
"""A follow-up call can be recorded once the appeal has been answered, whatever came next."""

RULES: dict[str, Rule] = {
    A.SUBMIT: Rule((), (R.RESIDENT,), S.SUBMITTED),
    A.ACCEPT: Rule((S.SUBMITTED,), (R.DISPATCHER,), S.ACCEPTED),
    A.REJECT: Rule((S.SUBMITTED, S.ACCEPTED), (R.DISPATCHER,), S.REJECTED),
    A.DISPATCH: Rule((S.ACCEPTED, S.RETURNED, S.REOPENED), (R.DISPATCHER,), S.ASSIGNED),
    A.TRANSFER: Rule(ASSIGNED, (R.DISPATCHER,), S.ASSIGNED),
    A.SIGN: Rule((S.ASSIGNED,), (R.HANDLER,), S.IN_PROGRESS),
    A.RETURN: Rule(ASSIGNED, (R.HANDLER,), S.RETURNED),
    A.REPLY: Rule((S.IN_PROGRESS,), (R.HANDLER,), S.REPLIED),
    A.CLOSE: Rule((S.REPLIED,), (R.DISPATCHER, R.SYSTEM), S.CLOSED),
    A.RATE: Rule((S.REPLIED,), (R.RESIDENT,), S.CLOSED),
    A.REOPEN: Rule((S.REPLIED, S.CLOSED), (R.LEADER, R.DISPATCHER), S.REOPENED),
    A.MERGE: Rule((S.SUBMITTED, S.ACCEPTED), (R.DISPATCHER,), S.ACCEPTED),
    A.REQUEST_EXTENSION: Rule((S.IN_PROGRESS,), (R.HANDLER,), None),
    A.DECIDE_EXTENSION: Rule(ASSIGNED, (R.DISPATCHER,), None),
    A.SUPERVISE: Rule(tuple(OPEN_STATES), (R.LEADER,), None),
    A.ESCALATE: Rule(ASSIGNED, (R.SYSTEM,), None),
    A.ATTACH: Rule(tuple(OPEN_STATES), (R.RESIDENT, R.HANDLER), None),
    A.REGISTER: Rule((), (R.DISPATCHER,), S.SUBMITTED),
    A.WITHDRAW: Rule((S.SUBMITTED, S.ACCEPTED), (R.RESIDENT,), S.WITHDRAWN),
    A.SUPPLEMENT: Rule(tuple(OPEN_STATES), (R.RESIDENT,), None),
    A.OPINION: Rule(ASSIGNED, (R.CO_HANDLER,), None),
    A.REFUSE_RETURN: Rule((S.RETURNED,), (R.DISPATCHER,), S.ASSIGNED),
    A.FOLLOW_UP: Rule(FOLLOWED, (R.DISPATCHER,), None),
    A.REMIND: Rule((*OPEN_STATES, S.REPLIED), (R.SYSTEM,), None),
    A.FOLLOW_UP_DUE: Rule(FOLLOWED, (R.SYSTEM,), None),
    A.INTERIM: Rule((S.IN_PROGRESS,), (R.HANDLER,), None),
    A.INSTRUCT: Rule(tuple(OPEN_STATES), (R.LEADER,), None),
    A.DIRECT_ANSWER: Rule((S.SUBMITTED, S.ACCEPTED), (R.DISPATCHER,), S.REPLIED),
}

TABLE: dict[tuple[str, str, str], str] = {
    (state, action, role): rule.to or state
    for action, rule in RULES.items()
    for state in rule.states
    for role in rule.roles
}
"""(state, action, role) → the state after the action."""


class Audience(models.TextChoices):
    """Who reads a text written at a step, as mature 12345 boards publish them: the reply and
    the fact and date of each step are public; staff's reasons and remarks stay inside."""

    PUBLIC = "public", "公开"
    RESIDENT = "resident", "仅告知诉求人"
    STAFF = "staff", "仅内部"


NOTE_AUDIENCE: dict[str, Audience] = {
    A.ACCEPT: Audience.STAFF,
    A.REJECT: Audience.RESIDENT,
    A.RETURN: Audience.STAFF,
    A.CLOSE: Audience.STAFF,
    A.REOPEN: Audience.STAFF,
    A.REQUEST_EXTENSION: Audience.STAFF,
    A.DECIDE_EXTENSION: Audience.STAFF,
    A.SUPERVISE: Audience.STAFF,
    A.WITHDRAW: Audience.RESIDENT,
    A.REFUSE_RETURN: Audience.STAFF,
    A.FOLLOW_UP: Audience.STAFF,
    A.REMIND: Audience.STAFF,
    A.FOLLOW_UP_DUE: Audience.STAFF,
    A.INSTRUCT: Audience.STAFF,
}
"""Who reads an event's `note` beyond the staff holding the appeal (default: public). The
notes of the other actions are the platform's own statement of the step (派至…, …已签收) or the
words of the resident and of the public reply; staff's remarks there go to `internal_note`."""

FIELD_AUDIENCE: dict[tuple[str, str], Audience] = {
    (A.ACCEPT, "note"): Audience.STAFF,
    (A.REJECT, "reason"): Audience.RESIDENT,
    (A.REJECT, "note"): Audience.RESIDENT,
    (A.DISPATCH, "note"): Audience.STAFF,
    (A.TRANSFER, "note"): Audience.STAFF,
    (A.RETURN, "reason"): Audience.STAFF,
    (A.REPLY, "text"): Audience.PUBLIC,
    (A.REPLY, "internal_note"): Audience.STAFF,
    (A.CLOSE, "note"): Audience.STAFF,
    (A.REOPEN, "reason"): Audience.STAFF,
    (A.REQUEST_EXTENSION, "reason"): Audience.STAFF,
    (A.DECIDE_EXTENSION, "note"): Audience.STAFF,
    (A.SUPERVISE, "note"): Audience.STAFF,
    (A.OPINION, "text"): Audience.STAFF,
    (A.REFUSE_RETURN, "reason"): Audience.STAFF,
    (A.FOLLOW_UP, "note"): Audience.STAFF,
    (A.INTERIM, "text"): Audience.PUBLIC,
    (A.INSTRUCT, "note"): Audience.STAFF,
    (A.DIRECT_ANSWER, "text"): Audience.PUBLIC,
    (A.DIRECT_ANSWER, "internal_note"): Audience.STAFF,
}
"""Who reads each text a staff member types into an action's form; the office labels every
such field with it (公开 / 仅告知诉求人 / 仅内部)."""

MERGED_BLOCKS = frozenset({A.DISPATCH, A.MERGE, A.TRANSFER, A.SUPPLEMENT})
"""A merged appeal follows its primary: it is not dispatched, transferred or merged on its own,
and more information goes to the primary, where the department reads it."""

REJECT_REASONS = {
    "duplicate": "重复诉求",
    "out_of_scope": "不属于受理范围",
    "abusive": "含有辱骂、攻击等不当内容",
    "no_content": "内容不明确，无法办理",
}


DIRECT_KINDS = frozenset({Kind.CONSULTATION})
"""直接答复: the hub answers a 咨询 itself (policy, office hours, procedures) from its knowledge
base; every other kind needs a department to act and is dispatched."""


def allowed(state: str, roles: set[str] | frozenset[str], merged: bool = False) -> list[str]:
    """The actions these roles may take on an appeal in `state`, in the order of `Action`."""
    found = {a for (s, a, r) in TABLE if s == state and r in roles}
    if merged:
        found -= MERGED_BLOCKS
    return [a for a in Action.values if a in found]


PHONE = re.compile(r"(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)")
"""A mainland mobile number, or a landline with its area code (and an extension)."""
MOBILE = re.compile(r"1[3-9]\d{9}")


class AppealIn(Input):
    """A new appeal: the one schema of its fields, and every rule on them that needs no lookup."""

    kind: Kind = Field(description="投诉 complaint / 建议 suggestion / 咨询 consultation / …")
    title: str = Field(description="标题，4–100字")
    body: str = Field(description="内容，10–5000字")
    region_code: str = Field(description="所在地区的区划代码，如 421102（黄州区）", max_length=12)
    category_id: int | None = Field(None, ge=1, le=2**63 - 1)
    location: str = Field("", max_length=200)
    is_public: bool = True
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20, description="手机号或带区号的固定电话")
    accused_org_id: Annotated[
        int | None,
        Field(ge=1, le=2**63 - 1, description="被反映单位：该单位及其下属单位回避，不承办"),
    ] = None
    about_official: Annotated[
        bool,
        Field(description="举报公职人员违纪违法或作风问题：交纪检监察机关办理，举报人身份保密"),
    ] = False

    @field_validator("title", "body", "location", "contact_name", "contact_phone")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        if len(value) < 4:
            raise ValueError("标题至少4个字")
        if len(value) > 100:
            raise ValueError("标题不能超过100字")
        return value

    @field_validator("body")
    @classmethod
    def _body(cls, value: str) -> str:
        if len(value) < 10:
            raise ValueError("内容至少10个字，请写明事情经过和诉求")
        if len(value) > 5000:
            raise ValueError("内容不能超过5000字")
        return value

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if value and not PHONE.fullmatch(value):
            raise ValueError("联系电话须为11位手机号或带区号的固定电话")
        return value


class RegisterIn(AppealIn):
    """An appeal a dispatcher takes down for a caller, letter writer or visitor."""

    channel: Channel = Field(description="来源渠道：12345热线、微信、信件、来访")
    contact_name: str = Field(max_length=50, description="来电（来信、来访）群众姓名")
    contact_phone: str = Field(max_length=20, description="群众手机号：凭此号码登录查看、评价")

    @field_validator("channel")
    @classmethod
    def _not_web(cls, value: str) -> str:
        if value == Channel.WEB:
            raise ValueError("网站留言由群众本人提交，代为登记请选择热线、微信、信件或来访")
        return value

    @field_validator("contact_name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value:
            raise ValueError("请填写群众姓名")
        return value

    @field_validator("contact_phone")
    @classmethod
    def _mobile(cls, value: str) -> str:
        if not MOBILE.fullmatch(value):
            raise ValueError("群众手机号须为11位手机号，群众凭此号码查看和评价")
        return value


class Versioned(Input):
    version: int | None = Field(
        None, description="详情中的 version；不一致时返回 409，防止覆盖他人操作"
    )


class NoteIn(Versioned):
    note: str = Field("", max_length=2000)


class RejectIn(Versioned):
    reason: str = Field(description=" / ".join(REJECT_REASONS))
    note: str = Field("", max_length=2000)


class DispatchIn(Versioned):
    org_id: int
    co_org_ids: list[int] = []
    note: str = Field("", max_length=2000)


class ReasonIn(Versioned):
    reason: str


class ReplyIn(Versioned):
    text: str = Field(description="公开答复内容")
    internal_note: str = Field("", max_length=2000)


class RateIn(Versioned):
    verdict: Verdict
    resolved: bool
    comment: str = ""


class MergeIn(Versioned):
    primary: str = Field(description="主件编号", max_length=24)


class ExtensionIn(Versioned):
    days: int
    reason: str


class DecisionIn(Versioned):
    approve: bool
    note: str = Field("", max_length=2000)


class SuperviseIn(Versioned):
    note: str
    due_date: date | None = Field(
        None,
        description="督办期限（日期，当日24时前答复）；不填则按该类诉求的督办时限（工作日）",
    )


class FollowUpIn(Versioned):
    outcome: str = Field(
        description="confirmed 群众认可 / dissatisfied 仍不满意 / unreachable 联系不上"
    )
    note: str = Field(description="回访记录，5–2000字")
    reopen: bool = Field(False, description="群众仍不满意时重新办理（重办）")


class InstructIn(Versioned):
    note: str = Field(description="批示内容，2–500字")


class TextIn(Versioned):
    text: str = Field(description="内容，5–2000字")

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        value = value.strip()
        if len(value) < 5:
            raise ValueError("内容至少5个字")
        if len(value) > 2000:
            raise ValueError("内容不能超过2000字")
        return value
