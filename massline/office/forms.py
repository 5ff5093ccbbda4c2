"""Forms of the office pages, built from the action registry.

Each action's form has the fields of its payload schema (`workflow.REGISTRY[action].schema`),
labelled in Chinese. The forms only render and keep what was typed: the domain validates
(`workflow.perform`, `services.register_appeal`) and its errors are put at the named field.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from massline.appeals.actions import FIELD_AUDIENCE, REJECT_REASONS, Action, Audience
from massline.appeals.models import Channel, FollowUp, Kind
from massline.appeals.workflow import REGISTRY, ActionSpec
from massline.core import widgets
from massline.orgs.models import Role

LABELS = {
    "note": _("备注"),
    "reason": _("理由"),
    "text": _("内容"),
    "internal_note": _("内部备注"),
    "org_id": _("主办单位"),
    "co_org_ids": _("协办单位"),
    "primary": _("主件编号"),
    "days": _("延期天数（工作日）"),
    "approve": _("审批意见"),
    "due_date": _("督办期限"),
}
ACTION_LABELS = {
    (Action.REJECT, "reason"): _("不予受理理由"),
    (Action.REJECT, "note"): _("补充说明"),
    (Action.ACCEPT, "note"): _("受理备注"),
    (Action.DISPATCH, "note"): _("派单备注"),
    (Action.TRANSFER, "note"): _("转派备注"),
    (Action.RETURN, "reason"): _("退回理由"),
    (Action.REOPEN, "reason"): _("重办理由"),
    (Action.REPLY, "text"): _("答复内容"),
    (Action.REPLY, "internal_note"): _("办理备注"),
    (Action.REQUEST_EXTENSION, "reason"): _("延期理由"),
    (Action.DECIDE_EXTENSION, "note"): _("审批说明"),
    (Action.SUPERVISE, "note"): _("督办意见"),
    (Action.INTERIM, "text"): _("阶段性答复"),
    (Action.INSTRUCT, "note"): _("批示内容"),
    (Action.OPINION, "text"): _("协办意见"),
    (Action.CLOSE, "note"): _("办结说明"),
    (Action.REFUSE_RETURN, "reason"): _("驳回理由（退回理由不成立，原单位继续办理）"),
    (Action.FOLLOW_UP, "outcome"): _("回访结果"),
    (Action.FOLLOW_UP, "note"): _("回访记录"),
    (Action.FOLLOW_UP, "reopen"): _("群众仍不满意，重新办理（重办）"),
    (Action.DIRECT_ANSWER, "text"): _("答复内容"),
    (Action.DIRECT_ANSWER, "internal_note"): _("备注"),
}
HELP = {
    (Action.REPLY, "text"): _("群众和公开页面看到的答复，至少10个字；写明办理情况和结果。"),
    (Action.MERGE, "primary"): _("并入的主件编号，如 HG20261123-000123；答复主件即答复本件。"),
    (Action.DISPATCH, "co_org_ids"): _(
        "可多选（按住 Ctrl 或 ⌘ 点选）；协办单位向主办单位提交意见。"
    ),
    (Action.TRANSFER, "co_org_ids"): _("可多选（按住 Ctrl 或 ⌘ 点选）。"),
    (Action.SUPERVISE, "due_date"): _(
        "承办单位须在当日24时前答复；不填则按该类诉求的督办时限（工作日）。不能晚于当前答复期限。"
    ),
    (Action.CLOSE, "note"): _("群众评价期满未评价的，由派单中心办结。"),
    (Action.REFUSE_RETURN, "reason"): _("记为该单位推诿；诉求退回该单位重新签收，答复时限不变。"),
    (Action.FOLLOW_UP, "note"): _("电话或上门回访时群众的意见，至少5个字。"),
    (Action.DIRECT_ANSWER, "text"): _(
        "派单中心直接答复咨询，不再派单；可从知识库选用后修改。群众可查看并评价。"
    ),
}
LONG = {"note", "reason", "text", "internal_note"}
AUDIENCE_LABELS = {
    Audience.PUBLIC: _("公开"),
    Audience.RESIDENT: _("仅告知诉求人，不公开"),
    Audience.STAFF: _("仅内部"),
}
"""Every field whose text someone reads says who (`actions.FIELD_AUDIENCE`)."""

STAFF_ACTIONS = [a for a, spec in REGISTRY.items() if set(spec.rule.roles) != {Role.RESIDENT}]
"""The actions the office offers forms for: all but the resident's own."""

