from django import forms
from django.utils.translation import gettext_lazy as _

from massline.party.models import PartyMember


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
