"""Forms of 征求意见: they render fields and keep what was typed; the rules and their Chinese
messages are the services', which `fail` puts at the field they name."""

from __future__ import annotations

from datetime import date

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from massline.consult.models import Audience, Outcome, PublicationKind
from massline.core.errors import DomainError, InvalidInput


class DomainForm(forms.Form):
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self._errors = ErrorDict()
            self.cleaned_data = {}
        for f in self.fields.values():
            f.required = bool(f.widget.attrs.get("required"))

    def fail(self, exc: DomainError) -> None:
        self.add_error(exc.field if exc.field in self.fields else None, exc.message)

    def choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def value(self, name: str) -> str:
        return str(self.data.get(name, "")).strip()

    def day(self, name: str) -> date:
        raw = self.value(name)
        try:
            return date.fromisoformat(raw)
        except ValueError:
            label = self.fields[name].label
            raise InvalidInput(f"{label}须为日期，如 2026-12-31。", field=name) from None


def _req(**attrs):
    return {"required": True, **attrs}


class ConsultationForm(DomainForm):
    org = forms.ChoiceField(label=_("发起单位"), widget=forms.Select(attrs=_req()))
    title = forms.CharField(
        label=_("标题"), widget=forms.TextInput(attrs=_req(maxlength=200)), required=False
    )
    summary = forms.CharField(
        label=_("起草说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    text = forms.CharField(
        label=_("草案全文"),
        help_text=_("每行一段；以“第一条”等开头的行开始新的一条。"),
        widget=forms.Textarea(attrs=_req(rows=14)),
        required=False,
    )
    first_day = forms.DateField(
        label=_("开始日期"), widget=forms.DateInput(attrs=_req(type="date")), required=False
    )
    last_day = forms.DateField(
        label=_("截止日期"),
        help_text=_("北京时间，截止日 24 时前提交的意见有效。"),
        widget=forms.DateInput(attrs=_req(type="date")),
        required=False,
    )
    audience = forms.ChoiceField(
        label=_("征求对象"), choices=Audience.choices, widget=forms.Select(attrs=_req())
    )
    region = forms.CharField(
        label=_("居民所在地区（区划代码）"),
        help_text=_("面向本地区实名居民时填写，如 421102（黄州区）。"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 12}),
    )
    party_org = forms.ChoiceField(label=_("党组织"), required=False, choices=[("", "—")])
    premoderate = forms.BooleanField(label=_("先审后发（意见经审核后才公开）"), required=False)


class CommentForm(DomainForm):
    body = forms.CharField(
        label=_("我的意见"),
        widget=forms.Textarea(attrs=_req(rows=4, maxlength=2000)),
        required=False,
    )


class ModerateForm(DomainForm):
    reason = forms.CharField(
        label=_("不予发布的理由"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
    )


class DecisionForm(DomainForm):
    title = forms.CharField(
        label=_("意见归纳"), widget=forms.TextInput(attrs=_req(maxlength=200)), required=False
    )
    outcome = forms.ChoiceField(
        label=_("采纳情况"), choices=Outcome.choices, widget=forms.RadioSelect(attrs=_req())
    )
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs=_req(rows=3)), required=False
    )


class ReportForm(DomainForm):
    summary = forms.CharField(
        label=_("采纳情况说明"), widget=forms.Textarea(attrs=_req(rows=5)), required=False
    )


