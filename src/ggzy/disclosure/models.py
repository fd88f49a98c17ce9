"""Published notices (公告/公示), whatever trade they come from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Organisation, Region


class Category(models.TextChoices):
    """Trade categories (交易分类) of the portal."""

    WORKS = "works", _("工程建设")
    PROCUREMENT = "procurement", _("政府采购")
    LAND = "land", _("土地使用权")
    MINING = "mining", _("矿业权")
    PROPERTY = "property", _("国有产权")
    OTHER = "other", _("其他")


class Kind(models.TextChoices):
    TENDER = "tender", _("招标/采购公告")
    TRANSFER = "transfer", _("出让/转让公告")
    PREQUALIFICATION = "prequalification", _("资格预审公告")
    INVITATION = "invitation", _("投标邀请书")
    CHANGE = "change", _("变更公告")
    TERMINATION = "termination", _("终止公告")
    FAILURE = "failure", _("流标/失败公告")
    OPENING_RECORD = "opening_record", _("开标记录")
    BIDDER_LIST = "bidder_list", _("投标人名单")
    CANDIDATES = "candidates", _("中标候选人公示")
    RESULT = "result", _("中标/成交结果公告")
    CONTRACT = "contract", _("合同公告")
    PERFORMANCE = "performance", _("履约信息")


class Publication(models.Model):
    """One version of a published notice. A correction is a new version linked to the one
    it corrects (``previous``); nothing published is ever edited in place."""

    uid = models.CharField(_("公告编号"), max_length=24, unique=True)
    kind = models.CharField(_("公告类型"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("交易分类"), max_length=12, choices=Category.choices)
    region = models.ForeignKey(Region, verbose_name=_("地区"), on_delete=models.PROTECT)
    centre = models.ForeignKey(
        Organisation, verbose_name=_("交易中心"), on_delete=models.PROTECT, related_name="+"
    )
    trade_code = models.CharField(_("项目编号"), max_length=40, db_index=True)
    trade_title = models.CharField(_("项目名称"), max_length=200)
    lot_code = models.CharField(_("标段/包编号"), max_length=40, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文（已净化、已脱敏的 HTML）"))
    text = models.TextField(_("正文纯文本（已脱敏）"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("更正前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    published_at = models.DateTimeField(_("发布时间"))
    digest = models.CharField(_("内容摘要值"), max_length=64)
    ledger_seq = models.PositiveBigIntegerField(_("账本序号"))

    class Meta:
        ordering = ["-published_at", "-id"]
        # The filter columns trail the ordering columns, so a newest-first walk filters in
        # the index without reading rows (a row holds the body and the text and spans
        # overflow pages).
        indexes = [
            models.Index(
                fields=["-published_at", "-id", "category", "kind", "region", "centre"],
                name="pub_latest",
            ),
            models.Index(
                fields=["category", "-published_at", "-id", "kind", "region", "centre"],
                name="pub_category",
            ),
            models.Index(
                fields=["kind", "-published_at", "-id", "category", "region", "centre"],
                name="pub_kind",
            ),
            models.Index(fields=["kind", "region", "-published_at", "-id"], name="pub_kind_region"),
            models.Index(fields=["region", "-published_at", "-id"], name="pub_region"),
            models.Index(fields=["centre", "-published_at", "-id"], name="pub_centre"),
        ]
        verbose_name = _("公告")
        verbose_name_plural = _("公告")

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """A file published with a notice (公告附件), stored once by its SHA-256."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("公告"), on_delete=models.PROTECT, related_name="attachments"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("文件"), max_length=200)

    class Meta:
        ordering = ["publication_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "position"], name="attachment_position")
        ]
        verbose_name = _("公告附件")
        verbose_name_plural = _("公告附件")

    def __str__(self) -> str:
        return self.name
