from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "auctions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.auction_list, name="list"),
    path("new/", views.auction_new, name="new"),
    path("<int:auction_id>/", views.auction_hall, name="hall"),
    path("<int:auction_id>/bids/", views.place_bid, name="bid"),
    path("<int:auction_id>/declare/", views.declare, name="declare"),
    path("<int:auction_id>/apply/", views.apply, name="apply"),
    path("<int:auction_id>/reserve/", views.seal_reserve, name="reserve"),
    path("<int:auction_id>/pre-emption/", views.pre_emption, name="pre-emption"),
    path("<int:auction_id>/announce/", views.announce, name="announce"),
    path("<int:auction_id>/desk/", views.desk, name="desk"),
    path("applications/<int:registration_id>/review/", views.review, name="review"),
    path("applications/<int:registration_id>/deposit/", views.confirm_deposit, name="deposit"),
]
