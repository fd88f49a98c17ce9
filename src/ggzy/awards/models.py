"""Candidates' publicity, the award, its notices, GP challenges, the contract, performance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ggzy.entities.models import MarketEntity
from ggzy.tendering.models import Bid, Lot, Notice

User = settings.AUTH_USER_MODEL


class Publicity(models.Model):
    """The candidates' publicity (中标候选人公示, Reg. Art 54), works tenders only."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="publicity")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("公示开始"))
    ends_at = models.DateTimeField(_("公示结束"))
    shows_scores = models.BooleanField(_("公示得分"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("中标候选人公示")
        verbose_name_plural = _("中标候选人公示")

    def __str__(self) -> str:
        return f"publicity {self.lot_id}"


class Award(models.Model):
    """The initiator's decision (定标) and the sealed award notice (中标/成交通知书)."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="award")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="award")
    rank = models.PositiveSmallIntegerField(_("候选人排名"))
    amount = models.DecimalField(_("中标/成交金额（元）"), max_digits=16, decimal_places=2)
    passed_over_reason = models.TextField(_("未选排名第一的理由"), blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("定标时间"))
    result_notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("定标")
        verbose_name_plural = _("定标")

    def __str__(self) -> str:
        return f"award {self.lot_id} → {self.bid_id}"


class Letter(models.Model):
    """A sealed PDF sent to one bidder: the award notice to the winner, the result notice
    (中标/成交结果通知书) to the others."""

    class Kind(models.TextChoices):
        AWARD = "award", _("中标/成交通知书")
        RESULT = "result", _("结果通知书")

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="letters")
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    file = models.CharField(_("文件"), max_length=300)
    digest = models.CharField(_("SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("发出时间"))

    class Meta:
        ordering = ["award_id", "kind", "id"]
        unique_together = [("award", "entity")]
        verbose_name = _("通知书")
        verbose_name_plural = _("通知书")

    def __str__(self) -> str:
        return f"{self.kind} → {self.entity_id}"


class Challenge(models.Model):
    """A supplier's challenge (质疑, GP Law Arts 52–53); unanswered, it pauses the contract."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="challenges")
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("质疑事项"))
    raised_at = models.DateTimeField(_("提出时间"))
    answer_due = models.DateField(_("答复期限"), null=True, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["raised_at"]
        verbose_name = _("质疑")
        verbose_name_plural = _("质疑")

    def __str__(self) -> str:
        return self.text[:40]


class Contract(models.Model):
    """The signed contract (合同), recorded and published."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="contract")
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(_("合同编号"), max_length=64)
    amount = models.DecimalField(_("合同金额（元）"), max_digits=16, decimal_places=2)
    amount_reason = models.TextField(_("合同金额与中标金额不一致的理由"), blank=True)
    signed_on = models.DateField(_("签订日期"))
    duration = models.CharField(_("履行期限"), max_length=100)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")

    def __str__(self) -> str:
        return self.number


class Performance(models.Model):
    """Performance information (履约信息) entered as the contract runs."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="performance")
    reported_on = models.DateField(_("报告日期"))
    progress = models.TextField(_("履约情况"))
    paid = models.DecimalField(_("累计支付（元）"), max_digits=16, decimal_places=2)
    completed = models.BooleanField(_("履约完毕"), default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["contract_id", "reported_on", "id"]
        verbose_name = _("履约信息")
        verbose_name_plural = _("履约信息")

    def __str__(self) -> str:
        return f"{self.contract_id} {self.reported_on}"
