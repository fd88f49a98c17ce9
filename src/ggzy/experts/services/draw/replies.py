"""The drawn experts' replies: a confirmation, a decline or silence (which brings a
supplementary draw)."""

from __future__ import annotations

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core.services import record
from ggzy.experts import events
from ggzy.kernel import clock
from ggzy.kernel.errors import Conflict, DomainError, NotFound
from ggzy.kernel.text import clean_text

from ...models import DrawRequest, Invitation
from .attempts import supplementary_draw
from .requests import subject_of


def respond(*, user: User, invitation_id: int, accept: bool, reason: str = "") -> Invitation:
    """The expert confirms or declines; a decline brings a supplementary draw at once."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("expert", "request")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.expert.user_id != user.pk:
            raise NotFound("没有这条抽取通知", "no such invitation")
        if invitation.status != Invitation.Status.PENDING:
            raise Conflict("已答复过", "already answered", code="already_answered")
        now = clock.now()
        if now > invitation.reply_by:
            raise Conflict("已超过确认时限", "the time to reply has passed", code="reply_late")
        invitation.status = Invitation.Status.CONFIRMED if accept else Invitation.Status.DECLINED
        invitation.replied_at = now
        invitation.decline_reason = (
            ""
            if accept
            else clean_text(
                reason,
                field="reason",
                max_length=200,
                required=False,
                label_zh="理由",
                label_en="reason",
            )
        )
        invitation.save(update_fields=["status", "replied_at", "decline_reason"])
        record(
            events.EXPERT_CONFIRMED if accept else events.EXPERT_DECLINED,
            subject=subject_of(invitation.request),
            actor=user.actor,
            payload={"request_id": invitation.request_id, "invitation_id": invitation.pk},
        )
        _update_request_status(invitation.request_id)
    if not accept:
        supplementary_draw(
            request_id=invitation.request_id, bucket=invitation.bucket, actor="system"
        )
    return invitation


def expire_silent_invitations() -> int:
    """Invitations past their reply time count as declined and are replaced (task)."""
    now = clock.now()
    expired = 0
    for invitation in Invitation.objects.filter(status=Invitation.Status.PENDING, reply_by__lt=now):
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
            if locked.status != Invitation.Status.PENDING:
                continue
            locked.status = Invitation.Status.EXPIRED
            locked.save(update_fields=["status"])
            record(
                events.EXPERT_REPLY_EXPIRED,
                subject=f"draw:{locked.request_id}",
                payload={"request_id": locked.request_id, "invitation_id": locked.pk},
            )
        try:
            supplementary_draw(request_id=locked.request_id, bucket=locked.bucket, actor="system")
        except DomainError:
            continue  # on record as abandoned; the centre sees the shortfall on the draw page
        expired += 1
    return expired


def _update_request_status(request_id: int) -> None:
    request = DrawRequest.objects.select_for_update().get(pk=request_id)
    experts = request.committee_size - request.owner_representatives
    confirmed = request.invitations.filter(status=Invitation.Status.CONFIRMED).count()
    status = DrawRequest.Status.COMPLETE if confirmed >= experts else DrawRequest.Status.OPEN
    if request.status != status and request.status != DrawRequest.Status.PUBLIC:
        request.status = status
        request.save(update_fields=["status"])
