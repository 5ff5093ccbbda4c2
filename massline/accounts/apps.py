from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "massline.accounts"
    label = "accounts"
    verbose_name = "账户"