DESK_ORDER = [
    Action.ACCEPT,
    Action.DIRECT_ANSWER,
    Action.DISPATCH,
    Action.REFUSE_RETURN,
    Action.SIGN,
    Action.REPLY,
    Action.INTERIM,
    Action.OPINION,
    Action.SUPERVISE,
    Action.INSTRUCT,
    Action.TRANSFER,
    Action.DECIDE_EXTENSION,
    Action.FOLLOW_UP,
    Action.CLOSE,
    Action.REOPEN,
    Action.REQUEST_EXTENSION,
    Action.MERGE,
    Action.RETURN,
    Action.REJECT,
]
"""The order of the forms on the desk: the usual next step first (shown open), refusals last."""


def desk_order(actions: list[str]) -> list[str]:
    known = [a for a in DESK_ORDER if a in actions]
    return known + [a for a in actions if a not in known]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class DomainForm(forms.Form):
    """A form whose errors come from the domain, not from Django's field cleaning."""

    action: str
    spec: ActionSpec

    def domain_error(self, field: str | None, message: str) -> None:
        self.full_clean()
        name = (field or "").split(".")[0]
        if name in self.fields:
            for prefix in (f"{name}：", f"{name} "):
                message = message.removeprefix(prefix)
            self.add_error(name, message)
        else:
            self.add_error(None, message)

    def full_clean(self) -> None:  # the domain validates; see domain_error
        if getattr(self, "_errors", None) is None:
            self._errors = ErrorDict()
            self.cleaned_data: dict[str, Any] = {}


def _field(spec: ActionSpec, name: str, info, org_choices) -> forms.Field:
    action = spec.action
    label: Any = ACTION_LABELS.get((action, name)) or LABELS.get(name) or name
    if (audience := FIELD_AUDIENCE.get((action, name))) is not None:
        label = format_lazy("{}（{}）", label, AUDIENCE_LABELS[audience])
    help_text: Any = HELP.get((action, name)) or ""
    required = info.is_required()
    choices: list[tuple[str, Any]]
    widget: forms.Widget
    if name == "reason" and action == Action.REJECT:
        choices = [("", "—"), *REJECT_REASONS.items()]
        return forms.ChoiceField(label=label, choices=choices, required=True)
    if name == "org_id":
        choices = [("", _("请选择承办单位")), *org_choices]
        widget = widgets.Select(attrs={"data-filter": "org"})
        return forms.ChoiceField(label=label, choices=choices, required=True, widget=widget)
    if name == "co_org_ids":
        widget = widgets.SelectMultiple(attrs={"size": 6, "data-filter": "org"})
        return forms.MultipleChoiceField(
            label=label, choices=org_choices, required=False, widget=widget, help_text=help_text
        )
    if name == "outcome" and action == Action.FOLLOW_UP:
        choices = [("", "—"), *FollowUp.Outcome.choices]
        return forms.ChoiceField(label=label, choices=choices, required=True)
    if name == "reopen":
        return forms.BooleanField(label=label, required=False)
    if name == "approve":
        choices = [("true", _("同意延期")), ("false", _("不同意延期"))]
        return forms.ChoiceField(
            label=label, choices=choices, widget=forms.RadioSelect, required=True
        )
    if name == "due_date":
        widget = forms.DateInput(attrs={"type": "date"})
        return forms.CharField(label=label, required=False, widget=widget, help_text=help_text)
    if name == "days":
        widget = forms.NumberInput(attrs={"min": 1, "max": 60, "inputmode": "numeric"})
        return forms.CharField(label=label, required=True, widget=widget)
    if name in LONG:
        rows = 8 if name == "text" and action in (Action.REPLY, Action.DIRECT_ANSWER) else 3
        widget = forms.Textarea(attrs={"rows": rows})
        return forms.CharField(label=label, required=required, widget=widget, help_text=help_text)
    widget = forms.TextInput(attrs={"autocomplete": "off"})
    return forms.CharField(label=label, required=required, widget=widget, help_text=help_text)


