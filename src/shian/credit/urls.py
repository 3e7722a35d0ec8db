"""Credit pages (/credit/): the file, profiles, repair, the serious-violation list; public pages under p/, public/ and rules/."""

from django.urls import path

from shian.credit import views

urlpatterns = [
    path("", views.record_list, name="credit-record-list"),
    path("records/new/", views.record_new, name="credit-record-new"),
    path("records/<int:record_id>/", views.record_detail, name="credit-record-detail"),
    path("records/<int:record_id>/withdraw/", views.record_withdraw, name="credit-record-withdraw"),
    path("records/<int:record_id>/repair/", views.repair_apply, name="credit-repair-apply"),
    path("records/<int:record_id>/list/", views.listing_propose, name="credit-listing-propose"),
    path("operators/<int:operator_id>/", views.profile, name="credit-profile"),
    path("operators/<int:operator_id>/what-if/", views.what_if, name="credit-what-if"),
    path("operators/<int:operator_id>/points/", views.points_new, name="credit-points-new"),
    path("operators/<int:operator_id>/sticker/", views.sticker, name="credit-sticker"),
    path("operators/<int:operator_id>/sticker.png", views.sticker_png, name="credit-sticker-png"),
    path("repairs/", views.repair_list, name="credit-repair-list"),
    path("repairs/<int:application_id>/", views.repair_detail, name="credit-repair-detail"),
    path("repairs/<int:application_id>/decide/", views.repair_decide, name="credit-repair-decide"),
    path("listings/", views.listing_list, name="credit-listing-list"),
    path("listings/<int:listing_id>/", views.listing_detail, name="credit-listing-detail"),
    path("listings/<int:listing_id>/decide/", views.listing_decide, name="credit-listing-decide"),
    path("p/<str:uscc>/", views.public_profile, name="credit-public"),
    path("public/listings/", views.public_listings, name="credit-public-listings"),
    path("rules/", views.rules_page, name="credit-rules"),
]
