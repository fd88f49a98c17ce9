"""Users, organisations and API tokens.

Organisations form a tree keyed by administrative region code (行政区划代码): the
provincial centre (省交易中心) → city centres (市交易中心) → county branches (县分中心), and
beside them the supervisory departments (行政监督部门) by industry at each level and the
oversight bodies (纪委监委, 审计). Market entities (市场主体) live in ``ggzy.entities``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class Region(models.Model):
    """An administrative region (行政区划), GB/T 2260 six-digit code."""

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        """The code prefix shared by every region inside this one."""
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)


class Industry(models.TextChoices):
    """The industry a supervisory department oversees (行业)."""

    DEVELOPMENT = "development", _("发展改革")
    HOUSING = "housing", _("住房城乡建设")
    TRANSPORT = "transport", _("交通运输")
    WATER = "water", _("水利")
    FINANCE = "finance", _("财政")
    NATURAL_RESOURCES = "natural_resources", _("自然资源")
    STATE_ASSETS = "state_assets", _("国有资产监督管理")
    AGRICULTURE = "agriculture", _("农业农村")
    HEALTH = "health", _("卫生健康")
    COMMERCE = "commerce", _("商务")
    ECOLOGY = "ecology", _("生态环境")
    FORESTRY = "forestry", _("林业")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        CENTRE = "centre", _("公共资源交易中心")
        DEPARTMENT = "department", _("行政监督部门")
        OVERSIGHT = "oversight", _("纪检监察与审计")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=128, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("行政区划"), on_delete=models.PROTECT)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    industry = models.CharField(_("监督行业"), max_length=24, choices=Industry.choices, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region_id", "kind", "name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a person does on the platform (DESIGN §6)."""

    ADMIN = "admin", _("系统管理员")
    CENTRE = "centre", _("交易中心工作人员")
    SUPERVISOR = "supervisor", _("行政监督人员")
    OVERSIGHT = "oversight", _("纪检监察/审计人员")
    ENTITY = "entity", _("市场主体用户")
    EXPERT = "expert", _("评标评审专家")


# The staff roles (工作人员), defined once: the platform's administrators and centre staff,
# the supervisors and the read-only oversight bodies. They read across entities, experts and
# trades within their scope, and must pass a second factor (TOTP) after the password.
STAFF_ROLES = frozenset({Role.ADMIN, Role.CENTRE, Role.SUPERVISOR, Role.OVERSIGHT})


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.ENTITY)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    real_name = models.CharField(_("姓名"), max_length=64, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)
    resident_id = models.CharField(_("身份证号"), max_length=18, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def needs_second_factor(self) -> bool:
        return self.role in STAFF_ROLES or self.is_superuser

    def is_verified(self) -> bool:
        """Whether this session passed a second factor. django-otp's middleware replaces it
        on the request's user; without that middleware nothing is verified."""
        return False

    @property
    def actor(self) -> str:
        """How this user is named in ledger entries."""
        return f"user:{self.pk}:{self.username}"


class ApiToken(models.Model):
    """A token for a connected system (接入系统). Only a digest of the secret is stored."""

    class Scope(models.TextChoices):
        READ = "read", _("只读")
        WRITE = "write", _("读写")

    user = models.ForeignKey(
        User, verbose_name=_("所属用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=64)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    digest = models.CharField(_("摘要"), max_length=64)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Notification(models.Model):
    """A message to one user (站内通知). SMS or voice providers plug in later."""

    recipient = models.ForeignKey(
        User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=64)
    message_zh = models.TextField(_("内容"))
    message_en = models.TextField(_("内容（英文）"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    key = models.CharField(_("去重键"), max_length=160, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")

    def __str__(self) -> str:
        return self.message_zh[:40]
