from django import forms
from django.utils.translation import gettext_lazy as _

from massline.party.models import MeetingKind, PartyMember


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
