from django.urls import path

from . import views

app_name = "entities"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("mine/change/", views.change, name="change"),
    path("mine/qualifications/add/", views.add_qualification, name="add-qualification"),
    path("mine/staff/add/", views.add_staff, name="add-staff"),
    path(
        "qualifications/<int:qualification_id>/file/",
        views.qualification_file,
        name="qualification-file",
    ),
    path("review/", views.review_list, name="review-list"),
    path("review/<int:revision_id>/", views.review, name="review"),
    path("", views.entity_list, name="list"),
    path("<int:entity_id>/", views.entity_detail, name="detail"),
]
