"""``/epcis/``: the EPCIS 2.0 REST binding (see :mod:`shian.epcis.api`)."""

from django.urls import path

from shian.epcis.api import epcis_api

urlpatterns = [
    path("", epcis_api.urls),
]
