"""Traceability pages."""

from django.urls import path

from shian.trace import consumer_views, views

urlpatterns = [
    path("receipts/", views.receipt_list, name="trace-receipt-list"),
    path("receipts/new/", views.receipt_new, name="trace-receipt-new"),
    path("receipts/<int:receipt_id>/", views.receipt_detail, name="trace-receipt-detail"),
    path("receipts/<int:receipt_id>/confirm/", views.receipt_confirm, name="trace-receipt-confirm"),
    path("receipts/<int:receipt_id>/correct/", views.receipt_correct, name="trace-receipt-correct"),
    path("receipts/<int:receipt_id>/dispute/", views.receipt_dispute, name="trace-receipt-dispute"),
    path("receipts/<int:receipt_id>/documents/", views.receipt_attach, name="trace-receipt-attach"),
    path("flagged/", views.flagged_list, name="trace-flagged-list"),
    path("shipments/new/", views.shipment_new, name="trace-shipment-new"),
    path("products/", views.product_list, name="trace-product-list"),
    path("products/<int:product_id>/", views.product_detail, name="trace-product-detail"),
    path("lots/<int:lot_id>/trace/", views.lot_trace, name="trace-lot-trace"),
    path("lots/<int:lot_id>/label/", consumer_views.lot_label, name="trace-lot-label"),
    path("lots/<int:lot_id>/label.<str:fmt>", consumer_views.lot_label_file, name="trace-lot-label-file"),
    path("documents/<int:document_id>/file", views.document_file, name="trace-document-file"),
    path("transformations/", views.transformation_list, name="trace-transformation-list"),
    path("transformations/new/", views.transformation_new, name="trace-transformation-new"),
    path("transformations/<int:transformation_id>/", views.transformation_detail, name="trace-transformation-detail"),
    path("recall/", views.recall_scope, name="trace-recall"),
    path("recall/export.xlsx", views.recall_export, name="trace-recall-export"),
]
