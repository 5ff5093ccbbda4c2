from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "massline.office"
    verbose_name = "工作台"
