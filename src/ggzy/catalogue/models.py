"""The trading catalogue (公共资源交易目录) as data, versioned with effective dates.

A ``CatalogueVersion`` is one issue of the catalogue (e.g. 湖南省公共资源交易目录（2019年本）).
Its ``CatalogueItem`` rows say, for one kind of trade, whether it must enter the platform
(必须进场), from what amount (进场金额标准), from what amount it may enter voluntarily, which
industry department supervises it and which procedure families it may use. Items belong to a
``TradeCategory`` (reference data, edited in the admin).

Dates: ``effective_from`` is the first day a version applies; ``effective_to`` is the first
day it no longer applies (the next version's ``effective_from``), or empty while it is the
latest. Versions are written only through ``catalogue.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Industry


class Family(models.TextChoices):
    """The broad kind of trade; works/goods/services serve both 工程建设 and 政府采购."""

    WORKS = "works", _("工程")
    GOODS = "goods", _("货物")
    SERVICES = "services", _("服务")
    LAND = "land", _("土地使用权")
    MINING = "mining", _("矿业权")
    STATE_PROPERTY = "state_property", _("国有产权")
    OTHER_RIGHTS = "other_rights", _("其他权益")


class Sector(models.TextChoices):
    """Which body of law a works/goods/services category falls under."""

    NONE = "", _("不区分")
    CONSTRUCTION = "construction", _("工程建设项目")
    PROCUREMENT = "procurement", _("政府采购")


class Procedure(models.TextChoices):
    """Procedure families an item may use (交易方式)."""

    OPEN_TENDER = "open_tender", _("公开招标")
    INVITATION_TENDER = "invitation_tender", _("邀请招标")
    COMPETITIVE_NEGOTIATION = "competitive_negotiation", _("竞争性谈判")
    COMPETITIVE_CONSULTATION = "competitive_consultation", _("竞争性磋商")
    INQUIRY = "inquiry", _("询价")
    SINGLE_SOURCE = "single_source", _("单一来源")
    FRAMEWORK_AGREEMENT = "framework_agreement", _("框架协议")
    LISTING = "listing", _("挂牌")
    AUCTION = "auction", _("拍卖")
    SEALED_BID = "sealed_bid", _("一次报价/招标出让")
    ONLINE_BIDDING = "online_bidding", _("网络竞价")
    AGREEMENT = "agreement", _("协议转让")


class TradeCategory(models.Model):
    code = models.CharField(_("类别代码"), max_length=32, unique=True)
    name_zh = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    family = models.CharField(_("交易大类"), max_length=16, choices=Family.choices)
    sector = models.CharField(
        _("适用领域"), max_length=16, choices=Sector.choices, blank=True, default=Sector.NONE
    )
    description = models.TextField(_("说明"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("交易类别")
        verbose_name_plural = _("交易类别")

    def __str__(self) -> str:
        return f"{self.name_zh}（{self.code}）"


class CatalogueVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已废止")

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    title = models.CharField(_("目录名称"), max_length=200)
    document_number = models.CharField(_("发文字号"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("基于版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(
        _("失效日期"),
        null=True,
        blank=True,
        help_text=_("自该日起不再适用（即下一版本的生效日期）"),
    )
    source = models.CharField(
        _("导入来源"), max_length=64, blank=True, help_text=_("由数据文件导入时的来源标识")
    )
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-number"]
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        constraints = [
            # At most one version is the latest published one; the others are superseded.
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="published"),
                name="catalogue_one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class CatalogueItem(models.Model):
    version = models.ForeignKey(
        CatalogueVersion, verbose_name=_("目录版本"), on_delete=models.CASCADE, related_name="items"
    )
    category = models.ForeignKey(
        TradeCategory, verbose_name=_("交易类别"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(_("事项代码"), max_length=32)
    name = models.CharField(_("事项名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    description = models.TextField(_("范围说明"), blank=True)
    must_enter = models.BooleanField(_("必须进场"), default=True)
    entry_threshold = models.DecimalField(
        _("进场金额标准（元）"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("达到或超过该金额必须进场交易；为空表示不论金额均须进场"),
    )
    voluntary_threshold = models.DecimalField(
        _("自愿进场金额（元）"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("未达进场金额标准但达到该金额的，可自愿进场交易；为空表示不适用"),
    )
    supervising_industry = models.CharField(
        _("行政监督行业"), max_length=24, choices=Industry.choices
    )
    procedure_families = models.JSONField(_("交易方式"), default=list)
    notes = models.TextField(_("备注"), blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["category__sort_order", "sort_order", "code"]
        verbose_name = _("目录事项")
        verbose_name_plural = _("目录事项")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalogue_item_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def procedure_labels(self) -> list[str]:
        labels = dict(Procedure.choices)
        return [str(labels.get(code, code)) for code in self.procedure_families]
