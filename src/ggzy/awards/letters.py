"""The award notice (中标通知书 / 成交通知书) and the result notices to the other bidders, as
PDFs sealed with the platform's electronic seal. Amounts appear in figures and in capitalised
Chinese (大写)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from ggzy.core import files, pdf, seal
from ggzy.kernel import clock
from ggzy.kernel.money import format_cny, to_chinese_capital
from ggzy.tendering.models import Bid, Lot
from ggzy.tendering.price_sheet import rows
from ggzy.tendering.services.common import identifier, procedure_of

from .models import Award, Letter


def _amount(value: object) -> str:
    return f"{format_cny(value)}（人民币{to_chinese_capital(value)}）"  # type: ignore[arg-type]


def _date(moment: datetime) -> str:
    return moment.astimezone(clock.SHANGHAI).strftime("%Y年%m月%d日")


def _parties(lot: Lot) -> list[tuple[str, str]]:
    project = lot.project
    pairs = [
        ("项目名称", project.name),
        ("项目编号", project.code),
        ("标段/包", f"{lot.code} {lot.name}"),
        ("招标/采购方式", procedure_of(project).name_zh),
        ("招标人/采购人", project.initiator.name),
    ]
    if project.agent is not None:
        pairs.append(("招标代理机构", project.agent.name))
    return pairs


def _award_body(award: Award, family: str) -> list[pdf.Block]:
    bid: Bid = award.bid
    lot = award.lot
    gp = family == "gp"
    role = "成交供应商" if gp else "中标人"
    deadline = "采购合同" if gp else "书面合同"
    return [
        pdf.Para(f"{bid.entity.name}（统一社会信用代码 {identifier(bid.entity)}）："),
        pdf.Para(
            f"你方于{_date(bid.received_at)}递交的{lot.project.name}{lot.name}投标文件，经评标委员会"
            f"评审并由{lot.project.initiator.name}确定，你方为{role}。"
        ),
        pdf.Fields(
            [
                *_parties(lot),
                ("中标/成交金额", _amount(award.amount)),
                *rows(bid.price_sheet, family)[1:],
                ("定标日期", _date(award.decided_at)),
            ]
        ),
        pdf.Para(
            f"请自本通知书发出之日起三十日内，按照招标文件和你方投标文件与招标人/采购人订立{deadline}"
            "（《中华人民共和国招标投标法》第四十六条、《中华人民共和国政府采购法》第四十六条）。"
        ),
    ]


def _result_body(award: Award, entity_name: str) -> list[pdf.Block]:
    lot = award.lot
    return [
        pdf.Para(f"{entity_name}："),
        pdf.Para(
            f"感谢你方参加{lot.project.name}{lot.name}的投标。经评标委员会评审和招标人/采购人确定，"
            f"中标/成交人为{award.bid.entity.name}，中标/成交金额为{_amount(award.amount)}。"
            "你方未中标。投标保证金将依法退还。"
        ),
        pdf.Fields(_parties(lot)),
    ]


def _name(award: Award, entity_id: int, kind: str) -> str:
    """The letter's name in the file store, relative to its root."""
    return f"awards/{award.lot.code}/{kind}-{award.pk}-{entity_id}.pdf"


def issue(award: Award, entity_id: int, entity_name: str, kind: str) -> Letter:
    """Render, seal and store one letter; the caller records it in the ledger."""
    family = procedure_of(award.lot.project).family
    if kind == Letter.Kind.AWARD:
        title = "成交通知书" if family == "gp" else "中标通知书"
        blocks = _award_body(award, family)
    else:
        title = "成交结果通知书" if family == "gp" else "中标结果通知书"
        blocks = _result_body(award, entity_name)
    centre = award.lot.project.centre.name
    blocks.append(pdf.Para(f"{centre}（电子印章）  {_date(award.decided_at)}"))
    document = pdf.render(
        title=title,
        blocks=blocks,
        subject=f"{award.lot.code} {kind}",
        footer=f"{award.lot.code} {title}",
        created=award.decided_at,
    )
    sealed = seal.seal_pdf(
        document, reason=title, location=award.lot.project.centre.name, signed_at=award.decided_at
    )
    return Letter.objects.create(
        award=award,
        entity_id=entity_id,
        kind=kind,
        file=files.store(_name(award, entity_id, kind), sealed),
        digest=hashlib.sha256(sealed).hexdigest(),
        issued_at=award.decided_at,
    )
