from django.urls import URLPattern, URLResolver, path

from . import setup_views, views

app_name = "evaluation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.evaluation_list, name="list"),
    path("lots/<int:lot_id>/method/", setup_views.method, name="method"),
    path("lots/<int:lot_id>/start/", setup_views.start, name="start"),
    path("<int:evaluation_id>/", views.room, name="room"),
    path("<int:evaluation_id>/live/", views.live, name="live"),
    path("<int:evaluation_id>/sign-in/", views.sign_in, name="sign-in"),
    path("<int:evaluation_id>/seats/", views.assign_seats, name="seats"),
    path("<int:evaluation_id>/chair/", views.elect_chair, name="chair"),
    path("<int:evaluation_id>/members/", views.add_member, name="add-member"),
    path(
        "<int:evaluation_id>/members/<int:member_id>/replace/",
        views.replace_member,
        name="replace",
    ),
    path(
        "<int:evaluation_id>/members/<int:member_id>/return/",
        views.return_sheet,
        name="return",
    ),
    path("<int:evaluation_id>/bids/<int:bid_id>/sheet/", views.save_sheet, name="sheet"),
    path(
        "<int:evaluation_id>/bids/<int:bid_id>/files/<path:name>",
        views.bid_file,
        name="file",
    ),
    path("<int:evaluation_id>/submit/", views.submit, name="submit"),
    path("<int:evaluation_id>/flags/<int:flag_id>/resolve/", views.resolve_flag, name="resolve"),
    path("<int:evaluation_id>/rejections/", views.reject, name="reject"),
    path("<int:evaluation_id>/conclude/", views.conclude, name="conclude"),
    path("<int:evaluation_id>/dissent/", views.dissent, name="dissent"),
    path("<int:evaluation_id>/report/", views.issue_report, name="report"),
    path("<int:evaluation_id>/report/sign/", views.sign_report, name="sign-report"),
    path("<int:evaluation_id>/report.pdf", views.report_pdf, name="report-pdf"),
]
