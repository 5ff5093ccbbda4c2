from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "massline.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self):
        from massline.accounts import signals  # noqa: F401


class MasslineAdminConfig(admin_apps.AdminConfig):
    """The admin whose site asks staff for their second factor (see accounts.admin_site)."""

    default = False
    default_site = "massline.accounts.admin_site.MasslineAdminSite"
