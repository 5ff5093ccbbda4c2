"""Forms of the residents' site: they render the fields and keep what was typed.

They check nothing of their own: every rule is the domain's (actions.AppealIn, the account
services, the workflow's payload schemas), whose Chinese messages `field_errors` puts at the
named field."""

import re
import uuid
from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from massline.appeals.models import Category, Kind, State, Verdict
from massline.core.errors import DomainError
from massline.core.validation import describe_errors
from massline.core.widgets import WordsSelect
from massline.orgs.models import Level, Org, OrgKind, Region


def _text(label, *, widget=None, help_text="", required=True, **attrs):
    widget = widget or forms.TextInput
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=widget(attrs={**({"required": True} if required else {}), **attrs}),
    )


def choose(form: forms.Form, name: str, choices: list) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class DomainForm(forms.Form):
    """A form whose messages come from the domain. `fail(exc)` puts a pydantic ValidationError
    or a DomainError at its field (or above the form), naming the field in Chinese."""

    required_css_class = "required"
    notice = ""
    """A message for the whole form (a limit reached), shown above it."""
    aliases: dict[str, str] = {}
    """Field names of the domain that this form calls otherwise (username → password…)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # Django checks nothing here: only the domain's errors are shown
            self._errors = ErrorDict()
            self.cleaned_data = {}
        for field in self.fields.values():  # required: marked * by field.html, never checked
            field.required = bool(field.widget.attrs.get("required"))

    def data_of(self, *names: str) -> dict[str, Any]:
        return {n: self.data.get(n, "") for n in names}

    def choose(self, name: str, choices: list) -> None:
        choose(self, name, choices)

    def _place(self, field: str | None, message: str) -> None:
        name = self.aliases.get(field or "", field or "")
        if name in self.fields:
            label = str(self.fields[name].label)
            if field and message.startswith(f"{field}："):
                message = message[len(field) + 1 :]
            elif field and message.startswith(f"{field} "):
                message = f"{label}{message[len(field) + 1 :]}"
            self.add_error(name, message)
        else:
            self.add_error(None, message)

    def fail(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            for err in describe_errors(exc.errors()):
                self._place(err["field"], err["message"])
        elif isinstance(exc, DomainError):
            self._place(exc.field, exc.message)
        else:  # pragma: no cover
            raise exc


# --- accounts -------------------------------------------------------------------------------


class LoginForm(DomainForm):
    username = _text(
        _("手机号或用户名"), autocomplete="username", inputmode="text", autocapitalize="none"
    )
    password = _text(_("密码"), widget=forms.PasswordInput, autocomplete="current-password")


class CodeForm(DomainForm):
    """Step one of registration and password reset: a code to the phone (and, when the service
    asks, the answer to its arithmetic question)."""

    phone = _text(_("手机号"), widget=forms.TextInput, autocomplete="tel", inputmode="numeric")
    challenge_token = forms.CharField(required=False, widget=forms.HiddenInput)
    challenge_answer = _text(_("请回答问题"), required=False, inputmode="numeric")

    def __init__(self, *args, question: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        if question:
            self.fields["challenge_answer"].label = question
            self.fields["challenge_answer"].widget.attrs["required"] = True
            self.fields["challenge_answer"].required = True


class FinishForm(DomainForm):
    """Step two: its fields' ids differ from step one's, both forms being on one page."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "finish_%s")
        super().__init__(*args, **kwargs)


class RegisterForm(FinishForm):
    phone = _text(_("手机号"), autocomplete="tel", inputmode="numeric")
    code = _text(_("短信验证码"), autocomplete="one-time-code", inputmode="numeric")
    real_name = _text(_("真实姓名"), autocomplete="name")
    password = _text(
        _("设置密码"),
        widget=forms.PasswordInput,
        autocomplete="new-password",
        help_text=_("至少8位，不能全是数字，不要与手机号、姓名相近。"),
    )


class ResetForm(FinishForm):
    phone = _text(_("手机号"), autocomplete="tel", inputmode="numeric")
    code = _text(_("短信验证码"), autocomplete="one-time-code", inputmode="numeric")
    password = _text(
        _("新密码"),
        widget=forms.PasswordInput,
        autocomplete="new-password",
        help_text=_("至少8位，不能全是数字。重设后，其他设备上的登录都会失效。"),
    )


