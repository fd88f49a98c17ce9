"""The expert pool (专家库), draws (抽取) and the randomness parties behind them.

One comprehensive pool per province (综合评标专家库) and the government-procurement pool
(政府采购评审专家库); specialties coded by the 2018 national classification
(公共资源交易评标专家专业分类标准: four levels, top A 工程 / B 货物 / C 服务).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ggzy.accounts.models import Organisation, Region, User


class Specialty(models.Model):
    """A code of the expert specialty classification, e.g. A08 工程施工."""

    code = models.CharField(_("专业代码"), max_length=16, primary_key=True)
    name = models.CharField(_("专业名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"))
    parent = models.ForeignKey(
        "self", verbose_name=_("上级专业"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("专家专业")
        verbose_name_plural = _("专家专业分类")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")
    BLACKLISTED = "blacklisted", _("黑名单")


class Expert(models.Model):
    user = models.OneToOneField(
        User,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert",
    )
    name = models.CharField(_("姓名"), max_length=64)
    resident_id = models.CharField(_("身份证号"), max_length=18, unique=True)
    employer_name = models.CharField(_("工作单位"), max_length=200)
    employer_uscc = models.CharField(_("工作单位统一社会信用代码"), max_length=18, db_index=True)
    title = models.CharField(_("职称"), max_length=64)
    years_of_practice = models.PositiveSmallIntegerField(_("从业年限"))
    education = models.CharField(_("学历"), max_length=32, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=11)
    email = models.EmailField(_("电子邮箱"), blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT)
    main_specialty = models.ForeignKey(
        Specialty, verbose_name=_("主专业"), on_delete=models.PROTECT, related_name="main_experts"
    )
    other_specialties = models.ManyToManyField(
        Specialty, verbose_name=_("其他专业"), blank=True, related_name="other_experts"
    )
    in_comprehensive_pool = models.BooleanField(_("综合评标专家库"), default=True)
    in_procurement_pool = models.BooleanField(_("政府采购评审专家库"), default=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE
    )
    status_reason = models.CharField(_("处理原因"), max_length=500, blank=True)
    status_document = models.CharField(_("处理文号"), max_length=100, blank=True)
    status_until = models.DateField(_("处理期限至"), null=True, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)
    # USCCs of units the expert declared a conflict of interest with (自行申报的回避单位).
    declared_conflicts = models.JSONField(_("申报回避单位"), default=list, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        indexes = [models.Index(fields=["status", "main_specialty"])]

    def __str__(self) -> str:
        return self.name


class Leave(models.Model):
    """A period the expert cannot serve (请假/暂停抽取)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="leaves")
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")

    def __str__(self) -> str:
        return f"{self.expert} {self.start}–{self.end}"


class Venue(models.Model):
    """An evaluation venue (评标场地); remote evaluation draws secondary venues from these."""

    name = models.CharField(_("场地名称"), max_length=100, unique=True)
    centre = models.ForeignKey(
        Organisation, verbose_name=_("所属交易中心"), on_delete=models.PROTECT
    )
    region = models.ForeignKey(Region, verbose_name=_("所在地区"), on_delete=models.PROTECT)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("评标场地")
        verbose_name_plural = _("评标场地")

    def __str__(self) -> str:
        return self.name


