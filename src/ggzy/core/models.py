"""Storage of the ledger (数字见证账本): append-only entries, the head, daily checkpoints;
the instance's identity; the outbox of messages to the outside world."""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from ggzy.kernel import ledger as chain


class AppendOnlyError(Exception):
    """Raised on any attempt to update or delete a ledger row through the ORM."""

    def __init__(self) -> None:
        super().__init__("账本只能追加，不能修改或删除 / the ledger is append-only")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError

    def delete(self) -> NoReturn:
        raise AppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError


class LedgerEntry(AppendOnlyModel):
    seq = models.BigIntegerField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"))
    kind = models.CharField(_("事件类型"), max_length=64, db_index=True)
    actor = models.CharField(_("操作者"), max_length=160)
    subject = models.CharField(_("对象"), max_length=160, db_index=True)
    body = models.TextField(_("内容（规范 JSON）"))
    alg = models.CharField(_("哈希算法"), max_length=8)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("账本记录")
        verbose_name_plural = _("账本记录")

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind} {self.subject}"

    def as_chain_entry(self) -> chain.Entry:
        return chain.Entry(
            seq=self.seq,
            at=chain.format_instant(self.at),
            kind=self.kind,
            actor=self.actor,
            subject=self.subject,
            body=self.body,
            prev_hash=self.prev_hash,
            hash=self.hash,
            alg=self.alg,
        )


class LedgerHead(models.Model):
    """One row: the last sequence number and hash. Locked by every append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=chain.GENESIS_HASH)
    at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("账本头")
        verbose_name_plural = _("账本头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:16]}"


class Checkpoint(AppendOnlyModel):
    """A Merkle root over a contiguous range of entries: one per local day (每日检查点)."""

    day = models.DateField(_("日期"), unique=True)
    first_seq = models.BigIntegerField(_("起始序号"))
    last_seq = models.BigIntegerField(_("截止序号"))
    alg = models.CharField(_("哈希算法"), max_length=8)
    root = models.CharField(_("默克尔根"), max_length=64)
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("每日检查点")
        verbose_name_plural = _("每日检查点")

    def __str__(self) -> str:
        return f"{self.day} #{self.first_seq}–#{self.last_seq} {self.root[:16]}"

    @property
    def size(self) -> int:
        return self.last_seq - self.first_seq + 1


class Instance(AppendOnlyModel):
    """The database's identity (one row, written once): the files kept beside this database
    (``core.instance``) are stamped with it, so a new database never uses another's."""

    uid = models.CharField(_("实例标识"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("平台实例")
        verbose_name_plural = _("平台实例")

    def __str__(self) -> str:
        return self.uid


class OutboxMessage(models.Model):
    """A message to the outside world (待发消息: an SMS, a voice call, a bank instruction…),
    written in the transaction of the change that causes it and delivered after that commits,
    by ``core.outbox``: a rollback sends nothing, and nothing committed is ever lost."""

    kind = models.CharField(_("类型"), max_length=64)  # its handler in core.outbox
    payload = models.JSONField(_("内容"), encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("生成时间"))
    due_at = models.DateTimeField(_("下次投递时间"))
    attempts = models.PositiveIntegerField(_("投递次数"), default=0)
    delivered_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    last_error = models.TextField(_("最近一次失败原因"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("待发消息")
        verbose_name_plural = _("待发消息")
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="core_outbox_undelivered_due",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"
