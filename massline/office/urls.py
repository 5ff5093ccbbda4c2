"""The staff back office: dispatcher, handler and leader work lists and the appeal desk."""

from django.urls import path

from massline.office import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.find, name="search"),
    path("queue/<slug:key>/", views.queue_page, name="queue"),
    path("queue/<slug:key>/bulk/", views.bulk, name="bulk"),
    path("appeals/<slug:tracking_no>/", views.desk, name="desk"),
    path("appeals/<slug:tracking_no>/attach/", views.attach, name="attach"),
    path("appeals/<slug:tracking_no>/do/<slug:action>/", views.act, name="act"),
    path("register/", views.register, name="register"),
    path("supervision/", views.supervision, name="supervision"),
]
