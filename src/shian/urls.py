"""Top-level URLs: pages, the API under /api/v1/, the admin."""

from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from shian.api import api
from shian.trace import consumer_views

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
    path("certificates/", include("shian.certificates.urls")),
    path("coldchain/", include("shian.coldchain.urls")),
    path("sampling/", include("shian.sampling.urls")),
    path("inspections/", include("shian.inspection.urls")),
    path("rectifications/", include("shian.rectification.urls")),
    path("credit/", include("shian.credit.urls")),
    path("risk/", include("shian.risk.urls")),
    # Public consumer page (扫码查询): the GS1 Digital Link resolver, trace codes and the lookup form.
    re_path(r"^01/(?P<gtin>[^/]+)(?:/(?P<rest>.*))?$", consumer_views.resolve_digital_link, name="consumer-digital-link"),
    path("t/", consumer_views.lookup, name="consumer-lookup"),
    path("t/<str:trace_code>", consumer_views.resolve_trace_code, name="consumer-trace-code"),
]
