"""Timed work of the entities app: warn entities about qualifications near expiry."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from ggzy.accounts.services import notify
from ggzy.core.scheduler import periodic
from ggzy.kernel import clock

from .selectors import due_for_expiry_warning


@periodic("entities.expiring_qualifications", every=timedelta(hours=6))
def warn_expiring_qualifications() -> str:
    """Notify each entity user once per qualification (and expiry date) that is expired or
    within ``GGZY_QUALIFICATION_WARNING_DAYS`` of expiry. Safe to run any number of times."""
    today = clock.today()
    sent = 0
    for qualification in due_for_expiry_warning().prefetch_related("entity__users__user"):
        left = qualification.days_left(today)
        until = qualification.valid_until.isoformat()
        name = f"{qualification.type}（{qualification.certificate_no}）"
        if left < 0:
            zh = f"资质{name}已于{until}过期，请尽快更新。"
            en = f"The qualification {name} expired on {until}; please renew it."
        else:
            zh = f"资质{name}将于{until}到期（剩余{left}天），请及时更新。"
            en = f"The qualification {name} expires on {until} ({left} days left); renew it."
        for link in qualification.entity.users.all():
            created = notify(
                user=link.user,
                kind="entities.qualification_expiry",
                message_zh=zh,
                message_en=en,
                url=reverse("entities:mine"),
                key=f"entities.qualification_expiry:{qualification.pk}:{until}",
            )
            sent += created is not None
    return f"{sent} notifications" if sent else ""
