from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "tendering"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("projects/<int:project_id>/documents/", views.document_upload, name="document-upload"),
    path("projects/<int:project_id>/notice/", views.notice_publish, name="notice-publish"),
    path("projects/<int:project_id>/amendments/", views.amendment, name="amend"),
    path("projects/<int:project_id>/terminate/", views.terminate, name="terminate"),
    path("projects/<int:project_id>/retender/", views.retender, name="retender"),
    path("projects/<int:project_id>/objections/", views.objection_raise, name="objection"),
    path("objections/<int:objection_id>/answer/", views.objection_answer, name="objection-answer"),
    path("documents/<int:document_id>/download/", views.document_download, name="download"),
    path("lots/<int:lot_id>/bid/", views.bid_page, name="bid"),
    path("bids/<int:bid_id>/withdraw/", views.bid_withdraw, name="bid-withdraw"),
    path("bids/<int:bid_id>/receipt/", views.bid_receipt, name="bid-receipt"),
    path("lots/<int:lot_id>/hall/", views.hall, name="hall"),
    path("lots/<int:lot_id>/hall/fragment/", views.hall_fragment, name="hall-fragment"),
    path("lots/<int:lot_id>/hall/sign-in/", views.hall_sign_in, name="hall-sign-in"),
    path("lots/<int:lot_id>/hall/objections/", views.hall_objection, name="hall-objection"),
    path(
        "lots/<int:lot_id>/hall/objections/<int:objection_id>/answer/",
        views.hall_answer,
        name="hall-answer",
    ),
    path("lots/<int:lot_id>/hall/close/", views.hall_close, name="hall-close"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
]
