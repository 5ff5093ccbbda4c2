from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "massline.notices"
    label = "notices"
    verbose_name = "通知"
