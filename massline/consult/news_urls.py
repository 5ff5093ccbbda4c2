"""信息发布 (announcements, documents, interpretations, refutations) and its Atom feed."""

from django.urls import path

from massline.consult import news_views

app_name = "news"

urlpatterns = [
    path("", news_views.index, name="index"),
    path("feed/", news_views.LatestFeed(), name="feed"),
    path("new/", news_views.start, name="start"),
    path("<int:pk>/", news_views.detail, name="detail"),
    path("<int:pk>/ask/", news_views.ask, name="ask"),
    path("<int:pk>/answer/<int:inquiry_id>/", news_views.answer, name="answer"),
]
