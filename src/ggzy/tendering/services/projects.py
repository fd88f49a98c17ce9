"""Project entry (进场登记): the must-tender check, split warnings, lots, termination."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from ggzy.accounts.models import Organisation, Region, User
from ggzy.accounts.services import notify
from ggzy.catalogue.models import Sector as CatalogueSector
from ggzy.catalogue.selectors import entry_requirement, item_by_code
from ggzy.core.services import record
from ggzy.entities.models import EntityStatus, MarketEntity
from ggzy.entities.selectors import entity_of
from ggzy.kernel import clock, rules
from ggzy.kernel.errors import Forbidden, InvalidInput, RuleViolation
from ggzy.kernel.money import format_cny, yuan
from ggzy.kernel.text import clean_text

from .. import events
from ..models import Bid, Category, EntryBasis, Funding, Keyholder, Lot, Notice, Project, Sector
from ..procedures import GP, WORKS
from ..procedures import get as get_procedure
from .common import lock_project, publish_notice, require_manager

# Which Order 16 threshold a construction catalogue category is measured against.
_MUST_TENDER_RULE = {
    "works": "works.must_tender.construction_min_yuan",
    "goods": "works.must_tender.goods_min_yuan",
    "services": "works.must_tender.services_min_yuan",
}


@dataclass(frozen=True)
class Registered:
    project: Project
    message_zh: str
    message_en: str
    split_warning: dict[str, Any] | None


def _choice(value: object, choices: type, *, field: str, label_zh: str) -> str:
    allowed = [c.value for c in choices]  # type: ignore[attr-defined]
    if value not in allowed:
        raise InvalidInput(
            f"{label_zh}无效：{value!r}；可选：{'、'.join(allowed)}",
            f"invalid {field}: {value!r}; choose one of {', '.join(allowed)}",
            code="invalid_choice",
            field=field,
        )
    return str(value)


def _organisation(org_id: object, kind: str, *, field: str) -> Organisation:
    org = Organisation.objects.filter(pk=org_id if isinstance(org_id, int) else -1, kind=kind)
    found = org.first()
    if found is None or not found.is_active:
        label = "交易中心" if kind == Organisation.Kind.CENTRE else "行政监督部门"
        raise InvalidInput(
            f"{label}不存在：{org_id!r}",
            f"no such {field}: {org_id!r}",
            code="invalid",
            field=field,
        )
    return found


def _parties(user: User, initiator_code: object) -> tuple[MarketEntity, MarketEntity | None]:
    """The initiator, and the agent when the user registers on an initiator's behalf."""
    own = entity_of(user)
    if own is None or own.status != EntityStatus.APPROVED:
        raise Forbidden(
            "只有审核通过的招标人/采购人或代理机构可以登记项目",
            "only approved initiators or agents may register projects",
            code="not_initiator",
        )
    if not initiator_code or initiator_code == own.uscc:
        if not own.is_initiator:
            raise Forbidden(
                "本主体未登记为招标人/采购人；代理机构请填写委托的招标人统一社会信用代码",
                "this entity is not an initiator; an agent gives its client's USCC",
                code="not_initiator",
                field="initiator_uscc",
            )
        return own, None
    if not own.is_agent:
        raise Forbidden(
            "只有代理机构可以代他人登记项目",
            "only agents may register a project for another initiator",
            code="not_agent",
            field="initiator_uscc",
        )
    initiator = MarketEntity.objects.filter(
        uscc=initiator_code, is_initiator=True, status=EntityStatus.APPROVED
    ).first()
    if initiator is None:
        raise InvalidInput(
            f"未找到审核通过的招标人/采购人：{initiator_code}",
            f"no approved initiator with USCC {initiator_code}",
            code="initiator_not_found",
            field="initiator_uscc",
        )
    return initiator, own


