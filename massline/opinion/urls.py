from django.urls import path

from massline.opinion import views

app_name = "opinion"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("appeals/", views.behind, name="behind"),
    path("alerts/<int:pk>/<slug:action>/", views.alert_action, name="alert"),
]
