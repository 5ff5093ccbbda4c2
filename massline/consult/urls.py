"""征求意见: the list, a draft with its comments, the 采纳情况 report, the organiser's pages."""

from django.urls import path

from massline.consult import interview_views, views

app_name = "consult"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/support/<int:comment_id>/", views.support, name="support"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/manage/comments.xlsx", views.comments_xlsx, name="comments_xlsx"),
    path("<int:pk>/manage/<slug:action>/", views.manage_action, name="manage_action"),
    path("interviews/", interview_views.index, name="interviews"),
    path("interviews/new/", interview_views.start, name="interview_start"),
    path("interviews/<int:pk>/", interview_views.detail, name="interview"),
    path("interviews/<int:pk>/live/", interview_views.live, name="interview_live"),
    path("interviews/<int:pk>/ask/", interview_views.ask, name="interview_ask"),
    path("interviews/<int:pk>/host/", interview_views.host, name="interview_host"),
    path(
        "interviews/<int:pk>/host/<int:question_id>/<slug:action>/",
        interview_views.host_action,
        name="interview_host_action",
    ),
    path(
        "interviews/<int:pk>/questions/<int:question_id>/appeal/",
        interview_views.to_appeal,
        name="interview_to_appeal",
    ),
    path("surveys/", views.survey_index, name="survey_index"),
    path("surveys/new/", views.survey_start, name="survey_start"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
    path("surveys/<int:pk>/results.xlsx", views.survey_xlsx, name="survey_xlsx"),
]
