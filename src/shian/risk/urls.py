"""Risk pages (/risk/): grades, an operator's grade explained, warnings, rules, regrade, pending inspections ranked."""

from django.urls import path

from shian.risk import views

urlpatterns = [
    path("", views.overview, name="risk-overview"),
    path("operators/<int:operator_id>/", views.operator, name="risk-operator"),
    path("operators/<int:operator_id>/override/", views.override, name="risk-override"),
    path("warnings/", views.warning_list, name="risk-warning-list"),
    path("warnings/<int:warning_id>/handle/", views.warning_handle, name="risk-warning-handle"),
    path("rules/", views.rules_page, name="risk-rules"),
    path("rules/bands/", views.bands, name="risk-bands"),
    path("rules/factors/<str:code>/", views.factor, name="risk-factor"),
    path("rules/parameters/<str:code>/", views.parameter, name="risk-parameter"),
    path("regrade/", views.regrade, name="risk-regrade"),
    path("targeting/", views.targeting, name="risk-targeting"),
    path("targeting/retrain/", views.retrain, name="risk-retrain"),
]
