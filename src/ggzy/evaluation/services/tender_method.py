"""The evaluation method written into a lot's tender documents (评标办法): before the notice
freely, after it only as an amendment, as long before the deadline as amendments are."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from ggzy.accounts.models import User
from ggzy.core.services import record
from ggzy.evaluation import events
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Conflict
from ggzy.tendering.models import Lot
from ggzy.tendering.services.common import digest_of, lock_lot, procedure_of, require_manager

from ..method import parse_method


@transaction.atomic
def set_method(*, user: User, lot_id: int, data: object, ip: str | None = None) -> Lot:
    """Write the evaluation method into the lot's tender documents (评标办法). After the
    notice it is an amendment: allowed only as long before the deadline as amendments are."""
    lot = lock_lot(lot_id)
    project = lot.project
    require_manager(user, project)
    procedure = procedure_of(project)
    if lot.status not in (Lot.Status.DRAFT, Lot.Status.BIDDING):
        raise Conflict(
            "投标截止后不能再修改评标办法",
            "the evaluation method cannot change after the bid deadline",
            code="method_frozen",
        )
    if lot.status == Lot.Status.BIDDING and procedure.clarification_rule:
        days = rules.int_value(procedure.clarification_rule)
        assert project.bid_deadline is not None  # a lot in bidding has a deadline
        if clock.now() > project.bid_deadline - timedelta(days=days):
            raise rules.violation(
                procedure.clarification_rule,
                f"修改评标办法属于对招标文件的修改，应在投标截止时间（{clock.local_text(project.bid_deadline)}）"
                f"至少 {days} 日前作出；请先顺延投标截止时间",
                f"changing the method amends the documents: it must come {days} days before "
                f"the deadline ({clock.local_text(project.bid_deadline)}); move the deadline first",
                field="method",
            )
    method = parse_method(data, procedure=procedure, category=project.category)
    lot.evaluation_method = method.to_json()
    lot.save(update_fields=["evaluation_method"])
    record(
        events.EVALUATION_METHOD_SET,
        subject=f"lot:{lot.code}",
        actor=user.actor,
        ip=ip,
        payload={"kind": method.kind, "digest": digest_of(lot.evaluation_method)},
    )
    return lot
