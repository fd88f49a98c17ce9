"""Market entities (市场主体): one registration valid at every centre (一次注册全省通用).

A ``MarketEntity`` row holds the *live* data: what was last approved (or, before the first
approval, what was last submitted). Every submission is an ``EntityRevision`` with a JSON
snapshot; a change to an approved entity waits in a pending revision and reaches the live
row only when centre staff approve it. Qualifications and staff members added by the entity
join its open revision and are reviewed with it.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Region


class EntityKind(models.TextChoices):
    LEGAL = "legal", _("法人或其他组织")
    PERSON = "person", _("自然人")


class EntityStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class RevisionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    RETURNED = "returned", _("已退回")


class MarketEntity(models.Model):
    kind = models.CharField(_("主体类型"), max_length=8, choices=EntityKind.choices)
    name = models.CharField(_("名称/姓名"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    resident_id = models.CharField(_("身份证号（自然人）"), max_length=18, blank=True)
    legal_rep_name = models.CharField(_("法定代表人"), max_length=64, blank=True)
    legal_rep_id = models.CharField(_("法定代表人身份证号"), max_length=18, blank=True)
    address = models.CharField(_("注册地址/住所"), max_length=200)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在行政区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="market_entities",
    )
    contact_name = models.CharField(_("联系人"), max_length=64)
    contact_mobile = models.CharField(_("联系人手机"), max_length=11)
    email = models.EmailField(_("电子邮箱"), max_length=254, blank=True)
    bank_name = models.CharField(_("基本存款账户开户银行"), max_length=100, blank=True)
    bank_account = models.CharField(_("基本存款账户账号"), max_length=32, blank=True)
    is_initiator = models.BooleanField(_("招标人/采购人/出让方"), default=False)
    is_agent = models.BooleanField(_("代理机构"), default=False)
    is_respondent = models.BooleanField(_("投标人/供应商/竞买人"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=EntityStatus.choices, default=EntityStatus.PENDING
    )
    version = models.PositiveIntegerField(_("当前生效版本"), default=0)
    created_at = models.DateTimeField(_("注册时间"))
    updated_at = models.DateTimeField(_("更新时间"))
    approved_at = models.DateTimeField(_("最近通过时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("市场主体")
        verbose_name_plural = _("市场主体")
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~Q(uscc=""), name="entity_uscc_unique"
            ),
            models.UniqueConstraint(
                fields=["resident_id"],
                condition=~Q(resident_id=""),
                name="entity_resident_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="person") | ~Q(uscc=""), name="entity_legal_has_uscc"
            ),
            models.CheckConstraint(
                condition=Q(kind="legal") | ~Q(resident_id=""), name="entity_person_has_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        """The USCC of a legal entity, the resident ID of a natural person."""
        return self.uscc if self.kind == EntityKind.LEGAL else self.resident_id

    @property
    def roles_display(self) -> list[str]:
        roles = []
        if self.is_initiator:
            roles.append(str(_("招标人/采购人/出让方")))
        if self.is_agent:
            roles.append(str(_("代理机构")))
        if self.is_respondent:
            roles.append(str(_("投标人/供应商/竞买人")))
        return roles


class EntityRevision(models.Model):
    """One submitted version of an entity's data, kept forever (每一版均留存)."""

    entity = models.ForeignKey(
        MarketEntity,
        verbose_name=_("市场主体"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("版本号"))
    data = models.JSONField(_("提交内容"))
    status = models.CharField(
        _("审核状态"),
        max_length=10,
        choices=RevisionStatus.choices,
        default=RevisionStatus.PENDING,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        ordering = ["entity_id", "-number"]
        verbose_name = _("主体信息版本")
        verbose_name_plural = _("主体信息版本")
        constraints = [
            models.UniqueConstraint(fields=["entity", "number"], name="revision_number_unique"),
            models.UniqueConstraint(
                fields=["entity"],
                condition=Q(status="pending"),
                name="revision_one_pending_per_entity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} v{self.number}"


class EntityUser(models.Model):
    """A login account of a market entity (市场主体用户)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="entity_link",
    )
    entity = models.ForeignKey(
        MarketEntity, verbose_name=_("市场主体"), on_delete=models.CASCADE, related_name="users"
    )
    is_admin = models.BooleanField(_("主体管理员"), default=False)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("市场主体用户")
        verbose_name_plural = _("市场主体用户")

    def __str__(self) -> str:
        return f"{self.user} @ {self.entity}"


def qualification_upload_to(instance: Qualification, filename: str) -> str:
    """Files are named by the service (random name, extension from the detected type)."""
    return f"entities/{instance.entity_id}/qualifications/{filename}"


class Qualification(models.Model):
    """A qualification certificate (资质证书) with its scanned copy."""

    entity = models.ForeignKey(
        MarketEntity,
        verbose_name=_("市场主体"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    revision = models.ForeignKey(
        EntityRevision,
        verbose_name=_("提交版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="qualifications",
    )
    type = models.CharField(_("资质类别"), max_length=100)
    level = models.CharField(_("等级"), max_length=32, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=64)
    issuer = models.CharField(_("发证机关"), max_length=100)
    valid_until = models.DateField(_("有效期至"))
    file = models.FileField(_("扫描件"), upload_to=qualification_upload_to, max_length=200)
    file_type = models.CharField(_("文件类型"), max_length=8)
    file_size = models.PositiveIntegerField(_("文件大小（字节）"))
    file_sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64)
    approved = models.BooleanField(_("已审核"), default=False)
    created_at = models.DateTimeField(_("添加时间"))

    class Meta:
        ordering = ["valid_until", "id"]
        verbose_name = _("资质")
        verbose_name_plural = _("资质")

    def __str__(self) -> str:
        return f"{self.type} {self.level}".strip()

    def days_left(self, today: date) -> int:
        return (self.valid_until - today).days


class StaffMember(models.Model):
    """A person on the entity's staff (人员), e.g. a registered constructor (注册建造师)."""

    entity = models.ForeignKey(
        MarketEntity, verbose_name=_("市场主体"), on_delete=models.CASCADE, related_name="staff"
    )
    revision = models.ForeignKey(
        EntityRevision,
        verbose_name=_("提交版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    name = models.CharField(_("姓名"), max_length=64)
    resident_id = models.CharField(_("身份证号"), max_length=18)
    position = models.CharField(_("职务/岗位"), max_length=64, blank=True)
    certificate_no = models.CharField(_("执业证书编号"), max_length=64, blank=True)
    approved = models.BooleanField(_("已审核"), default=False)
    created_at = models.DateTimeField(_("添加时间"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "resident_id"], name="staff_unique_per_entity"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CertUsage(models.TextChoices):
    SIGN = "sign", _("签名证书")
    ENCRYPT = "encrypt", _("加密证书")


class Certificate(models.Model):
    """An X.509 certificate bound to a user and/or an entity (数字证书绑定)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    entity = models.ForeignKey(
        MarketEntity,
        verbose_name=_("市场主体"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    usage = models.CharField(_("用途"), max_length=8, choices=CertUsage.choices)
    suite = models.CharField(_("算法体系"), max_length=8)
    pem = models.TextField(_("证书（PEM）"))
    serial = models.CharField(_("序列号"), max_length=64)
    subject_cn = models.CharField(_("主体名称"), max_length=200)
    subject_serial_number = models.CharField(_("主体标识（serialNumber）"), max_length=64)
    issuer = models.CharField(_("颁发者"), max_length=300)
    not_before = models.DateTimeField(_("生效时间"))
    not_after = models.DateTimeField(_("失效时间"))
    fingerprint = models.CharField(_("指纹"), max_length=64, unique=True)
    bound_at = models.DateTimeField(_("绑定时间"))
    revoked_at = models.DateTimeField(_("解绑/吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-bound_at", "-id"]
        verbose_name = _("数字证书")
        verbose_name_plural = _("数字证书")

    def __str__(self) -> str:
        return f"{self.subject_cn} ({self.get_usage_display()}, {self.serial})"


class ChallengePurpose(models.TextChoices):
    BIND = "bind", _("绑定证书")
    LOGIN = "login", _("证书登录")


class CertChallenge(models.Model):
    """A one-time random challenge signed to prove possession of a certificate's key."""

    nonce = models.CharField(_("随机数"), max_length=64, unique=True)
    purpose = models.CharField(_("用途"), max_length=8, choices=ChallengePurpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("证书挑战")
        verbose_name_plural = _("证书挑战")

    def __str__(self) -> str:
        return f"{self.purpose}:{self.nonce[:8]}…"
