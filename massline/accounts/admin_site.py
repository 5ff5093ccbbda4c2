"""The admin site: a second factor from those who need one (see accounts.twofactor)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm

from massline.accounts.twofactor import confirmed_device, second_factor_required


class StaffLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label="动态验证码",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="已绑定身份验证器的账号和平台管理员必填：身份验证器上的6位数字。",
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not second_factor_required(user):
            return
        device = confirmed_device(user)
        if device is None:
            raise forms.ValidationError(
                "平台管理员须先绑定身份验证器：POST /api/v1/auth/totp 取得密钥，"
                "POST /api/v1/auth/totp/verify 确认；或由运维执行 massline totp_enrol <用户名>。",
                code="otp_enrolment_required",
            )
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError("请输入身份验证器上的6位动态验证码。", code="otp_required")
        allowed, _ = device.verify_is_allowed()
        if not (allowed and token.isdigit() and device.verify_token(token)):
            message = "动态验证码不正确。" if allowed else "验证失败次数过多，请稍后再试。"
            raise forms.ValidationError(message, code="otp_invalid")
        user.otp_device = device


class MasslineAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/massline_login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        if second_factor_required(request.user):
            return request.user.is_verified()
        return True
