from django.urls import path

from . import views

app_name = "workcalendar"
urlpatterns = [path("", views.calendar, name="calendar")]
