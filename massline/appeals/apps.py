from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "massline.appeals"
    label = "appeals"
    verbose_name = "诉求"
