"""Evaluation of one lot (评标): the committee, the members' sheets, flags, rejections, the
result and the signed report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ggzy.entities.models import Certificate
from ggzy.experts.models import DrawRequest, Invitation
from ggzy.tendering.models import Bid, Lot

User = settings.AUTH_USER_MODEL


class Evaluation(models.Model):
    class Status(models.TextChoices):
        FORMING = "forming", _("组建评标委员会")
        REVIEWING = "reviewing", _("评审中")
        CONCLUDED = "concluded", _("已形成评标结果")
        REPORTED = "reported", _("评标报告待签署")
        COMPLETE = "complete", _("评标完成")
        FAILED = "failed", _("否决全部投标")

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="evaluation")
    draw_request = models.OneToOneField(
        DrawRequest, on_delete=models.PROTECT, related_name="evaluation"
    )
    method = models.JSONField(_("评标办法"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.FORMING
    )
    # Works comprehensive scoring: K drawn from the opening record's signature (re-runnable).
    k_seed = models.CharField(_("K 值随机种子"), max_length=64, blank=True)
    k_value = models.DecimalField(
        _("下浮系数 K"), max_digits=5, decimal_places=3, null=True, blank=True
    )
    started_at = models.DateTimeField(_("开始时间"))
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # The committee's result: totals, ranking, candidates (see services.result).
    result = models.JSONField(_("评标结果"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("形成结果时间"), null=True, blank=True)
    report_file = models.CharField(_("评标报告文件"), max_length=300, blank=True)
    report_digest = models.CharField(_("评标报告摘要"), max_length=64, blank=True)
    reported_at = models.DateTimeField(_("报告生成时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("评标完成时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)  # bumped on every change; pages re-read

    class Meta:
        verbose_name = _("评标")
        verbose_name_plural = _("评标")

    def __str__(self) -> str:
        return f"evaluation {self.lot_id}"


class Member(models.Model):
    """A member of the committee: a drawn expert or one of the initiator's representatives."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("评标专家")
        REPRESENTATIVE = "representative", _("招标人代表")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="members")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.PROTECT, related_name="member"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("姓名"), max_length=64)
    joined_at = models.DateTimeField(_("加入时间"))
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    # Random, from a seed in the ledger (services.committee.assign_seats); kept when replaced.
    seat = models.PositiveSmallIntegerField(_("座位号"), null=True, blank=True)
    is_chair = models.BooleanField(_("主任委员"), default=False)
    submitted_at = models.DateTimeField(_("提交评审时间"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("更换时间"), null=True, blank=True)
    replaced_reason = models.CharField(_("更换原因"), max_length=200, blank=True)
    dissent = models.TextField(_("不同意见"), blank=True)
    report_signature = models.TextField(_("报告签名"), blank=True)
    report_certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    report_signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)

    class Meta:
        ordering = ["evaluation_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "user"],
                condition=models.Q(replaced_at__isnull=True),
                name="one_seat_per_user",
            )
        ]
        verbose_name = _("评标委员会成员")
        verbose_name_plural = _("评标委员会成员")

    def __str__(self) -> str:
        return self.name


class CheckResult(models.Model):
    """One member's pass/fail on one qualification or compliance item for one bid."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="checks")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("审查项"), max_length=16)
    passed = models.BooleanField(_("通过"))
    reason = models.CharField(_("不通过理由"), max_length=500, blank=True)

    class Meta:
        unique_together = [("member", "bid", "item")]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.bid_id}/{self.item}: {self.passed}"


class Score(models.Model):
    """One member's score on one scoring item for one bid (exact, two decimals at most)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("评分项"), max_length=16)
    value = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)

    class Meta:
        unique_together = [("member", "bid", "item")]

    def __str__(self) -> str:
        return f"{self.member_id}/{self.bid_id}/{self.item}: {self.value}"


class Flag(models.Model):
    """A candidate for rejection raised by the platform or by the members' checks; the
    committee decides (reject or dismiss) and records why."""

    class Kind(models.TextChoices):
        ABOVE_CEILING = "above_ceiling", _("投标报价高于最高投标限价")
        TWO_PRICES = "two_prices", _("提交两个以上报价")
        NO_PRICE = "no_price", _("开标一览表报价缺失或无效")
        DEPOSIT = "deposit", _("未按要求提交投标保证金")
        SAME_FINGERPRINT = "same_fingerprint", _("不同投标人的投标文件由同一机器制作")
        SAME_ACCOUNT = "same_account", _("不同投标人的保证金从同一账户转出")
        CHECK_FAILED = "check_failed", _("多数成员认定资格/符合性审查不通过")

    class Resolution(models.TextChoices):
        REJECTED = "rejected", _("否决投标")
        DISMISSED = "dismissed", _("不予否决")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="flags")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    detail = models.JSONField(_("依据"), default=dict)
    raised_at = models.DateTimeField(_("提出时间"))
    resolution = models.CharField(
        _("处理结果"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolution_reason = models.TextField(_("处理理由"), blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        unique_together = [("evaluation", "bid", "kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.bid_id}"


class Rejection(models.Model):
    """A bid rejected by the committee (否决投标, Reg. Art 51), with its reason and ground."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="rejections")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="rejection")
    reason = models.CharField(_("否决情形"), max_length=20)
    ground = models.TextField(_("事实与理由"))
    votes_for = models.PositiveSmallIntegerField(_("同意票"))
    votes_against = models.PositiveSmallIntegerField(_("反对票"))
    recorded_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"))

    class Meta:
        ordering = ["decided_at"]

    def __str__(self) -> str:
        return f"rejected {self.bid_id} ({self.reason})"
