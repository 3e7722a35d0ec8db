"""Top-level URLs: pages, the API under /api/v1/, the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from shian.api import api

admin.site.site_header = "食安 Shian"
admin.site.site_title = "食安 Shian"

urlpatterns = [
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("shian.core.urls")),
    path("operators/", include("shian.registry.urls")),
    path("trace/", include("shian.trace.urls")),
    path("epcis/", include("shian.epcis.urls")),
]