class LookupForm(DomainForm):
    tracking_no = _text(_("留言编号"), placeholder="HG20260101-000001", autocapitalize="characters")
    phone = _text(_("留言时的手机号"), autocomplete="tel", inputmode="numeric")


# --- submitting -----------------------------------------------------------------------------


def category_choices() -> list:
    return category_picker()[0]


def category_picker() -> tuple[list, dict[str, str]]:
    """Level-1 categories as groups; their level-2 and level-3 categories as options, each with
    the words people use for it and for its parents (one query). A plain <select> without
    JavaScript; core/static/js/picker.js adds a type-ahead filter over names and words. A
    switched-off category (is_active) and what is under it are not offered."""
    rows = list(Category.objects.filter(is_active=True).order_by("level", "id"))
    by_parent: dict[int | None, list[Category]] = {}
    for c in rows:
        by_parent.setdefault(c.parent_id, []).append(c)
    groups: list = [("", _("（不确定可不选）"))]
    words: dict[str, str] = {}
    for top in by_parent.get(None, []):
        options = []
        for mid in by_parent.get(top.pk, []):
            options.append((str(mid.pk), mid.name))
            words[str(mid.pk)] = " ".join(w for w in (top.keywords, mid.keywords) if w)
            for leaf in by_parent.get(mid.pk, []):
                options.append((str(leaf.pk), f"{mid.name} › {leaf.name}"))
                words[str(leaf.pk)] = " ".join(w for w in (mid.keywords, leaf.keywords) if w)
        groups.append((top.name, options or [(str(top.pk), top.name)]))
    return groups, {k: v for k, v in words.items() if v}


def city_regions() -> list[Region]:
    """The counties and towns of the platform's city (settings.MASSLINE_REGION), in tree order."""
    city = Region.objects.filter(code=settings.MASSLINE_REGION).values_list("path", flat=True)
    return list(
        Region.objects.filter(path__startswith=city[:1], level__gte=Level.COUNTY).order_by("path")
    )


def region_choices(regions: list[Region], *, towns: bool = True) -> list:
    """Counties as groups with the county itself first and its towns after (county → town)."""
    groups: list = [("", _("请选择区县和乡镇（街道）"))]
    counties = [r for r in regions if r.level == Level.COUNTY]
    for county in counties:
        options = [(county.code, _("%(name)s（全域）") % {"name": county.name})]
        if towns:
            options += [
                (r.code, r.name)
                for r in regions
                if r.level > Level.COUNTY and r.path.startswith(county.path)
            ]
        groups.append((county.name, options))
    return groups


KIND_CHOICES = [("", _("请选择")), *list(Kind.choices)]