def action_form(
    action: str,
    *,
    version: int,
    data: Mapping[str, Any] | None = None,
    org_choices=(),
    initial: Mapping[str, Any] | None = None,
) -> DomainForm:
    """The form of one action, its fields from the registry's payload schema; `version` is the
    appeal's version the page was read at (a stale one makes the action a 409)."""
    spec = REGISTRY[action]
    fields: dict[str, forms.Field] = {}
    for name, info in spec.schema.model_fields.items():
        if name == "version":
            continue
        fields[name] = _field(spec, name, info, org_choices)
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
    if action == Action.REPLY:
        fields["files"] = forms.FileField(
            label=_("附件"),
            required=False,
            help_text=_("图片或PDF，可选多个；随答复一并保存。"),
            widget=MultipleFileInput(),
        )
    cls = type(f"{spec.action.value.title()}Form", (DomainForm,), dict(fields))
    form = cls(data=data, initial={**(initial or {}), "version": version}, auto_id=f"{action}-%s")
    form.action = spec.action
    form.spec = spec
    return form


def payload(action: str, post) -> dict[str, Any]:
    """The action's payload as posted, raw: the schema converts and checks it."""
    out: dict[str, Any] = {}
    for name in REGISTRY[action].schema.model_fields:
        if name == "co_org_ids":
            out[name] = [v for v in post.getlist(name) if v]
        elif name == "version":
            value = post.get("version", "").strip()
            out[name] = value or None
        elif name == "due_date":
            out[name] = post.get(name, "").strip() or None
        elif name in post:
            out[name] = post.get(name)
    return out


class AttachForm(DomainForm):
    file = forms.FileField(label=_("附件"), help_text=_("图片（JPG、PNG）或PDF"))


class RegisterForm(DomainForm):
    """A call, letter or visit taken down for a resident (`actions.RegisterIn`)."""

    channel = forms.ChoiceField(label=_("来源渠道"))
    contact_name = forms.CharField(label=_("群众姓名"), max_length=50)
    contact_phone = forms.CharField(
        label=_("群众手机号"),
        max_length=20,
        help_text=_("群众凭此号码登录查看办理情况并评价。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("诉求类型"), choices=Kind.choices)
    title = forms.CharField(label=_("标题"), help_text=_("4–100字，概括反映的事情。"))
    body = forms.CharField(
        label=_("内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("10–5000字：事情经过、地点、时间和群众的诉求。"),
    )
    region_code = forms.ChoiceField(label=_("所在地区"), widget=widgets.Select())
    category_id = forms.ChoiceField(label=_("分类"), required=False)
    location = forms.CharField(label=_("具体位置"), required=False, max_length=200)
    is_public = forms.BooleanField(label=_("群众同意公开（个人信息会被遮盖）"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, regions=(), categories=(), **kwargs):
        kwargs.setdefault("auto_id", "register-%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("idempotency_key", uuid.uuid4().hex)
        kwargs["initial"].setdefault("channel", Channel.HOTLINE)
        kwargs["initial"].setdefault("is_public", True)
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[str, Any]]] = {
            "channel": [c for c in Channel.choices if c[0] != Channel.WEB],
            "region_code": [("", _("请选择")), *regions],
            "category_id": [("", _("暂不分类")), *categories],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options

    def payload(self) -> dict[str, Any]:
        post = self.data
        out = {
            name: post.get(name, "")
            for name in ("channel", "contact_name", "contact_phone", "kind", "title", "body")
        }
        out["region_code"] = post.get("region_code", "")
        out["category_id"] = post.get("category_id") or None
        out["location"] = post.get("location", "")
        out["is_public"] = post.get("is_public") in ("on", "true", "1")
        return out
