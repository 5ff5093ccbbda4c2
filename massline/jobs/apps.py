from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "massline.jobs"
    label = "jobs"
    verbose_name = "后台任务"