class AppealForm(DomainForm):
    """What a resident types; actions.AppealIn decides whether it is an appeal."""

    kind = forms.ChoiceField(
        label=_("留言类型"), choices=KIND_CHOICES, widget=forms.Select(attrs={"required": True})
    )
    title = _text(_("标题"), maxlength=100, help_text=_("一句话说明是什么事，4至100字。"))
    body = _text(
        _("内容"),
        widget=forms.Textarea,
        maxlength=5000,
        rows=8,
        help_text=_("写清时间、地点、经过和您的诉求，10至5000字。"),
    )
    category_id = forms.ChoiceField(
        label=_("事项分类"),
        required=False,
        help_text=_("可输入关键字筛选；不确定可不选，由工作人员分类。"),
    )
    region_code = forms.ChoiceField(
        label=_("所在地区"),
        widget=forms.Select(attrs={"required": True}),
        help_text=_("先选区县，再选乡镇（街道）；可输入关键字筛选。"),
    )
    location = _text(
        _("具体地点"), required=False, maxlength=200, help_text=_("如：考棚街与胜利街交叉口")
    )
    is_public = forms.ChoiceField(
        label=_("是否公开"),
        choices=[("1", _("公开（个人信息自动打码）")), ("0", _("不公开（仅本人和办理部门可见）"))],
        widget=forms.RadioSelect,
        initial="1",
    )
    contact_phone = _text(
        _("联系电话"),
        required=False,
        maxlength=20,
        inputmode="tel",
        autocomplete="tel",
        help_text=_("不填则使用注册手机号；仅办理部门可见。"),
    )
    attachments = forms.FileField(
        label=_("附件"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf"}
        ),
    )
    FIELDS = (
        "kind",
        "title",
        "body",
        "category_id",
        "region_code",
        "location",
        "is_public",
        "contact_phone",
    )

    def __init__(self, *args, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        groups, words = category_picker()
        self.fields["category_id"].widget = WordsSelect(words=words)
        self.choose("category_id", groups)
        self.choose("region_code", region_choices(regions))
        files = self.fields["attachments"].widget
        assert isinstance(files, forms.ClearableFileInput)
        files.allow_multiple_selected = True
        files.attrs["multiple"] = True
        limit = settings.ATTACHMENTS_PER_APPEAL
        size = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields["attachments"].help_text = _(
            "图片（JPG/PNG/GIF/WEBP）或PDF，最多%(limit)s个，每个不超过%(size)sMB。"
            "图片会去除拍摄地点等信息。"
        ) % {"limit": limit, "size": size}
        self.key: str = str(self.data.get("idempotency_key") or "") or uuid.uuid4().hex
        """The idempotency key: made when the form is first shown, sent back with it."""

    def payload(self) -> dict[str, Any]:
        data = self.data_of(*self.FIELDS)
        data["category_id"] = data["category_id"] or None
        data["is_public"] = data["is_public"] != "0"
        for unchosen in ("kind", "region_code"):  # nothing chosen: the schema's "为必填项"
            if not data[unchosen]:
                del data[unchosen]
        return data

    def new_key(self) -> None:
        self.key = uuid.uuid4().hex


# --- on an appeal ---------------------------------------------------------------------------


class ActionForm(DomainForm):
    """The form of one workflow action; payload() is the action's payload as typed."""

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError


class RateForm(ActionForm):
    verdict = forms.ChoiceField(
        label=_("您对答复的评价"),
        choices=[(v.value, v.label) for v in Verdict],
        widget=forms.RadioSelect(attrs={"required": True}),
    )
    resolved = forms.ChoiceField(
        label=_("问题是否已解决"),
        choices=[("1", _("已解决")), ("0", _("未解决"))],
        widget=forms.RadioSelect(attrs={"required": True}),
    )
    comment = _text(_("意见（选填）"), widget=forms.Textarea, required=False, rows=3)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def payload(self) -> dict[str, Any]:
        data = self.data_of("verdict", "comment", "version")
        resolved = str(self.data.get("resolved") or "")
        data["resolved"] = {"1": True, "0": False}.get(resolved, resolved)
        data["version"] = data["version"] or None
        return {k: v for k, v in data.items() if v != ""}  # nothing chosen: "为必填项"


class TextForm(ActionForm):
    text = _text(_("补充说明"), widget=forms.Textarea, rows=4, maxlength=2000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def payload(self) -> dict[str, Any]:
        data = self.data_of("text", "version")
        data["version"] = data["version"] or None
        return data


class NoteForm(ActionForm):
    note = _text(_("撤回原因（选填）"), required=False, maxlength=2000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def payload(self) -> dict[str, Any]:
        data = self.data_of("note", "version")
        data["version"] = data["version"] or None
        return data


class AttachForm(DomainForm):
    file = forms.FileField(
        label=_("补充附件"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf"}
        ),
    )


# --- the public board ------------------------------------------------------------------------

STATE_CHOICES = [("", _("全部状态"))] + [
    (s.value, s.label)
    for s in (
        State.ACCEPTED,
        State.ASSIGNED,
        State.IN_PROGRESS,
        State.REPLIED,
        State.CLOSED,
        State.RETURNED,
        State.REOPENED,
    )
]


class BoardForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("输入关键字，如：噪音")}),
    )
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部类型"))])
    category = forms.ChoiceField(label=_("分类"), required=False)
    region = forms.ChoiceField(label=_("地区"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False, choices=STATE_CHOICES)
    month = forms.CharField(
        label=_("月份"),
        required=False,
        max_length=7,
        widget=forms.DateInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )

    def clean_month(self) -> tuple[date, date] | None:
        text = self.cleaned_data["month"].strip()
        if not text:
            return None
        found = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if found is None or not (2000 <= int(found[1]) <= 2100 and 1 <= int(found[2]) <= 12):
            raise forms.ValidationError(_("请按“年-月”填写，如 2026-11（2000 年至 2100 年）。"))
        first = date(int(found[1]), int(found[2]), 1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following - timedelta(days=1)

    def filters(self) -> dict[str, Any]:
        """The board's filters from the fields that are valid; an invalid one is shown at its
        field and left out, so the list still answers."""
        if not self.is_bound:
            return {}
        self.is_valid()
        c = self.cleaned_data
        month = c.get("month")
        return {
            "q": c.get("q", ""),
            "kind": c.get("kind") or None,
            "state": c.get("state") or None,
            "category_id": int(c["category"]) if c.get("category") else None,
            "region_code": c.get("region") or None,
            "date_from": month[0] if month else None,
            "date_to": month[1] if month else None,
        }

    def __init__(self, *args, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        choose(self, "kind", [("", _("全部类型")), *list(Kind.choices)])
        groups, words = category_picker()
        self.fields["category"].widget = WordsSelect(words=words)
        choose(self, "category", [("", _("全部分类")), *groups[1:]])
        counties = [(r.code, r.name) for r in regions if r.level == Level.COUNTY]
        choose(self, "region", [("", _("全部地区")), *counties])


# --- 监督举报 -----------------------------------------------------------------------------------


def accused_choices() -> list:
    """The city's governments, departments and hubs, grouped by the government they belong to
    (a plain <select>; the page's script adds a type-ahead filter)."""
    city = Region.objects.filter(code=settings.MASSLINE_REGION).values_list("path", flat=True)
    kinds = (OrgKind.GOVERNMENT, OrgKind.DEPARTMENT, OrgKind.HUB, OrgKind.DISCIPLINE)
    orgs = list(
        Org.objects.filter(region__path__startswith=city[:1], kind__in=kinds, is_active=True)
        .exclude(level=Level.TOWNSHIP)
        .order_by("path")
    )
    return [("", _("请选择被反映的单位")), *[(str(o.pk), o.name) for o in orgs]]


class ReportForm(DomainForm):
    """A 举报 about an official's conduct; anonymous reporters also choose a password."""

    accused_org_id = forms.ChoiceField(
        label=_("被反映单位"),
        widget=forms.Select(attrs={"required": True}),
        help_text=_("被反映人所在的单位。该单位回避，举报交纪检监察机关办理。"),
    )
    title = _text(_("标题"), maxlength=100, help_text=_("一句话说明反映的问题，4至100字。"))
    body = _text(
        _("举报内容"),
        widget=forms.Textarea,
        maxlength=5000,
        rows=8,
        help_text=_("被反映人的姓名、职务，问题的时间、地点、经过和线索，10至5000字。"),
    )
    region_code = forms.ChoiceField(
        label=_("问题发生地"), widget=forms.Select(attrs={"required": True})
    )
    contact_phone = _text(
        _("联系电话"),
        required=False,
        maxlength=20,
        inputmode="tel",
        autocomplete="off",
        help_text=_("可不填；填写后仅承办的纪检监察机关可见，便于核实。"),
    )
    password = _text(
        _("查询密码"),
        widget=forms.PasswordInput,
        autocomplete="new-password",
        help_text=_("匿名举报凭查询码和此密码查看进度、补充材料；至少8位，不要用生日、手机号。"),
    )
    password2 = _text(
        _("再次输入查询密码"), widget=forms.PasswordInput, autocomplete="new-password"
    )
    aliases = {"about_official": "accused_org_id"}

    def __init__(self, *args, regions: list[Region], anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.anonymous = anonymous
        self.choose("accused_org_id", accused_choices())
        self.choose("region_code", region_choices(regions))
        if not anonymous:
            del self.fields["password"], self.fields["password2"]

    def payload(self) -> dict[str, Any]:
        data = self.data_of("title", "body", "region_code", "contact_phone")
        data.update(kind=Kind.REPORT, about_official=True, is_public=False)
        data["accused_org_id"] = self.data.get("accused_org_id") or None
        if not data["region_code"]:
            del data["region_code"]
        return data


class FollowForm(DomainForm):
    code = _text(_("查询码"), autocomplete="off", autocapitalize="characters", spellcheck="false")
    password = _text(_("查询密码"), widget=forms.PasswordInput, autocomplete="current-password")


class MaterialForm(DomainForm):
    text = _text(_("补充材料"), widget=forms.Textarea, rows=4, maxlength=2000)


class RetaliationForm(DomainForm):
    title = _text(_("标题"), maxlength=100)
    body = _text(
        _("遭受打击报复的情况"),
        widget=forms.Textarea,
        rows=5,
        maxlength=5000,
        help_text=_("何时、何人、以何种方式打击报复；将与原举报一并交同一纪检监察机关办理。"),
    )
