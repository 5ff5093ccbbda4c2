from django.apps import AppConfig


class OpinionConfig(AppConfig):
    name = "massline.opinion"
    label = "opinion"
    verbose_name = "舆情分析"

    def ready(self) -> None:
        from django.conf import settings

        from massline.appeals.hooks import on_intake
        from massline.opinion.tasks import enqueue_analysis

        if getattr(settings, "OPINION_ON_INTAKE", True):
            on_intake(enqueue_analysis)
