"""Rectification pages (/rectifications/)."""

from django.urls import path

from shian.rectification import views

urlpatterns = [
    path("", views.order_list, name="rectification-list"),
    path("overdue/", views.overdue_list, name="rectification-overdue"),
    path("<int:order_id>/", views.order_detail, name="rectification-detail"),
    path("<int:order_id>/answer/", views.order_answer, name="rectification-answer"),
    path("<int:order_id>/review/", views.order_review, name="rectification-review"),
    path("photos/<int:photo_id>/file", views.photo_file, name="rectification-photo-file"),
]
