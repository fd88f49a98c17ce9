from django.urls import URLPattern, path

from . import views

app_name = "disclosure"
urlpatterns: list[URLPattern] = [
    path("notices/", views.notice_list, name="list"),
    path("notices/<str:uid>/", views.notice_detail, name="notice"),
    path("notices/<str:uid>/files/<int:position>/", views.notice_file, name="file"),
    path("trades/<str:code>/", views.trade_detail, name="trade"),
    path("search", views.search_page, name="search"),
    path("feeds/notices.rss", views.LatestFeed(), name="rss"),
    path("feeds/notices.atom", views.LatestAtom(), name="atom"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("sitemaps/notices-<int:block>.xml", views.sitemap_block, name="sitemap_block"),
    path("verify/", views.verify, name="verify"),
]
