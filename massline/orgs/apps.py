from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "massline.orgs"
    label = "orgs"
    verbose_name = "机构与区划"
