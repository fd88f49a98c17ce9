"""Auctions (网上挂牌 / 拍卖 / 网络竞价): the sale, its registrations and its bids.

Amounts are whole fen (``BigIntegerField``). The auction row carries the live state (phase,
deadline, price, leader, last sequence) so a bid needs one locked row, not the whole
history; ``AuctionBid`` and ``Declaration`` are the history it can always be rebuilt from.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Organisation, Region, User
from ggzy.core.models import AppendOnlyModel
from ggzy.entities.models import MarketEntity
from ggzy.tendering.models import Keyholder

from .engine import Direction, Phase
from .trade_types import METHOD_LABELS, Method, TradeType, all_types

METHOD_CHOICES = [(m.value, METHOD_LABELS[m][0]) for m in Method]
DIRECTION_CHOICES = [
    (Direction.FORWARD.value, _("正向（价高者得）")),
    (Direction.REVERSE.value, _("反向（价低者得）")),
]


class Auction(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("未公告")
        ANNOUNCED = "announced", _("已公告（挂牌/竞价）")
        CLOSED = "closed", _("竞价结束，待开启底价")
        PRE_EMPTION = "pre_emption", _("优先购买权行使期")
        SOLD = "sold", _("已成交")
        FAILED = "failed", _("流拍/未成交")

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    trade_type = models.CharField(_("交易品种"), max_length=40)
    method = models.CharField(_("交易方式"), max_length=10, choices=METHOD_CHOICES)
    title = models.CharField(_("标的名称"), max_length=200)
    description = models.TextField(_("标的情况"), blank=True)
    transferor = models.ForeignKey(
        MarketEntity, verbose_name=_("出让人/转让方"), on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(
        Organisation, verbose_name=_("交易中心"), on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        Organisation, verbose_name=_("行政监督部门"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name=_("地区"), on_delete=models.PROTECT)
    direction = models.CharField(
        _("竞价方向"),
        max_length=8,
        choices=DIRECTION_CHOICES,
        default=Direction.FORWARD,
    )
    start_price = models.BigIntegerField(_("起始价（分）"))
    increment = models.BigIntegerField(_("加价幅度（分）"))
    deposit = models.BigIntegerField(_("竞买保证金（分）"))
    announce_at = models.DateTimeField(_("公告发布时间"), null=True, blank=True)
    starts_at = models.DateTimeField(_("竞价（挂牌）开始时间"))
    free_ends_at = models.DateTimeField(_("挂牌/自由报价截止时间"))
    timed_seconds = models.PositiveIntegerField(_("限时竞价时长（秒）"), null=True, blank=True)
    timed_min_bidders = models.PositiveSmallIntegerField(_("进入限时竞价的最少竞买人数"), default=0)

    # Sealed to the keyholders, k of n needed to open: the reserve price (底价) and, for a
    # single sealed bid (一次报价), every bid; opened only after the close.
    keyholders = models.ManyToManyField(Keyholder, verbose_name=_("密钥托管方"), blank=True)
    escrow_threshold = models.PositiveSmallIntegerField(_("开启密封文件所需托管方数"), default=0)
    has_reserve = models.BooleanField(_("设有底价"), default=False)
    weighted = models.BooleanField(_("权重报价"), default=False)
    reserve_envelope = models.BinaryField(_("密封底价"), null=True, blank=True)
    reserve_sealed_at = models.DateTimeField(_("底价密封时间"), null=True, blank=True)
    reserve = models.BigIntegerField(_("底价（分，竞价结束后开启）"), null=True, blank=True)

    # The live state, kept in step with the history under the row lock.
    phase = models.CharField(
        _("竞价阶段"),
        max_length=8,
        choices=[
            (Phase.FREE.value, _("挂牌/自由报价期")),
            (Phase.TIMED.value, _("限时竞价期")),
            (Phase.CLOSED.value, _("已结束")),
        ],
        default=Phase.FREE,
    )
    deadline = models.DateTimeField(_("本阶段截止时间"), null=True, blank=True)
    price = models.BigIntegerField(_("当前价（分）"), null=True, blank=True)
    leader = models.CharField(_("当前最高报价竞买号"), max_length=12, blank=True)
    last_seq = models.PositiveIntegerField(_("报价序号"), default=0)

    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    winner = models.ForeignKey(
        "Registration",
        verbose_name=_("竞得人/受让方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    final_price = models.BigIntegerField(_("成交价（分）"), null=True, blank=True)
    outcome = models.CharField(_("结果说明"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("竞价结束时间"), null=True, blank=True)
    pre_emption_ends_at = models.DateTimeField(_("优先购买权行使截止时间"), null=True, blank=True)
    settled_at = models.DateTimeField(_("结果确定时间"), null=True, blank=True)
    confirmation_file = models.CharField(_("成交确认书文件"), max_length=300, blank=True)
    confirmation_digest = models.CharField(_("成交确认书SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(User, verbose_name=_("登记人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("竞价项目")
        verbose_name_plural = _("竞价项目")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["status", "pre_emption_ends_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_price__gt=0) & Q(increment__gt=0) & Q(deposit__gte=0),
                name="auction_amounts_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def trade(self) -> TradeType:
        return all_types()[self.trade_type]


class Registration(models.Model):
    """A bid application (竞买申请): review, deposit, then an anonymous bidder number."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("待审查")
        ACCEPTED = "accepted", _("审查通过，待确认保证金")
        QUALIFIED = "qualified", _("已取得竞买资格")
        REJECTED = "rejected", _("审查未通过")

    class DepositKind(models.TextChoices):
        TRANSFER = "transfer", _("银行转账")
        GUARANTEE = "guarantee", _("电子保函")

    class DepositStatus(models.TextChoices):
        NONE = "", _("未缴纳")
        HELD = "held", _("已收取")
        TO_PRICE = "to_price", _("已转为价款")
        REFUND_DUE = "refund_due", _("应退还")

    auction = models.ForeignKey(
        Auction, verbose_name=_("竞价项目"), on_delete=models.PROTECT, related_name="registrations"
    )
    entity = models.ForeignKey(
        MarketEntity, verbose_name=_("竞买人"), on_delete=models.PROTECT, related_name="+"
    )
    applied_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("申请时间"))
    statement = models.TextField(_("申请说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    review_note = models.CharField(_("审查意见"), max_length=500, blank=True)
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    deposit_kind = models.CharField(
        _("保证金形式"), max_length=10, choices=DepositKind.choices, blank=True
    )
    deposit_amount = models.BigIntegerField(_("保证金（分）"), null=True, blank=True)
    deposit_reference = models.CharField(_("银行流水号/保函编号"), max_length=64, blank=True)
    deposit_confirmed_at = models.DateTimeField(_("保证金确认时间"), null=True, blank=True)
    deposit_status = models.CharField(
        _("保证金状态"), max_length=10, choices=DepositStatus.choices, blank=True
    )
    bidder_no = models.CharField(_("竞买号"), max_length=12, blank=True)
    weight = models.DecimalField(_("权重系数"), max_digits=4, decimal_places=3, default=1)
    pre_emption = models.BooleanField(_("享有优先购买权"), default=False)
    pre_emption_answer = models.CharField(
        _("优先购买权行使情况"),
        max_length=10,
        choices=[("exercised", _("行使")), ("declined", _("放弃"))],
        blank=True,
    )

    class Meta:
        ordering = ["auction_id", "applied_at", "id"]
        verbose_name = _("竞买申请")
        verbose_name_plural = _("竞买申请")
        constraints = [
            models.UniqueConstraint(fields=["auction", "entity"], name="registration_once"),
            models.UniqueConstraint(
                fields=["auction", "bidder_no"],
                condition=~Q(bidder_no=""),
                name="bidder_no_unique_per_auction",
            ),
            models.UniqueConstraint(
                fields=["auction", "deposit_reference"],
                condition=~Q(deposit_reference=""),
                name="deposit_reference_unique_per_auction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.auction.code} / {self.bidder_no or self.pk}"


class AuctionBid(AppendOnlyModel):
    """An accepted bid, in the auction's total order (``seq``); never changed."""

    auction = models.ForeignKey(
        Auction, verbose_name=_("竞价项目"), on_delete=models.PROTECT, related_name="bids"
    )
    seq = models.PositiveIntegerField(_("序号"))
    bidder_no = models.CharField(_("竞买号"), max_length=12)
    amount = models.BigIntegerField(_("报价（分）"))
    key = models.CharField(_("幂等键"), max_length=64)
    at = models.DateTimeField(_("报价时间"))
    ledger_seq = models.BigIntegerField(_("账本序号"))

    class Meta:
        ordering = ["auction_id", "seq"]
        verbose_name = _("报价记录")
        verbose_name_plural = _("报价记录")
        constraints = [
            models.UniqueConstraint(fields=["auction", "seq"], name="bid_seq_unique"),
            models.UniqueConstraint(fields=["auction", "key"], name="bid_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.auction_id} #{self.seq} {self.bidder_no} {self.amount}"


class Declaration(AppendOnlyModel):
    """A bidder's wish, during the listing period, to go on to timed bidding."""

    auction = models.ForeignKey(
        Auction, verbose_name=_("竞价项目"), on_delete=models.PROTECT, related_name="declarations"
    )
    bidder_no = models.CharField(_("竞买号"), max_length=12)
    at = models.DateTimeField(_("申请时间"))

    class Meta:
        ordering = ["auction_id", "at", "id"]
        verbose_name = _("参加限时竞价申请")
        verbose_name_plural = _("参加限时竞价申请")
        constraints = [
            models.UniqueConstraint(fields=["auction", "bidder_no"], name="declaration_once")
        ]

    def __str__(self) -> str:
        return f"{self.auction_id} {self.bidder_no}"


class SealedBid(models.Model):
    """A single sealed bid (一次报价): an envelope the bidder sealed on its own machine to the
    auction's keyholders, opened with the reserve after the close. A bidder may replace its
    bid before the deadline; the ledger keeps every submission's digest."""

    auction = models.ForeignKey(
        Auction, verbose_name=_("竞价项目"), on_delete=models.PROTECT, related_name="sealed_bids"
    )
    bidder_no = models.CharField(_("竞买号"), max_length=12)
    container = models.BinaryField(_("密封报价"))
    envelope_sha256 = models.CharField(_("信封SHA-256"), max_length=64)
    signer_public_pem = models.TextField(_("签名公钥（PEM）"))
    submitted_at = models.DateTimeField(_("递交时间"))
    ledger_seq = models.BigIntegerField(_("账本序号"))
    amount = models.BigIntegerField(_("报价（分，开启后）"), null=True, blank=True)
    invalid_reason = models.CharField(_("无效原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["auction_id", "submitted_at", "id"]
        verbose_name = _("密封报价")
        verbose_name_plural = _("密封报价")
        constraints = [
            models.UniqueConstraint(fields=["auction", "bidder_no"], name="sealed_bid_once")
        ]

    def __str__(self) -> str:
        return f"{self.auction_id} / {self.bidder_no}"

    @property
    def envelope(self) -> str:
        return f"bid-{self.pk}"


class EnvelopeShare(models.Model):
    """A keyholder's share of one sealed envelope's key (the reserve, or a sealed bid),
    handed in after the close."""

    auction = models.ForeignKey(
        Auction, verbose_name=_("竞价项目"), on_delete=models.PROTECT, related_name="shares"
    )
    keyholder = models.ForeignKey(
        Keyholder, verbose_name=_("托管方"), on_delete=models.PROTECT, related_name="+"
    )
    envelope = models.CharField(_("信封"), max_length=24)  # "reserve" or "bid-<id>"
    share = models.BinaryField(_("份额"))
    at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("密钥份额")
        verbose_name_plural = _("密钥份额")
        constraints = [
            models.UniqueConstraint(
                fields=["auction", "keyholder", "envelope"], name="envelope_share_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.auction_id} / {self.envelope} / {self.keyholder_id}"
