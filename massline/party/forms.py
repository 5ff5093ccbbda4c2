from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from massline.orgs.models import Org, OrgKind
from massline.party.models import CommitteePost, MeetingKind, PartyMember


class MemberForm(forms.ModelForm):
    class Meta:
        model = PartyMember
        fields = [
            "name",
            "gender",
            "stage",
            "applied_on",
            "joined_on",
            "full_on",
            "post",
            "status",
            "phone",
        ]
        widgets = {
            "applied_on": forms.DateInput(attrs={"type": "date"}),
            "activist_on": forms.DateInput(attrs={"type": "date"}),
            "candidate_on": forms.DateInput(attrs={"type": "date"}),
            "joined_on": forms.DateInput(attrs={"type": "date"}),
            "full_on": forms.DateInput(attrs={"type": "date"}),
            "gender": forms.Select(choices=[("", "—"), ("男", "男"), ("女", "女")]),
        }

    def clean(self):
        data = super().clean() or {}
        joined, full = data.get("joined_on"), data.get("full_on")
        if joined and full and full < joined:
            self.add_error("full_on", _("转正日期不能早于入党日期。"))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("题库文件（.xlsx）"), help_text=_("请先下载模板，按模板的列填写。")
    )


class MeetingForm(forms.Form):
    kind: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("会议类型"), queryset=MeetingKind.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("主题"), max_length=100)
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("地点"), max_length=100)
    agenda = forms.CharField(label=_("议程"), widget=forms.Textarea, required=False)

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].queryset = kinds  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    held_on = forms.DateField(
        label=_("召开日期"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    minutes = forms.CharField(label=_("会议记录"), widget=forms.Textarea, max_length=20000)
    attachment = forms.FileField(label=_("附件（照片或文件，可选）"), required=False)


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("会场出示的 6 位数字；扫会场二维码可自动填好。"),
    )


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("请假事由"), max_length=200)


class WishForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=_("所在社区的党组织"), queryset=Org.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("心愿（一句话）"), max_length=60)
    body = forms.CharField(
        label=_("需要什么帮助"),
        widget=forms.Textarea,
        max_length=1000,
        help_text=_("公开时会隐去姓名、电话和门牌号。"),
    )
    phone = forms.CharField(label=_("联系电话（不公开）"), max_length=20, required=False)

    def __init__(self, *args, on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Org.objects.filter(  # type: ignore[attr-defined]
            kind=OrgKind.PARTY_BRANCH, is_active=True, region__level__gte=5
        )
        if on_behalf:
            self.fields["resident_name"] = forms.CharField(
                label=_("代为登记：群众姓名"),
                max_length=50,
                required=False,
                help_text=_("替不会上网的群众登记时填写；替自己提心愿请留空。"),
            )


class FulfilForm(forms.Form):
    fulfilment = forms.CharField(label=_("实现情况"), widget=forms.Textarea, max_length=2000)
    photo = forms.ImageField(label=_("照片（可选）"), required=False)


class ThanksForm(forms.Form):
    thanks = forms.CharField(label=_("致谢的话"), max_length=200, required=False)


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("未通过的原因（不通过时填写）"), max_length=200, required=False
    )


class ReportForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("居住地社区的党组织"), queryset=Org.objects.none(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Org.objects.filter(  # type: ignore[attr-defined]
            kind=OrgKind.PARTY_BRANCH, is_active=True, region__level__gte=5
        )


class ServiceForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), min_value=Decimal("0.5"), max_value=24, decimal_places=1
    )
    task = forms.CharField(label=_("服务内容"), max_length=200)


class AdvanceForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明（如支部大会决议）"), max_length=200, required=False)


class TransferForm(forms.Form):
    to_branch = forms.ModelChoiceField(
        label=_("转入党支部"), queryset=Org.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=_("转接原因"), max_length=200)

    def __init__(self, *args, exclude: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = Org.objects.filter(  # type: ignore[attr-defined]
            kind=OrgKind.PARTY_BRANCH, is_active=True
        ).exclude(pk=exclude)


class SuggestionForm(forms.Form):
    org = forms.ModelChoiceField(label=_("提交给"), queryset=Org.objects.none(), empty_label=None)
    title = forms.CharField(label=_("标题"), max_length=80)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea, max_length=3000)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in targets]
        ).order_by("-path")


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea, max_length=3000)


class SeatForm(forms.Form):
    member = forms.ModelChoiceField(label=_("委员"), queryset=PartyMember.objects.none())
    post = forms.ChoiceField(label=_("职务"), choices=CommitteePost.choices)
    term_start = forms.DateField(
        label=_("任期开始"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(label=_("任期届满"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members  # type: ignore[attr-defined]
