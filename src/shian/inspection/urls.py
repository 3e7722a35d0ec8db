"""Inspection pages (/inspections/): plans, draws, assignments, checklists, records; public pages under public/ and v/."""

from django.urls import path

from shian.inspection import views

urlpatterns = [
    path("", views.inspection_list, name="inspection-list"),
    path("mine/", views.assignments, name="inspection-assignments"),
    path("plans/", views.plan_list, name="inspection-plan-list"),
    path("plans/new/", views.plan_new, name="inspection-plan-new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="inspection-plan-detail"),
    path("draws/", views.draw_list, name="inspection-draw-list"),
    path("draws/new/", views.draw_new, name="inspection-draw-new"),
    path("draws/<int:draw_id>/", views.draw_detail, name="inspection-draw-detail"),
    path("draws/<int:draw_id>/publish/", views.draw_publish, name="inspection-draw-publish"),
    path("draws/<int:draw_id>/verify/", views.draw_verify, name="inspection-draw-verify"),
    path("draws/<int:draw_id>/pool-<str:kind>.txt", views.draw_pool, name="inspection-draw-pool"),
    path("overdue/", views.overdue, name="inspection-overdue"),
    path("indicators/", views.indicators, name="inspection-indicators"),
    path("photos/<int:photo_id>/file", views.photo_file, name="inspection-photo-file"),
    path("<int:inspection_id>/", views.inspection_detail, name="inspection-detail"),
    path("<int:inspection_id>/form/", views.inspection_form, name="inspection-form"),
    path("<int:inspection_id>/photos/", views.photo_add, name="inspection-photo-add"),
    path("<int:inspection_id>/acknowledge/", views.acknowledge, name="inspection-acknowledge"),
    path("<int:inspection_id>/close/", views.close, name="inspection-close"),
    path("<int:inspection_id>/amend/", views.amend, name="inspection-amend"),
    path("<int:inspection_id>/publish/", views.publish, name="inspection-publish"),
    path("<int:inspection_id>/record.pdf", views.record_pdf, name="inspection-record-pdf"),
    path("public/", views.public, name="inspection-public"),
    path("public/draws/<int:draw_id>/", views.public_draw, name="inspection-public-draw"),
    path("v/<str:code>/", views.verify_record, name="inspection-verify-record"),
]
