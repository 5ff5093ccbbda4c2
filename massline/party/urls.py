from django.urls import path

from massline.party import views

app_name = "party"

urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview, name="overview"),
    path("branch/<int:pk>/", views.branch, name="branch"),
    path("branch/<int:pk>/members/", views.roster, name="roster"),
    path("branch/<int:pk>/members/new/", views.member_edit, name="member_new"),
    path("branch/<int:pk>/members/<int:member_id>/", views.member_edit, name="member_edit"),
    path(
        "branch/<int:pk>/members/<int:member_id>/development/",
        views.development_view,
        name="development",
    ),
    path("branch/<int:pk>/transfers/", views.transfers, name="transfers"),
    path("branch/<int:pk>/meetings/", views.branch_meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/qr.svg", views.meeting_qr, name="meeting_qr"),
    path("checkin/", views.checkin, name="checkin"),
    path("branch/<int:pk>/dues/", views.branch_dues, name="dues"),
    path("dues/", views.my_dues, name="my_dues"),
    path("wishes/", views.wish_wall, name="wishes"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/<int:pk>/", views.wish, name="wish"),
    path("branch/<int:pk>/wishes/", views.branch_wishes, name="branch_wishes"),
    path("reports/", views.my_reports, name="reports"),
    path("branch/<int:pk>/reports/", views.branch_reports, name="branch_reports"),
    path("suggestions/", views.suggestions_view, name="suggestions"),
    path("suggestions/<int:pk>/", views.suggestion_view, name="suggestion"),
    path("study/", views.courses, name="courses"),
    path("study/<int:pk>/", views.lesson, name="lesson"),
    path("study/beat/", views.beat, name="beat"),
    path("points/", views.my_points, name="points"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("quiz/", views.daily, name="daily"),
    path("quiz/<int:pk>/", views.attempt, name="attempt"),
    path("exams/<int:pk>/start/", views.exam_start, name="exam_start"),
    path("exams/<int:pk>/results/", views.exam_results, name="exam_results"),
    path("bank/", views.question_bank, name="bank"),
    path("bank/template.xlsx", views.bank_template, name="bank_template"),
    path("bank/questions.xlsx", views.bank_export, name="bank_export"),
]
