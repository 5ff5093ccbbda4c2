"""The staff back office: dispatcher, handler and leader work lists and the appeal desk."""

from django.urls import path  # noqa: F401

app_name = "office"

urlpatterns: list = []
