from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "massline.residents"
    verbose_name = "群众端"
