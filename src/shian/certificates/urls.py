"""Produce certificate pages."""

from django.urls import path

from shian.certificates import views

urlpatterns = [
    path("", views.certificate_list, name="certificate-list"),
    path("new/", views.certificate_new, name="certificate-new"),
    path("reissue/", views.certificate_reissue, name="certificate-reissue"),
    path("check/", views.certificate_check, name="certificate-check"),
    path("checks/", views.check_list, name="certificate-check-list"),
    path("<int:certificate_id>/", views.certificate_detail, name="certificate-detail"),
    path("<int:certificate_id>/qr.png", views.certificate_qr, name="certificate-qr"),
    path("<int:certificate_id>/revoke/", views.certificate_revoke, name="certificate-revoke"),
    path("c/<str:code>/", views.certificate_public, name="certificate-public"),
]
