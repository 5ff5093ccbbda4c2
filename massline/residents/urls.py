"""The residents' site: home, sign-in, submit, my appeals, the public board, lookup."""

from django.urls import path  # noqa: F401

app_name = "residents"

urlpatterns: list = []