class RevisionForm(DomainForm):
    note = forms.CharField(
        label=_("修改说明"), widget=forms.Textarea(attrs=_req(rows=3)), required=False
    )
    added = forms.CharField(
        label=_("新增段落"),
        help_text=_("每行一段，加在全文末尾。"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


OUTLINE_HELP = _(
    "每道题先写题型和题目，如“单选：您的年龄段”；题型有单选、多选、评分(满分5)、矩阵、排序、"
    "填空、地区，不必答的题写“填空(选答)：”。选项每行一个，以“- ”开头，可加“[跳到第4题]”"
    "“[限200人]”；矩阵的行写“行：甲 / 乙”；只在某个回答后出现的题加一行"
    "“显示条件：第2题选“深夜””。"
)


class SurveyForm(DomainForm):
    org = forms.ChoiceField(label=_("发起单位"), widget=forms.Select(attrs=_req()))
    title = forms.CharField(
        label=_("标题"), widget=forms.TextInput(attrs=_req(maxlength=200)), required=False
    )
    intro = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outline = forms.CharField(
        label=_("题目"),
        help_text=OUTLINE_HELP,
        widget=forms.Textarea(attrs=_req(rows=16)),
        required=False,
    )
    first_day = forms.DateField(
        label=_("开始日期"), widget=forms.DateInput(attrs=_req(type="date")), required=False
    )
    last_day = forms.DateField(
        label=_("截止日期"),
        help_text=_("北京时间，截止日 24 时前提交的答卷有效。"),
        widget=forms.DateInput(attrs=_req(type="date")),
        required=False,
    )
    audience = forms.ChoiceField(
        label=_("调查对象"), choices=Audience.choices, widget=forms.Select(attrs=_req())
    )
    region = forms.CharField(
        label=_("居民所在地区（区划代码）"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 12}),
    )
    party_org = forms.ChoiceField(label=_("党组织"), required=False, choices=[("", "—")])
    quota = forms.CharField(
        label=_("样本上限（份）"),
        required=False,
        help_text=_("留空为不限。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 7}),
    )
    results_public = forms.BooleanField(label=_("公开调查结果"), required=False, initial=True)


class PublicationForm(DomainForm):
    org = forms.ChoiceField(label=_("发布单位"), widget=forms.Select(attrs=_req()))
    kind = forms.ChoiceField(
        label=_("类别"), choices=PublicationKind.choices, widget=forms.Select(attrs=_req())
    )
    category = forms.ChoiceField(label=_("分类"), required=False)
    title = forms.CharField(
        label=_("标题"), widget=forms.TextInput(attrs=_req(maxlength=200)), required=False
    )
    doc_number = forms.CharField(
        label=_("文号"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 60}),
        help_text=_("政策文件填写，如 黄政规〔2026〕3号。"),
    )
    interprets = forms.ChoiceField(
        label=_("所解读的政策文件"), required=False, help_text=_("政策解读必填。")
    )
    rumour = forms.CharField(
        label=_("谣言内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("辟谣必填：网上流传的说法。"),
    )
    body = forms.CharField(
        label=_("正文"), widget=forms.Textarea(attrs=_req(rows=14)), required=False
    )


class InquiryForm(DomainForm):
    body = forms.CharField(
        label=_("我要提问"),
        widget=forms.Textarea(attrs=_req(rows=3, maxlength=1000)),
        required=False,
    )


class AnswerForm(DomainForm):
    answer = forms.CharField(
        label=_("答复"), widget=forms.Textarea(attrs=_req(rows=3)), required=False
    )


class InterviewForm(DomainForm):
    org = forms.ChoiceField(label=_("主办单位"), widget=forms.Select(attrs=_req()))
    title = forms.CharField(
        label=_("主题"), widget=forms.TextInput(attrs=_req(maxlength=200)), required=False
    )
    guests = forms.CharField(
        label=_("访谈嘉宾"),
        help_text=_("如 黄冈市住房和城乡建设局局长 王某某"),
        widget=forms.TextInput(attrs=_req(maxlength=200)),
        required=False,
    )
    intro = forms.CharField(
        label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_at = forms.CharField(
        label=_("开始时间"),
        widget=forms.DateTimeInput(attrs=_req(type="datetime-local")),
        required=False,
    )
    ends_at = forms.CharField(
        label=_("结束时间"),
        widget=forms.DateTimeInput(attrs=_req(type="datetime-local")),
        required=False,
    )


class MilestoneForm(DomainForm):
    decision = forms.ChoiceField(label=_("采纳事项"), widget=forms.Select(attrs=_req()))
    title = forms.CharField(
        label=_("落实节点"),
        help_text=_("如：修订稿报市政府常务会议审议"),
        widget=forms.TextInput(attrs=_req(maxlength=200)),
        required=False,
    )
    due_on = forms.DateField(
        label=_("计划完成日期"), widget=forms.DateInput(attrs=_req(type="date")), required=False
    )


class CompleteForm(DomainForm):
    done_on = forms.DateField(
        label=_("完成日期"), widget=forms.DateInput(attrs=_req(type="date")), required=False
    )
    evidence = forms.CharField(
        label=_("完成情况"),
        help_text=_("写明做了什么、文件或通知的名称和文号。"),
        widget=forms.Textarea(attrs=_req(rows=2)),
        required=False,
    )
