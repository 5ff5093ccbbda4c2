from base64 import b32encode

import segno
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from massline.accounts.models import User
from massline.core.audit import audit


class Command(BaseCommand):
    help = (
        "为用户绑定身份验证器（TOTP）并打印二维码、otpauth 地址和密钥：用于第一个平台管理员或演示。"
        "密钥只打印这一次，请直接录入手机上的身份验证器。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--replace", action="store_true", help="删除该用户已有的设备后重新绑定")

    def handle(self, *args, username: str, replace: bool, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在")
        existing = TOTPDevice.objects.filter(user=user)
        if existing.filter(confirmed=True).exists() and not replace:
            raise CommandError(f"{username} 已绑定身份验证器；如需更换请加 --replace")
        with transaction.atomic():
            existing.delete()
            device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=True)
            audit("account.totp_enrolled", target=user, by="totp_enrol command")
        segno.make(device.config_url, error="m").terminal(out=self.stdout, compact=True)
        self.stdout.write(f"otpauth 地址：{device.config_url}")
        self.stdout.write(f"密钥（手动录入）：{b32encode(device.bin_key).decode()}")
        self.stdout.write("登录管理后台时在“动态验证码”一栏填写身份验证器上的6位数字。")
