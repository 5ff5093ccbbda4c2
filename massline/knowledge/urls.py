from django.urls import path

from massline.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.search, name="search"),
]
