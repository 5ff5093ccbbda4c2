"""The residents' site: home, sign-in, submit, my appeals, the public board, lookup."""

from django.urls import path

from massline.residents import views

app_name = "residents"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register, name="register"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("account/", views.account, name="account"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/<slug:tracking_no>/", views.submitted, name="submitted"),
    path("mine/", views.mine, name="mine"),
    path("board/", views.board, name="board"),
    path("lookup/", views.lookup, name="lookup"),
    path("report/", views.report, name="report"),
    path("report/follow/", views.report_follow, name="report_follow"),
    path("report/leave/", views.report_leave, name="report_leave"),
    path("report/case/<slug:tracking_no>/", views.report_case, name="report_case"),
    path("report/case/<slug:tracking_no>/material/", views.report_material, name="report_material"),
    path(
        "report/case/<slug:tracking_no>/retaliation/",
        views.report_retaliation,
        name="report_retaliation",
    ),
    path("appeals/<slug:tracking_no>/", views.appeal_page, name="appeal"),
    path("appeals/<slug:tracking_no>/attach/", views.appeal_attach, name="attach"),
    path("appeals/<slug:tracking_no>/follow/", views.follow, name="follow"),
    path("submit/similar/", views.similar, name="similar"),
    path("appeals/<slug:tracking_no>/<slug:action>/", views.appeal_action, name="appeal_action"),
]
