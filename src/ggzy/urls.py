from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from .api import api

admin.site.site_header = settings.GGZY_PLATFORM_NAME + " · 后台管理"
admin.site.site_title = settings.GGZY_PLATFORM_NAME
admin.site.index_title = "后台管理 Administration"

handler403 = "ggzy.core.http.permission_denied"
handler404 = "ggzy.core.http.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("ggzy.accounts.urls")),
    path("entities/", include("ggzy.entities.urls")),
    path("catalogue/", include("ggzy.catalogue.urls")),
    path("experts/", include("ggzy.experts.urls")),
    path("tendering/", include("ggzy.tendering.urls")),
    path("deposits/", include("ggzy.deposits.urls")),
    path("evaluation/", include("ggzy.evaluation.urls")),
    path("awards/", include("ggzy.awards.urls")),
    path("auctions/", include("ggzy.auctions.urls")),
    path("calendar/", include("ggzy.workcalendar.urls")),
    path("", include("ggzy.portal.urls")),
    path("", include("ggzy.web.urls")),
]
