"""Cold-chain pages (under /coldchain/)."""

from django.urls import path

from shian.coldchain import views

urlpatterns = [
    path("", views.entry_list, name="coldchain-entry-list"),
    path("new/", views.entry_new, name="coldchain-entry-new"),
    path("excursions/", views.excursion_list, name="coldchain-excursions"),
    path("<int:entry_id>/", views.entry_detail, name="coldchain-entry-detail"),
    path("<int:entry_id>/certificates/", views.entry_attach, name="coldchain-entry-attach"),
    path("<int:entry_id>/certificates/<int:certificate_id>/file", views.certificate_file, name="coldchain-certificate-file"),
    path("<int:entry_id>/release/", views.entry_release, name="coldchain-entry-release"),
    path("<int:entry_id>/reject/", views.entry_reject, name="coldchain-entry-reject"),
    path("lots/<int:lot_id>/temperature/", views.lot_temperature, name="coldchain-lot-temperature"),
    path("lots/<int:lot_id>/readings/", views.readings_new, name="coldchain-readings-new"),
    path("r/<str:code>/", views.release_public, name="coldchain-release-public"),
]
