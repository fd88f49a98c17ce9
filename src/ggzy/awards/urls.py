from django.urls import URLPattern, path

from . import views

app_name = "awards"
urlpatterns: list[URLPattern] = [
    path("warnings/", views.warnings, name="warnings"),
    path("lots/<int:lot_id>/", views.lot_page, name="lot"),
    path("lots/<int:lot_id>/<str:action>/", views.act, name="act"),
    path("objections/<int:objection_id>/answer/", views.answer_objection, name="objection-answer"),
    path("challenges/<int:challenge_id>/answer/", views.answer_challenge, name="challenge-answer"),
    path("letters/<int:letter_id>.pdf", views.letter, name="letter"),
]
