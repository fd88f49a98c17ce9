from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "deposits"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("transfers/", views.transfer, name="transfer"),
    path("statements/", views.statement, name="statement"),
    path("guarantees/", views.guarantee, name="guarantee"),
    path("lots/<int:lot_id>/", views.lot, name="lot"),
    path("<int:deposit_id>/refunded/", views.refunded, name="refunded"),
]
