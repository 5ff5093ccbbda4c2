from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "massline.core"
    label = "core"
    verbose_name = "基础"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from massline.core import calendar

        calendar.connect_signals()
