"""Tendering and procurement: projects, lots, notices, documents, sealed bids, the opening."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Organisation, Region
from ggzy.catalogue.models import CatalogueItem
from ggzy.entities.models import Certificate, MarketEntity

from .procedures import PROCEDURES

User = settings.AUTH_USER_MODEL


class Category(models.TextChoices):
    WORKS = "works", _("工程")
    GOODS = "goods", _("货物")
    SERVICES = "services", _("服务")


class Sector(models.TextChoices):
    CONSTRUCTION = "construction", _("工程建设项目")
    PROCUREMENT = "procurement", _("政府采购")


class Funding(models.TextChoices):
    STATE = "state", _("国有资金（财政性资金）")
    STATE_CONTROLLED = "state_controlled", _("国有资金占控股或主导地位")
    LOAN = "loan", _("国际组织或外国政府贷款、援助资金")
    PRIVATE = "private", _("非国有资金")


class EntryBasis(models.TextChoices):
    MUST = "must", _("依法必须进场")
    VOLUNTARY = "voluntary", _("自愿进场")


class Project(models.Model):
    """A registered project (进场登记): one tender or procurement, with one or more lots."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        NOTICE = "notice", _("公告中")
        OPENED = "opened", _("已开标")
        FAILED = "failed", _("招标失败")
        TERMINATED = "terminated", _("已终止")

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    sector = models.CharField(_("项目类型"), max_length=16, choices=Sector.choices)
    category = models.CharField(_("标的类别"), max_length=12, choices=Category.choices)
    procedure = models.CharField(
        _("招标/采购方式"),
        max_length=24,
        choices=[(code, p.name_zh) for code, p in PROCEDURES.items()],
    )
    funding = models.CharField(_("资金来源"), max_length=20, choices=Funding.choices)
    estimate = models.DecimalField(_("估算价/预算金额（元）"), max_digits=16, decimal_places=2)
    region = models.ForeignKey(Region, verbose_name=_("项目所在地"), on_delete=models.PROTECT)
    centre = models.ForeignKey(
        Organisation, verbose_name=_("交易中心"), on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        Organisation, verbose_name=_("行政监督部门"), on_delete=models.PROTECT, related_name="+"
    )
    catalogue_item = models.ForeignKey(
        CatalogueItem, verbose_name=_("交易目录事项"), on_delete=models.PROTECT
    )
    initiator = models.ForeignKey(
        MarketEntity, verbose_name=_("招标人/采购人"), on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        MarketEntity,
        verbose_name=_("代理机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry_basis = models.CharField(_("进场依据"), max_length=12, choices=EntryBasis.choices)
    entry_reason = models.TextField(_("进场依据说明"))
    fiscal_year = models.PositiveSmallIntegerField(_("财政年度"))
    split_warning = models.JSONField(_("疑似化整为零"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    # The bid deadline, which is also the opening time (Law Art 34); set by the tender notice.
    sale_starts_at = models.DateTimeField(_("文件发售开始"), null=True, blank=True)
    sale_ends_at = models.DateTimeField(_("文件发售截止"), null=True, blank=True)
    bid_deadline = models.DateTimeField(_("投标截止/开标时间"), null=True, blank=True)
    documents_issued_at = models.DateTimeField(_("招标文件首次发出"), null=True, blank=True)
    retender_of = models.ForeignKey(
        "self",
        verbose_name=_("重新招标自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retenders",
    )
    created_by = models.ForeignKey(User, verbose_name=_("登记人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("招标/采购项目")
        verbose_name_plural = _("招标/采购项目")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Keyholder(models.Model):
    """A holder of an escrow key (密钥托管方): the centre, a supervisor, a third party.

    The platform keeps only the public key; the private key lives with the keyholder, who
    unwraps their share on their own machine when a bidder's key is lost.
    """

    class Kind(models.TextChoices):
        CENTRE = "centre", _("交易中心")
        SUPERVISOR = "supervisor", _("行政监督部门")
        THIRD_PARTY = "third_party", _("第三方（如公证机构）")

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        User, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    suite = models.CharField(_("算法体系"), max_length=8)
    public_pem = models.TextField(_("公钥（PEM）"))
    key_id = models.CharField(_("公钥标识"), max_length=64, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("密钥托管方")
        verbose_name_plural = _("密钥托管方")

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    """A lot (标段/包) of a project: bids, deposits and the opening are per lot."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("未公告")
        BIDDING = "bidding", _("投标中")
        OPENING = "opening", _("开标中")
        OPENED = "opened", _("已开标")
        EVALUATING = "evaluating", _("评标中")
        EVALUATED = "evaluated", _("评标完成")
        PUBLICITY = "publicity", _("中标候选人公示中")
        AWARDED = "awarded", _("已定标")
        CONTRACTED = "contracted", _("已签订合同")
        FAILED = "failed", _("流标/招标失败")
        TERMINATED = "terminated", _("已终止")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="lots")
    number = models.PositiveSmallIntegerField(_("标段/包号"))
    code = models.CharField(_("标段/包编号"), max_length=40, unique=True)
    name = models.CharField(_("标段/包名称"), max_length=200)
    estimate = models.DecimalField(_("估算价/预算（元）"), max_digits=16, decimal_places=2)
    ceiling_price = models.DecimalField(
        _("最高投标限价（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    deposit_amount = models.DecimalField(
        _("投标保证金（元）"), max_digits=14, decimal_places=2, default=0
    )
    escrow_threshold = models.PositiveSmallIntegerField(_("托管门限 k"), default=0)
    escrow_keyholders = models.ManyToManyField(
        Keyholder, verbose_name=_("托管方"), blank=True, related_name="lots"
    )
    decryption_minutes = models.PositiveIntegerField(_("解密时限（分钟）"))
    # The evaluation method of the tender documents (评标办法), as ``evaluation.method`` data.
    evaluation_method = models.JSONField(_("评标办法"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )

    class Meta:
        ordering = ["project_id", "number"]
        unique_together = [("project", "number")]
        verbose_name = _("标段/包")
        verbose_name_plural = _("标段/包")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Notice(models.Model):
    """A notice handed to disclosure (公告): tender, change, termination, opening record."""

    class Kind(models.TextChoices):
        TENDER = "tender", _("招标/采购公告")
        PREQUALIFICATION = "prequalification", _("资格预审公告")
        INVITATION = "invitation", _("投标邀请书")
        CHANGE = "change", _("变更（澄清、修改）公告")
        TERMINATION = "termination", _("终止公告")
        FAILURE = "failure", _("流标公告")
        OPENING_RECORD = "opening_record", _("开标记录")
        BIDDER_LIST = "bidder_list", _("投标人名单")
        CANDIDATES = "candidates", _("中标候选人公示")
        RESULT = "result", _("中标/成交结果公告")
        CONTRACT = "contract", _("合同公告")
        PERFORMANCE = "performance", _("履约信息")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="notices")
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"))
    digest = models.CharField(_("内容摘要值"), max_length=64)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    ledger_seq = models.PositiveBigIntegerField(_("账本序号"))
    # What the public portal shows: sanitised, masked, searchable (``ggzy.disclosure``).
    publication = models.OneToOneField(
        "disclosure.Publication", on_delete=models.PROTECT, related_name="tendering_notice"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("公告")
        verbose_name_plural = _("公告")

    def __str__(self) -> str:
        return self.title


class Document(models.Model):
    """Tender documents and every later version (招标文件、澄清与修改)."""

    class Kind(models.TextChoices):
        TENDER = "tender", _("招标/采购文件")
        PREQUALIFICATION = "prequalification", _("资格预审文件")
        CLARIFICATION = "clarification", _("澄清")
        AMENDMENT = "amendment", _("修改")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    version = models.PositiveSmallIntegerField(_("版本"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("文件"), upload_to="tendering/documents/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    digest = models.CharField(_("摘要值"), max_length=64)
    affects_bids = models.BooleanField(_("影响投标文件编制"), default=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"))
    issued_at = models.DateTimeField(_("发出时间"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "version"]
        unique_together = [("project", "version")]
        verbose_name = _("招标文件")
        verbose_name_plural = _("招标文件")

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Download(models.Model):
    """One download of a document by a bidder (下载记录)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="downloads")
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("下载时间"))
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("文件下载记录")
        verbose_name_plural = _("文件下载记录")

    def __str__(self) -> str:
        return f"{self.entity_id} ← {self.document_id}"


class Objection(models.Model):
    """An objection (异议) to the documents (Reg. Art 22) or to the evaluation result during
    the candidates' publicity (Reg. Art 54): either suspends the procedure until answered."""

    class Stage(models.TextChoices):
        DOCUMENTS = "documents", _("对招标文件")
        CANDIDATES = "candidates", _("对评标结果")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="objections")
    stage = models.CharField(
        _("异议对象"), max_length=12, choices=Stage.choices, default=Stage.DOCUMENTS
    )
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("异议内容"))
    raised_at = models.DateTimeField(_("提出时间"))
    answer_due = models.DateTimeField(_("答复期限"))
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self) -> str:
        return self.text[:40]


class Upload(models.Model):
    """A resumable upload of one sealed bid (分片续传). The header comes first and is
    checked before any bulk bytes; the file grows chunk by chunk at ``received`` in a local
    spool file (``path``, under GGZY_UPLOAD_DIR), which moves to the file store as ``bid``'s
    file once complete and verified."""

    class Status(models.TextChoices):
        RECEIVING = "receiving", _("接收中")
        COMPLETE = "complete", _("已完成")
        ABANDONED = "abandoned", _("已放弃")

    token = models.CharField(max_length=32, unique=True)
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="uploads")
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    size = models.PositiveBigIntegerField(_("总大小"))
    received = models.PositiveBigIntegerField(_("已接收"), default=0)
    header = models.BinaryField(_("信封头"))
    signature = models.BinaryField(_("签名"))
    path = models.CharField(max_length=300)  # the local spool file, not a stored name
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVING)
    bid = models.OneToOneField(
        "Bid", on_delete=models.PROTECT, null=True, blank=True, related_name="upload"
    )
    started_at = models.DateTimeField(_("开始时间"))
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("投标文件上传")
        verbose_name_plural = _("投标文件上传")

    def __str__(self) -> str:
        return self.token


class Bid(models.Model):
    """A sealed bid (投标文件): ciphertext and digest until its bidder releases the key."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已递交")
        WITHDRAWN = "withdrawn", _("已撤回")
        REPLACED = "replaced", _("已被替换")
        DECRYPTED = "decrypted", _("已解密")
        REVOKED = "revoked", _("解密失败（视为撤销）")
        WITHDRAWN_AT_OPENING = "failed_withdrawn", _("解密失败（视为撤回）")
        RETURNED = "returned", _("未开标退回")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    file = models.CharField(_("密文文件"), max_length=300)  # a name in the file store
    size = models.PositiveBigIntegerField(_("密文大小"))
    ciphertext_digest = models.CharField(_("密文摘要"), max_length=64)
    header = models.BinaryField(_("信封头"))
    signature = models.BinaryField(_("签名"))
    fingerprint = models.JSONField(_("制作机器特征码"), default=dict)
    received_at = models.DateTimeField(_("递交时间"))
    ip = models.GenericIPAddressField(null=True, blank=True)
    ledger_seq = models.PositiveBigIntegerField(_("账本序号"))
    ledger_hash = models.CharField(_("账本哈希"), max_length=64)
    receipt_signature = models.TextField(_("回执签名"))
    status = models.CharField(
        _("状态"), max_length=18, choices=Status.choices, default=Status.SUBMITTED
    )
    ended_at = models.DateTimeField(_("撤回/替换时间"), null=True, blank=True)
    # Filled at the opening, never before.
    key_source = models.CharField(_("密钥来源"), max_length=12, blank=True)
    decrypted_at = models.DateTimeField(_("解密时间"), null=True, blank=True)
    plaintext_digest = models.CharField(_("明文摘要"), max_length=64, blank=True)
    price_sheet = models.JSONField(_("开标一览表"), null=True, blank=True)
    price_sheet_problems = models.JSONField(_("开标一览表问题"), default=list, blank=True)
    # [[name, size], …] of the attachments, listed in the opening's one decryption pass.
    attachments = models.JSONField(_("附件清单"), default=list, blank=True)
    failure_reason = models.TextField(_("解密失败原因"), blank=True)
    # The released data key, sealed with the platform secret: the committee's reading of the
    # documents decrypts on demand, so no plaintext copy of a bid is ever stored.
    opened_key = models.TextField(_("已释放的数据密钥（密封）"), blank=True)

    class Meta:
        ordering = ["lot_id", "received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "entity"],
                condition=models.Q(status="submitted"),
                name="one_live_bid_per_bidder_and_lot",
            )
        ]
        verbose_name = _("投标文件")
        verbose_name_plural = _("投标文件")

    def __str__(self) -> str:
        return f"{self.lot.code} / {self.entity.name}"


class Opening(models.Model):
    """The online opening of one lot (不见面开标)."""

    class Status(models.TextChoices):
        DECRYPTING = "decrypting", _("解密中")
        CLOSED = "closed", _("已结束")

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="opening")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DECRYPTING)
    started_at = models.DateTimeField(_("开标时间"))
    window_ends_at = models.DateTimeField(_("解密截止"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    record = models.JSONField(_("开标记录"), null=True, blank=True)
    record_signature = models.TextField(_("开标记录签名"), blank=True)
    version = models.PositiveIntegerField(default=0)  # bumped on every change; halls re-read

    class Meta:
        verbose_name = _("开标")
        verbose_name_plural = _("开标")

    def __str__(self) -> str:
        return f"opening {self.lot_id}"


class SignIn(models.Model):
    """A bidder's (or its agent's) sign-in at the online opening (签到)."""

    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="sign_ins")
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        unique_together = [("opening", "entity")]

    def __str__(self) -> str:
        return f"{self.entity_id} @ {self.opening_id}"


class EscrowShare(models.Model):
    """One keyholder's unwrapped share for a bid whose bidder lost the key (密钥恢复)."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="escrow_shares")
    keyholder = models.ForeignKey(Keyholder, on_delete=models.PROTECT, related_name="+")
    share = models.BinaryField()
    at = models.DateTimeField()

    class Meta:
        unique_together = [("bid", "keyholder")]

    def __str__(self) -> str:
        return f"{self.keyholder_id} → {self.bid_id}"


class OpeningObjection(models.Model):
    """An objection raised at the opening, answered on the spot (Reg. Art 44)."""

    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="objections")
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    raised_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["raised_at"]

    def __str__(self) -> str:
        return self.text[:40]
