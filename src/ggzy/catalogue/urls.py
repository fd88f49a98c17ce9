from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.public, name="public"),
    path("versions/<int:pk>/", views.version_page, name="version"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/", views.manage_version, name="manage_version"),
    path("manage/<int:pk>/items/", views.save_item, name="save_item"),
    path("manage/<int:pk>/items/<str:code>/remove/", views.remove_item, name="remove_item"),
    path("manage/<int:pk>/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/discard/", views.discard, name="discard"),
]
