"""Registry pages."""

from django.urls import path

from shian.registry import views

urlpatterns = [
    path("", views.operator_list, name="operator-list"),
    path("export.xlsx", views.operator_export, name="operator-export"),
    path("import/", views.operator_import, name="operator-import"),
    path("import/template.xlsx", views.import_template, name="operator-import-template"),
    path("licences/expiring/", views.licence_expiry, name="licence-expiry"),
    path("licences/expiring.xlsx", views.licence_expiry_export, name="licence-expiry-export"),
    path("<int:operator_id>/", views.dossier, name="operator-dossier"),
    path("<int:operator_id>/<slug:key>/", views.dossier_form, name="operator-dossier-form"),
]
