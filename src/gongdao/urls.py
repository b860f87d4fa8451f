from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("gongdao.api.urls")),
    path("console/", include("gongdao.console.urls")),
    path("rules/", include("gongdao.policy.urls")),
    path("evidence/", include("gongdao.evidence.urls")),
    path("", include("gongdao.web.urls")),
    path("", include("gongdao.notify.urls")),
    path("", include("gongdao.dossiers.urls")),
    path("", include("gongdao.selfhelp.urls")),
]
