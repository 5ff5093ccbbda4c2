from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "massline.assessment"
    label = "assessment"
    verbose_name = "考核"
