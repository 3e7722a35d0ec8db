"""Sampling pages (under /sampling/)."""

from django.urls import path

from shian.sampling import views

urlpatterns = [
    path("", views.sample_list, name="sampling-sample-list"),
    path("new/", views.sample_new, name="sampling-sample-new"),
    path("<int:sample_id>/", views.sample_detail, name="sampling-sample-detail"),
    path("<int:sample_id>/receive/", views.sample_receive, name="sampling-sample-receive"),
    path("<int:sample_id>/results/", views.sample_results, name="sampling-sample-results"),
    path("<int:sample_id>/retest/", views.retest_request, name="sampling-retest-request"),
    path("retests/<int:retest_id>/draw/", views.retest_draw, name="sampling-retest-draw"),
    path("notifications/<int:notification_id>/deliver/", views.notification_deliver, name="sampling-notification-deliver"),
    path("disposals/", views.disposal_list, name="sampling-disposal-list"),
    path("disposals/<int:disposal_id>/", views.disposal_detail, name="sampling-disposal-detail"),
    path("disposals/<int:disposal_id>/respond/", views.disposal_respond, name="sampling-disposal-respond"),
    path("disposals/<int:disposal_id>/verify/", views.disposal_verify, name="sampling-disposal-verify"),
    path("disposals/<int:disposal_id>/close/", views.disposal_close, name="sampling-disposal-close"),
    path("disposals/<int:disposal_id>/scope/", views.disposal_scope, name="sampling-disposal-scope"),
    path("deadlines/", views.deadlines, name="sampling-deadlines"),
    path("plans/", views.plan_list, name="sampling-plan-list"),
    path("plans/<int:plan_id>/", views.plan_detail, name="sampling-plan-detail"),
    path("indicators/", views.indicator_page, name="sampling-indicators"),
    path("limits/", views.limit_list, name="sampling-limits"),
    path("rapid/", views.rapid_list, name="sampling-rapid-list"),
    path("rapid/new/", views.rapid_new, name="sampling-rapid-new"),
    path("rapid/<int:rapid_id>/", views.rapid_detail, name="sampling-rapid-detail"),
    path("requests/", views.request_list, name="sampling-request-list"),
    path("requests/<int:request_id>/", views.request_detail, name="sampling-request-detail"),
    path("public/", views.public_results, name="sampling-public"),
]
