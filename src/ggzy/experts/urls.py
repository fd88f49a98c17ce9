from django.urls import URLPattern, URLResolver, path

from .views import draws, pool

app_name = "experts"
urlpatterns: list[URLPattern | URLResolver] = [
    # the pool (centre staff manage; supervisors and oversight read)
    path("", pool.pool_list, name="pool"),
    path("new/", pool.expert_create, name="create"),
    path("<int:expert_id>/", pool.expert_detail, name="detail"),
    path("<int:expert_id>/edit/", pool.expert_edit, name="edit"),
    path("<int:expert_id>/sanction/", pool.expert_sanction, name="sanction"),
    path("<int:expert_id>/restore/", pool.expert_restore, name="restore"),
    path("<int:expert_id>/account/", pool.expert_account, name="account"),
    path("sanctions/", pool.sanction_list, name="sanctions"),
    path("changes/", pool.change_list, name="changes"),
    path("changes/<int:change_id>/", pool.change_review, name="change"),
    path("import/", pool.import_page, name="import"),
    path("export/", pool.export_experts, name="export"),
    path("specialties/export/", pool.export_specialties, name="specialties-export"),
    # the expert's own pages
    path("me/", pool.my_profile, name="me"),
    path("me/leave/", pool.my_leave, name="me-leave"),
    path("leave/<int:leave_id>/cancel/", pool.leave_cancel, name="leave-cancel"),
    path("me/invitations/", pool.my_invitations, name="me-invitations"),
    path("me/appraisals/", pool.my_appraisals, name="me-appraisals"),
    path("me/remuneration/", pool.my_remuneration, name="me-remuneration"),
    # draws
    path("draws/", draws.draw_list, name="draws"),
    path("draws/new/", draws.draw_new, name="draw-new"),
    path("draws/<int:request_id>/", draws.draw_detail, name="draw"),
    path("draws/<int:request_id>/run/", draws.draw_run, name="draw-run"),
    path(
        "draws/<int:request_id>/supplementary/",
        draws.draw_supplementary,
        name="draw-supplementary",
    ),
    path("draws/<int:request_id>/publish/", draws.draw_publish, name="draw-publish"),
    path("invitations/<int:invitation_id>/", draws.invitation, name="invitation"),
]
