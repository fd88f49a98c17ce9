from django.urls import include, path

app_name = "experts"
urlpatterns: list = []