def _entry(item: Any, estimate: Decimal, sector: str, category: str) -> tuple[str, str, str]:
    """Apply the catalogue's thresholds and say which article applies (Order 16 Art 5…)."""
    requirement = entry_requirement(item, estimate)
    if requirement.must_enter and sector == Sector.PROCUREMENT:
        return (
            EntryBasis.MUST,
            f"{requirement.reason_zh}。适用：《政府采购法》第二条及省级集中采购目录和限额标准",
            f"{requirement.reason_en}. Applies: GP Law Art 2 and the province's thresholds",
        )
    rule = rules.get(
        _MUST_TENDER_RULE[category] if requirement.must_enter else "works.voluntary_entry_min_yuan"
    )
    if not requirement.must_enter and not requirement.voluntary_allowed:
        raise RuleViolation(
            f"{requirement.reason_zh}（依据{rule.citation_zh}）",
            f"{requirement.reason_en} ({rule.citation_en})",
            code="below_entry_threshold",
            field="estimate",
        )
    return (
        EntryBasis.MUST if requirement.must_enter else EntryBasis.VOLUNTARY,
        f"{requirement.reason_zh}。适用：{rule.citation_zh}",
        f"{requirement.reason_en}. Applies: {rule.citation_en}",
    )


def _split_warning(
    *,
    initiator: MarketEntity,
    item_code: str,
    sector: str,
    category: str,
    procedure: str,
    estimate: Decimal,
    fiscal_year: int,
) -> dict[str, Any] | None:
    """Similar items each below the threshold that together pass it in one fiscal year
    (Reg. Art 24 for works; GP Reg. Art 28 for non-open procurement)."""
    if sector == Sector.CONSTRUCTION:
        rule_id = _MUST_TENDER_RULE[category]
    elif procedure != "gp_open":
        rule_id = "gp.open_tender_min_yuan"
    else:
        return None
    threshold = rules.decimal_value(rule_id)
    if estimate >= threshold:
        return None
    siblings = Project.objects.filter(
        initiator=initiator,
        catalogue_item__code=item_code,
        fiscal_year=fiscal_year,
        estimate__lt=threshold,
    ).exclude(status=Project.Status.TERMINATED)
    if sector == Sector.PROCUREMENT:
        siblings = siblings.exclude(procedure="gp_open")
    earlier = siblings.aggregate(total=Sum("estimate"))["total"] or Decimal(0)
    total = earlier + estimate
    if not earlier or total < threshold:
        return None
    rule = rules.get(rule_id)
    article = (
        "《招标投标法实施条例》第二十四条" if sector == Sector.CONSTRUCTION else rule.citation_zh
    )
    article_en = "Reg. Art 24" if sector == Sector.CONSTRUCTION else rule.citation_en
    return {
        "rule": rule_id,
        "threshold": str(threshold),
        "total": str(total),
        "projects": list(siblings.values_list("code", flat=True)),
        "message_zh": (
            f"疑似化整为零：同一招标人本财政年度已登记同类事项{siblings.count()}个，"
            f"与本项目合计{format_cny(total)}，达到{format_cny(threshold)}（{article}），"
            "已告知行政监督部门"
        ),
        "message_en": (
            f"possible split: {siblings.count()} similar project(s) of this initiator in the "
            f"fiscal year, {total} yuan together with this one, reach {threshold} ({article_en}); "
            "the supervising department has been told"
        ),
    }