class RandomnessParty(models.Model):
    """A party contributing secrets to every draw (随机数贡献方): the centre, the supervising
    department, optionally a notary. Each party's system holds a hash chain
    s_N → … → s_1 → s_0 = anchor (s_{i-1} = H(s_i)); only the anchor is stored here, and
    the party releases s_1, s_2, … one per draw attempt. A released value proves itself:
    hashing it i times gives the anchor."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("所属机构"), on_delete=models.PROTECT
    )
    anchor = models.CharField(_("链锚（承诺）"), max_length=64)
    length = models.PositiveIntegerField(_("链长度"))
    alg = models.CharField(_("哈希算法"), max_length=8)
    next_index = models.PositiveIntegerField(_("下一序号"), default=1)
    endpoint = models.CharField(
        _("贡献服务地址"), max_length=200, help_text=_("本地文件：file:路径；远程：https://…")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("随机数贡献方")
        verbose_name_plural = _("随机数贡献方")

    def __str__(self) -> str:
        return self.name


class DrawMode(models.TextChoices):
    LOCAL = "local", _("本地评标")
    REMOTE = "remote", _("远程异地评标")


class DrawRequest(models.Model):
    """A request for experts for one lot (专家抽取申请)."""

    class Status(models.TextChoices):
        OPEN = "open", _("抽取中")
        COMPLETE = "complete", _("已完成")
        PUBLIC = "public", _("结果已公开")
        CANCELLED = "cancelled", _("已取消")

    project_code = models.CharField(_("项目编号"), max_length=64)
    lot_name = models.CharField(_("标段/包名称"), max_length=200)
    procedure = models.CharField(_("采购/招标方式"), max_length=32)
    centre = models.ForeignKey(
        Organisation, verbose_name=_("交易中心"), on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        Organisation, verbose_name=_("行政监督部门"), on_delete=models.PROTECT, related_name="+"
    )
    initiator_uscc = models.CharField(_("招标人/采购人代码"), max_length=18)
    agent_uscc = models.CharField(_("代理机构代码"), max_length=18, blank=True)
    bidder_usccs = models.JSONField(_("投标人代码"), default=list, blank=True)
    opening_at = models.DateTimeField(_("开标时间"))
    mode = models.CharField(_("评标方式"), max_length=8, choices=DrawMode.choices)
    committee_size = models.PositiveSmallIntegerField(_("评标委员会人数"))
    owner_representatives = models.PositiveSmallIntegerField(_("招标人代表人数"), default=0)
    # [{"specialty": "A08", "venue": "main" | <venue id>, "count": 3}, …]
    requirements = models.JSONField(_("抽取要求"))
    main_venue = models.ForeignKey(
        Venue, verbose_name=_("主场"), on_delete=models.PROTECT, related_name="+"
    )
    secondary_venue_count = models.PositiveSmallIntegerField(_("副场数量"), default=0)
    reply_minutes = models.PositiveIntegerField(_("确认时限（分钟）"), default=30)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, verbose_name=_("申请人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("申请时间"))
    result_public_at = models.DateTimeField(_("结果公开时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("抽取申请")
        verbose_name_plural = _("抽取申请")

    def __str__(self) -> str:
        return f"{self.project_code} {self.lot_name}"


class DrawAttempt(models.Model):
    """One draw, initial or supplementary (补抽). Every attempt is kept, finished or not."""

    class Status(models.TextChoices):
        STARTED = "started", _("已开始")
        DRAWN = "drawn", _("已抽取")
        ABANDONED = "abandoned", _("已放弃")

    request = models.ForeignKey(DrawRequest, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("次序"))
    supplementary = models.BooleanField(_("补抽"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("开始时间"))
    # What was drawn from: {"buckets": [{"key", "specialty", "venue", "count", "eligible": [ids]}],
    # "venues": [ids], "exclusions": [{"expert", "rule", "reason_zh", "reason_en"}]}
    snapshot = models.JSONField(_("候选快照"))
    snapshot_digest = models.CharField(_("快照摘要"), max_length=64)
    # Which chain element each party contributes: {"party id": index}
    contributions = models.JSONField(_("随机数序号"))
    reveals = models.JSONField(_("随机数揭示值"), default=dict, blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    # Sealed: SM4/AES-GCM ciphertext of the drawn list (hex), and its digest.
    sealed_result = models.TextField(_("密封结果"), blank=True)
    result_digest = models.CharField(_("结果摘要"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)

    class Meta:
        ordering = ["request", "number"]
        unique_together = [("request", "number")]
        verbose_name = _("抽取记录")
        verbose_name_plural = _("抽取记录")

    def __str__(self) -> str:
        return f"{self.request} #{self.number}"


class Invitation(models.Model):
    """One drawn expert asked to serve (抽取通知与确认)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        DECLINED = "declined", _("已拒绝")
        EXPIRED = "expired", _("超时未答复")
        REPLACED = "replaced", _("已替换")

    attempt = models.ForeignKey(DrawAttempt, on_delete=models.PROTECT, related_name="invitations")
    request = models.ForeignKey(DrawRequest, on_delete=models.PROTECT, related_name="invitations")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="invitations")
    bucket = models.CharField(_("抽取分组"), max_length=64)
    venue = models.ForeignKey(Venue, verbose_name=_("评标场地"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    notified_at = models.DateTimeField(_("通知时间"))
    reply_by = models.DateTimeField(_("答复截止"))
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.CharField(_("拒绝理由"), max_length=200, blank=True)
    # What the evaluation committee recorded of the expert (its ``Member``), copied here by
    # ``evaluation.services.committee`` alone, so the expert's own invitations show it.
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    seat = models.PositiveSmallIntegerField(_("座位号"), null=True, blank=True)
    is_chair = models.BooleanField(_("评标委员会主任"), default=False)
    # A member replaced during evaluation (status ``replaced``): their review is void (Reg.
    # Art 48); the draw frees their employer's place, and appraisal counts them as served.
    replaced_at = models.DateTimeField(_("替换时间"), null=True, blank=True)
    replaced_reason = models.CharField(_("替换原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("抽取通知")
        verbose_name_plural = _("抽取通知")

    def __str__(self) -> str:
        return f"{self.expert} → {self.request}"


class ProfileChange(models.Model):
    """An expert's change of specialties or employer, reviewed by the centre (信息变更审核)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="changes")
    data = models.JSONField(_("变更内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(
        User, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.CharField(_("退回理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("专家信息变更")
        verbose_name_plural = _("专家信息变更")

    def __str__(self) -> str:
        return f"{self.expert} {self.submitted_at:%Y-%m-%d}"


class Appraisal(models.Model):
    """One project, one appraisal (一项目一考评) of an expert, by the centre or the initiator."""

    class By(models.TextChoices):
        CENTRE = "centre", _("交易中心")
        INITIATOR = "initiator", _("招标人/采购人")

    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="appraisals")
    by = models.CharField(_("评价方"), max_length=10, choices=By.choices)
    attitude = models.PositiveSmallIntegerField(_("工作态度"))
    discipline = models.PositiveSmallIntegerField(_("遵守纪律"))
    professional = models.PositiveSmallIntegerField(_("专业水平"))
    confidentiality = models.PositiveSmallIntegerField(_("保密"))
    remarks = models.CharField(_("备注"), max_length=500, blank=True)
    author = models.ForeignKey(User, verbose_name=_("评价人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("评价时间"))

    class Meta:
        unique_together = [("invitation", "by")]
        verbose_name = _("专家考评")
        verbose_name_plural = _("专家考评")

    def __str__(self) -> str:
        return f"{self.invitation} {self.by}"


class Sanction(models.Model):
    """A suspension or blacklisting (暂停/列入黑名单), with its document number and period."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="sanctions")
    kind = models.CharField(_("处理类型"), max_length=12, choices=ExpertStatus.choices)
    reason = models.CharField(_("原因"), max_length=500)
    document = models.CharField(_("文号"), max_length=100)
    start = models.DateField(_("开始日期"))
    until = models.DateField(_("截止日期"), null=True, blank=True)
    author = models.ForeignKey(User, verbose_name=_("处理人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("处理时间"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("专家处理记录")
        verbose_name_plural = _("专家处理记录")

    def __str__(self) -> str:
        return f"{self.expert} {self.kind} {self.document}"


class Remuneration(models.Model):
    """Pay for one evaluation (评审劳务报酬), paid by bank transfer, never cash."""

    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, related_name="remuneration"
    )
    hours = models.DecimalField(_("评审时长（小时）"), max_digits=5, decimal_places=1)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("登记时间"))
    exported_at = models.DateTimeField(_("导出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审劳务报酬")
        verbose_name_plural = _("评审劳务报酬")

    def __str__(self) -> str:
        return f"{self.invitation} ¥{self.amount}"
