from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "massline.consult"
    label = "consult"
    verbose_name = "征求意见与网上调研"
