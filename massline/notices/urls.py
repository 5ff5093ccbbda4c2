from django.urls import path

from massline.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.read, name="read"),
    path("settings/", views.settings_page, name="settings"),
    path("<int:pk>/", views.open_notice, name="open"),
]
