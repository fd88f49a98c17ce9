"""A bidder's deposit for one lot: a bank transfer or an electronic guarantee (保函)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ggzy.entities.models import MarketEntity
from ggzy.tendering.models import Lot


class Kind(models.TextChoices):
    TRANSFER = "transfer", _("银行转账")
    GUARANTEE = "guarantee", _("电子保函")


class Status(models.TextChoices):
    HELD = "held", _("已收取")
    REFUND_DUE = "refund_due", _("应退还")
    REFUNDED = "refunded", _("已退还")
    FORFEITABLE = "forfeitable", _("可不予退还")


class RefundReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("截止前撤回投标")
    WITHDRAWN_AT_OPENING = "withdrawn_at_opening", _("解密失败（非投标人原因，视为撤回）")
    REVOKED = "revoked", _("解密失败（投标人原因，视为撤销）")
    FAILED = "failed", _("投标人不足，招标失败")
    TERMINATED = "terminated", _("招标终止")
    LOST = "lost", _("未中标")
    AFTER_CONTRACT = "after_contract", _("合同已签订")


class Deposit(models.Model):
    lot = models.ForeignKey(
        Lot, verbose_name=_("标段/包"), on_delete=models.PROTECT, related_name="deposits"
    )
    entity = models.ForeignKey(
        MarketEntity, verbose_name=_("投标人"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("形式"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    # bank transfer
    payer_bank = models.CharField(_("付款银行"), max_length=100, blank=True)
    payer_account = models.CharField(_("付款账号"), max_length=32, blank=True)
    paid_at = models.DateTimeField(_("到账时间"), null=True, blank=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=64, blank=True)
    # electronic guarantee
    guarantee_no = models.CharField(_("保函编号"), max_length=64, blank=True)
    issuer = models.CharField(_("出具机构"), max_length=200, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.HELD)
    refund_reason = models.CharField(
        _("退还原因"), max_length=24, choices=RefundReason.choices, blank=True
    )
    refund_from = models.DateField(_("退还期限起算日"), null=True, blank=True)
    refund_due_on = models.DateField(_("最迟退还日期"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("退还时间"), null=True, blank=True)
    refund_reference = models.CharField(_("退还凭证号"), max_length=64, blank=True)

    class Meta:
        ordering = ["lot_id", "entity_id", "recorded_at", "id"]
        verbose_name = _("投标保证金")
        verbose_name_plural = _("投标保证金")
        constraints = [
            # A statement imported twice must not count the same transfer twice.
            models.UniqueConstraint(
                fields=["lot", "bank_reference"],
                condition=~Q(bank_reference=""),
                name="deposit_bank_reference_unique_per_lot",
            ),
            models.UniqueConstraint(
                fields=["guarantee_no"],
                condition=~Q(guarantee_no=""),
                name="deposit_guarantee_no_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="deposit_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "refund_due_on"])]

    def __str__(self) -> str:
        return f"{self.lot.code} / {self.entity.name} / {self.amount}"