def _next_code(sector: str, region: Region, year: int) -> str:
    prefix = f"{'JG' if sector == Sector.CONSTRUCTION else 'ZC'}{region.code}{year}"
    last = (
        Project.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def register_project(*, user: User, data: Mapping[str, Any], ip: str | None = None) -> Registered:
    """Register a project (进场登记) with its lots; the must-tender check decides the basis."""
    initiator, agent = _parties(user, data.get("initiator_uscc"))
    name = clean_text(
        data.get("name"), field="name", max_length=200, label_zh="项目名称", label_en="project name"
    )
    item = item_by_code(str(data.get("catalogue_item") or ""))
    if item.category.sector not in (CatalogueSector.CONSTRUCTION, CatalogueSector.PROCUREMENT):
        raise InvalidInput(
            f"「{item.name}」不是工程建设或政府采购事项",
            f"{item.code} is not a construction or procurement item",
            code="not_tendering_item",
            field="catalogue_item",
        )
    sector = str(item.category.sector)
    category = str(item.category.family)
    procedure = get_procedure(data.get("procedure"))
    if procedure.family != (WORKS if sector == Sector.CONSTRUCTION else GP):
        raise InvalidInput(
            f"「{procedure.name_zh}」不适用于{Sector(sector).label}",
            f"{procedure.code} does not apply to {sector} projects",
            code="procedure_mismatch",
            field="procedure",
        )
    if procedure.catalogue_family not in item.procedure_families:
        raise InvalidInput(
            f"交易目录事项「{item.name}」不允许采用「{procedure.name_zh}」",
            f"catalogue item {item.code} does not allow {procedure.code}",
            code="procedure_not_in_catalogue",
            field="procedure",
        )
    funding = _choice(data.get("funding"), Funding, field="funding", label_zh="资金来源")
    estimate = yuan(data.get("estimate") or "", field="estimate")
    if estimate <= 0:
        raise InvalidInput(
            "估算价须大于零", "the estimate must be positive", code="invalid", field="estimate"
        )
    region = Region.objects.filter(pk=str(data.get("region") or "")).first()
    if region is None:
        raise InvalidInput("行政区划不存在", "no such region", code="invalid", field="region")
    centre = _organisation(data.get("centre"), Organisation.Kind.CENTRE, field="centre")
    supervisor = _organisation(
        data.get("supervisor"), Organisation.Kind.DEPARTMENT, field="supervisor"
    )
    if supervisor.industry != item.supervising_industry:
        raise InvalidInput(
            f"「{supervisor.name}」不监督{item.get_supervising_industry_display()}行业项目",
            f"{supervisor.name} does not supervise {item.supervising_industry} projects",
            code="wrong_supervisor",
            field="supervisor",
        )
    basis, reason_zh, reason_en = _entry(item, estimate, sector, category)
    now = clock.now()
    fiscal_year = clock.today().year
    warning = _split_warning(
        initiator=initiator,
        item_code=item.code,
        sector=sector,
        category=category,
        procedure=procedure.code,
        estimate=estimate,
        fiscal_year=fiscal_year,
    )
    project = Project.objects.create(
        code=_next_code(sector, region, fiscal_year),
        name=name,
        sector=sector,
        category=_choice(category, Category, field="catalogue_item", label_zh="标的类别"),
        procedure=procedure.code,
        funding=funding,
        estimate=estimate,
        region=region,
        centre=centre,
        supervisor=supervisor,
        catalogue_item=item,
        initiator=initiator,
        agent=agent,
        entry_basis=basis,
        entry_reason=reason_zh,
        fiscal_year=fiscal_year,
        split_warning=warning,
        created_by=user,
        created_at=now,
    )
    record(
        events.PROJECT_REGISTERED,
        subject=f"project:{project.code}",
        payload={
            "name": name,
            "procedure": procedure.code,
            "estimate": str(estimate),
            "initiator": initiator.uscc,
            "agent": agent.uscc if agent else None,
            "entry_basis": basis,
            "catalogue_item": item.code,
        },
        actor=user.actor,
        ip=ip,
    )
    if warning:
        record(
            events.PROJECT_SPLIT_WARNING,
            subject=f"project:{project.code}",
            payload=warning,
            actor="system",
        )
        for staff in supervisor.staff.filter(is_active=True):
            notify(
                user=staff,
                kind="split_warning",
                message_zh=warning["message_zh"],
                message_en=warning["message_en"],
                url=f"/tendering/projects/{project.pk}/",
            )
    for number, lot in enumerate(data.get("lots") or [], start=1):
        _create_lot(project, number, lot)
    return Registered(project, reason_zh, reason_en, warning)


def _deposit_rule(project: Project) -> str:
    return (
        "works.bid_deposit_max_percent"
        if project.sector == Sector.CONSTRUCTION
        else "gp.bid_deposit_max_percent"
    )


def _keyholders(ids: Sequence[Any], threshold: int) -> list[Keyholder]:
    holders = list(Keyholder.objects.filter(pk__in=list(ids), is_active=True))
    if len(holders) != len(set(ids)):
        raise InvalidInput(
            "托管方不存在或已停用",
            "unknown or inactive keyholder",
            code="invalid",
            field="escrow_keyholders",
        )
    if not 2 <= threshold <= len(holders):
        raise InvalidInput(
            f"托管门限须在 2 与托管方数量 {len(holders)} 之间",
            f"the escrow threshold must be between 2 and the {len(holders)} keyholders",
            code="invalid_threshold",
            field="escrow_threshold",
        )
    return holders


def _create_lot(project: Project, number: int, data: Mapping[str, Any]) -> Lot:
    if not isinstance(data, Mapping):
        raise InvalidInput(
            "标段/包数据格式有误", "a lot must be an object", code="invalid", field="lots"
        )
    name = clean_text(
        data.get("name"),
        field="lots.name",
        max_length=200,
        label_zh="标段/包名称",
        label_en="lot name",
    )
    estimate = yuan(data.get("estimate") or "", field="lots.estimate")
    if estimate <= 0:
        raise InvalidInput(
            "标段/包估算价须大于零",
            "a lot's estimate must be positive",
            code="invalid",
            field="lots.estimate",
        )
    ceiling = data.get("ceiling_price")
    ceiling_price = (
        yuan(str(ceiling), field="lots.ceiling_price") if ceiling not in (None, "") else None
    )
    if ceiling_price is not None and ceiling_price <= 0:
        raise InvalidInput(
            "最高投标限价须大于零",
            "the ceiling price must be positive",
            code="invalid",
            field="lots.ceiling_price",
        )
    deposit = yuan(data.get("deposit_amount") or "0", field="lots.deposit_amount")
    rule_id = _deposit_rule(project)
    limit = (estimate * rules.decimal_value(rule_id) / 100).quantize(Decimal("0.01"))
    if deposit < 0 or deposit > limit:
        raise rules.violation(
            rule_id,
            f"投标保证金{format_cny(deposit)}超过估算价的{rules.value(rule_id)}%（{format_cny(limit)}）",
            f"the deposit {deposit} exceeds {rules.value(rule_id)}% of the estimate ({limit})",
            field="lots.deposit_amount",
            code="deposit_too_high",
        )
    threshold = int(data.get("escrow_threshold") or 0)
    holders = _keyholders(data.get("escrow_keyholders") or [], threshold) if threshold else []
    minutes = int(
        data.get("decryption_minutes") or rules.int_value("etender.decryption_window_minutes")
    )
    if not 5 <= minutes <= 24 * 60:
        raise InvalidInput(
            "解密时限须在 5 分钟至 24 小时之间",
            "the decryption window must be 5 minutes to 24 hours",
            code="invalid",
            field="lots.decryption_minutes",
        )
    lot = Lot.objects.create(
        project=project,
        number=number,
        code=f"{project.code}-{number:02d}",
        name=name,
        estimate=estimate,
        ceiling_price=ceiling_price,
        deposit_amount=deposit,
        escrow_threshold=threshold,
        decryption_minutes=minutes,
    )
    lot.escrow_keyholders.set(holders)
    record(
        events.LOT_CREATED,
        subject=f"lot:{lot.code}",
        payload={
            "estimate": str(estimate),
            "ceiling_price": str(ceiling_price) if ceiling_price is not None else None,
            "deposit": str(deposit),
            "escrow": {"threshold": threshold, "keyholders": [h.key_id for h in holders]},
        },
    )
    return lot


@transaction.atomic
def add_lot(*, user: User, project_id: int, data: Mapping[str, Any]) -> Lot:
    project = lock_project(project_id)
    require_manager(user, project)
    if project.status != Project.Status.REGISTERED:
        raise RuleViolation(
            "公告发布后不能再增加标段/包",
            "lots cannot be added after the notice",
            code="project_published",
        )
    number = project.lots.count() + 1
    return _create_lot(project, number, data)


@transaction.atomic
def terminate_project(*, user: User, project_id: int, reason: str, ip: str | None = None) -> Notice:
    """Terminate a tender (终止招标, Reg. Art 31): notice, bids returned, deposits refunded."""
    project = lock_project(project_id)
    require_manager(user, project)
    text = clean_text(
        reason,
        field="reason",
        max_length=2000,
        multiline=True,
        label_zh="终止原因",
        label_en="reason",
    )
    if project.status in (Project.Status.TERMINATED, Project.Status.OPENED, Project.Status.FAILED):
        raise RuleViolation(
            "项目已开标或已结束，不能终止", "the project is past its opening", code="project_closed"
        )
    now = clock.now()
    for lot in project.lots.select_for_update():
        for bid in lot.bids.filter(status=Bid.Status.SUBMITTED):
            bid.status, bid.ended_at = Bid.Status.RETURNED, now
            bid.save(update_fields=["status", "ended_at"])
        lot.status = Lot.Status.TERMINATED
        lot.save(update_fields=["status"])
        record(
            events.LOT_TERMINATED,
            subject=f"lot:{lot.code}",
            payload={"reason": text},
            actor=user.actor,
            ip=ip,
            objects={"lot": lot, "at": now},
        )
    project.status = Project.Status.TERMINATED
    project.save(update_fields=["status"])
    return publish_notice(
        project=project,
        kind=Notice.Kind.TERMINATION,
        title=f"{project.name}终止公告",
        body=f"项目编号：{project.code}\n终止原因：{text}\n已递交的投标文件不予开启；已收取的投标保证金及同期存款利息将及时退还（《招标投标法实施条例》第三十一条）。",
        user=user,
        ip=ip,
    )


@transaction.atomic
def retender(*, user: User, project_id: int, ip: str | None = None) -> Project:
    """The re-tender path (重新招标, Law Art 28; Reg. Art 44): a new registration copying the
    failed one, with fresh lots; the failed project stays on record, linked."""
    old = lock_project(project_id)
    require_manager(user, old)
    if old.status != Project.Status.FAILED:
        raise RuleViolation(
            "只有流标的项目可以重新招标",
            "only a failed project can be re-tendered",
            code="not_failed",
        )
    if old.retenders.exists():
        raise RuleViolation(
            "该项目已重新招标", "the project was already re-tendered", code="already_retendered"
        )
    new = Project.objects.get(pk=old.pk)
    new.pk = None
    new.code = _next_code(old.sector, old.region, clock.today().year)
    new.status = Project.Status.REGISTERED
    new.sale_starts_at = new.sale_ends_at = new.bid_deadline = new.documents_issued_at = None
    new.retender_of, new.created_by, new.created_at = old, user, clock.now()
    new.save()
    record(
        events.PROJECT_RETENDERED,
        subject=f"project:{new.code}",
        payload={"retender_of": old.code},
        actor=user.actor,
        ip=ip,
    )
    for lot in old.lots.all():
        _create_lot(
            new,
            lot.number,
            {
                "name": lot.name,
                "estimate": str(lot.estimate),
                "ceiling_price": str(lot.ceiling_price) if lot.ceiling_price is not None else None,
                "deposit_amount": str(lot.deposit_amount),
                "escrow_threshold": lot.escrow_threshold,
                "escrow_keyholders": list(lot.escrow_keyholders.values_list("pk", flat=True)),
                "decryption_minutes": lot.decryption_minutes,
            },
        )
    return new
