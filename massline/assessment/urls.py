from django.urls import path

from massline.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("appeals/", views.behind, name="behind"),
    path("report.xlsx", views.report_xlsx, name="report"),
]
