from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from massline.api import api
from massline.assessment import views as assessment_views
from massline.core import views as core_views
from massline.residents import views as residents_views

admin.site.site_header = "网上群众路线 · 管理后台"
admin.site.site_title = "网上群众路线"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("", residents_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("care-mode/", core_views.care_mode, name="care_mode"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("office/assessment/", include("massline.assessment.urls")),
    path("office/opinion/", include("massline.opinion.urls")),
    path("office/", include("massline.office.urls")),
    path("notices/", include("massline.notices.urls")),
    path("consult/", include("massline.consult.urls")),
    path("knowledge/", include("massline.knowledge.urls")),
    path("news/", include("massline.consult.news_urls")),
    path("party/", include("massline.party.urls")),
    path("transparency/", assessment_views.transparency, name="transparency"),
    path("", include("massline.residents.urls")),
]

# People get the site's layout in Chinese; /api/ gets the API's JSON envelope.
handler403 = core_views.forbidden
handler404 = core_views.not_found
handler500 = core_views.server_error
