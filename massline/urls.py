from django.contrib import admin
from django.http import JsonResponse
from django.urls import path
from django.views.defaults import page_not_found

from massline.api import api
from massline.core import views as core_views

admin.site.site_header = "网上群众路线 · 管理后台"
admin.site.site_title = "网上群众路线"
admin.site.index_title = "管理后台"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]


def handler404(request, exception):
    if request.path.startswith("/api/"):
        body = {"code": "not_found", "message": "请求的地址不存在。", "field": None}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
