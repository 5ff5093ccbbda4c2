from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "massline.party"
    label = "party"
    verbose_name = "掌上党建"
