"""The evaluation report as a PDF: members, every expert's score per item, rejections with
reasons, flags and how they were decided, the ranking and any dissent."""

from __future__ import annotations

from typing import Any

from ggzy.core import pdf
from ggzy.kernel import clock
from ggzy.kernel.money import format_cny
from ggzy.tendering.services.common import identifier, procedure_of

from .models import CheckResult, Evaluation, Flag, Member, Score
from .services.common import current_members, method_of
from .services.flags import evaluated_bids

_DECIDED_BY = {"score": "得分", "price": "报价", "technical": "技术得分", "lot": "抽签"}
_METHODS = {
    "lowest_evaluated_price": "经评审的最低投标价法",
    "comprehensive": "综合评估法",
    "lowest_price": "最低价成交",
}


def _when(evaluation: Evaluation) -> str:
    at = evaluation.concluded_at or clock.now()
    return at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _committee(members: list[Member]) -> pdf.Table:
    rows = [
        [
            str(i),
            m.name,
            m.get_kind_display(),
            "主任委员" if m.is_chair else "",
            m.signed_in_at.astimezone(clock.SHANGHAI).strftime("%m-%d %H:%M")
            if m.signed_in_at
            else "",
        ]
        for i, m in enumerate(members, 1)
    ]
    return pdf.Table(
        ["序号", "姓名", "身份", "职务", "签到"], rows, widths=[0.1, 0.25, 0.25, 0.2, 0.2]
    )


def _replaced(evaluation: Evaluation) -> list[pdf.Block]:
    gone = evaluation.members.filter(replaced_at__isnull=False)
    if not gone:
        return []
    rows = [[m.name, m.replaced_reason] for m in gone]
    return [
        pdf.Para("以下成员评标中被更换，其评审结论无效（《招标投标法实施条例》第四十八条）："),
        pdf.Table(["姓名", "更换原因"], rows, widths=[0.3, 0.7]),
    ]


def _checks(
    evaluation: Evaluation, members: list[Member], names: dict[int, str]
) -> list[pdf.Block]:
    failed = (
        CheckResult.objects.filter(member__in=members, passed=False)
        .select_related("member")
        .order_by("bid_id", "item", "member_id")
    )
    if not failed:
        return [pdf.Para("全体成员对全部投标的资格/符合性审查项均认定通过。")]
    rows = [[names[c.bid_id], c.item, c.member.name, c.reason] for c in failed]
    return [
        pdf.Table(["投标人", "审查项", "成员", "不通过理由"], rows, widths=[0.25, 0.1, 0.15, 0.5])
    ]


def _scores(
    evaluation: Evaluation, members: list[Member], names: dict[int, str]
) -> list[pdf.Block]:
    method = method_of(evaluation)
    if not method.items:
        return [pdf.Para("本评标办法无打分项，按经评审的投标价格排序。")]
    values = {
        (s.member_id, s.bid_id, s.item): str(s.value)
        for s in Score.objects.filter(member__in=members)
    }
    blocks: list[pdf.Block] = []
    result = evaluation.result or {}
    for row in result.get("rows", []):
        bid = row["bid"]
        table_rows = [
            [f"{i.id} {i.name}（0–{i.max}）"]
            + [values.get((m.pk, bid, i.id), "") for m in members]
            + [row["items"].get(i.id, "")]
            for i in method.items
        ]
        blocks += [
            pdf.Heading(f"{names[bid]}", level=3),
            pdf.Table(["评分项"] + [m.name for m in members] + ["委员会得分"], table_rows),
        ]
    return blocks


def _ranking(evaluation: Evaluation) -> pdf.Table:
    result = evaluation.result or {}
    rows = [
        [
            str(r["rank"]),
            r["entity"],
            format_cny(r["price"]),
            r["technical"],
            r["commercial"],
            r["price_score"] or "—",
            r["total"] or "—",
            _DECIDED_BY[r["decided_by"]],
        ]
        for r in result.get("rows", [])
    ]
    return pdf.Table(
        ["名次", "投标人", "投标报价", "技术分", "商务分", "价格分", "总分", "排序依据"],
        rows,
        widths=[0.07, 0.25, 0.16, 0.09, 0.09, 0.09, 0.1, 0.15],
    )


def _flags(evaluation: Evaluation, names: dict[int, str]) -> list[pdf.Block]:
    flags = list(evaluation.flags.order_by("id"))
    if not flags:
        return [pdf.Para("平台未发现需提请委员会审议的否决情形。")]
    rows = [
        [
            names.get(f.bid_id, str(f.bid_id)),
            str(Flag.Kind(f.kind).label),
            f.get_resolution_display(),
            f.resolution_reason,
        ]
        for f in flags
    ]
    return [pdf.Table(["投标人", "提示", "处理", "理由"], rows, widths=[0.22, 0.3, 0.13, 0.35])]


def _rejection_row(row: dict[str, Any]) -> list[str]:
    votes_for, votes_against = row["votes"]
    return [row["entity"], row["reason_text"], row["ground"], f"{votes_for}/{votes_against}"]


def render_report(evaluation: Evaluation) -> bytes:
    lot = evaluation.lot
    project = lot.project
    members = current_members(evaluation)
    result = evaluation.result or {}
    method = method_of(evaluation)
    bids = {r["bid"]: r["entity"] for r in result.get("rows", [])}
    bids |= {r["bid"]: r["entity"] for r in result.get("rejected", [])}
    # Every bid before the committee: a failed check or a flag may concern a bid that is
    # neither ranked nor rejected (when all bids are rejected, none is ranked).
    names = bids | {b.pk: b.entity.name for b in evaluated_bids(evaluation)}
    blocks: list[pdf.Block] = [
        pdf.Heading(f"{project.name}{lot.name}评标报告"),
        pdf.Fields(
            [
                ("项目编号", project.code),
                ("标段/包", f"{lot.code} {lot.name}"),
                ("招标/采购方式", procedure_of(project).name_zh),
                ("招标人/采购人", f"{project.initiator.name}（{identifier(project.initiator)}）"),
                ("评标办法", _METHODS.get(method.kind, method.kind)),
                ("下浮系数 K", result.get("k") or "—"),
                ("评标基准价", format_cny(result["benchmark"]) if result.get("benchmark") else "—"),
                ("有效投标", f"{result.get('valid', 0)} 家"),
                ("形成结果时间", _when(evaluation)),
            ]
        ),
        pdf.Heading("一、评标委员会", level=2),
        _committee(members),
        *_replaced(evaluation),
        pdf.Heading("二、资格审查与符合性审查", level=2),
        *_checks(evaluation, members, names),
        pdf.Heading("三、否决提示及处理", level=2),
        *_flags(evaluation, names),
        pdf.Heading("四、否决投标", level=2),
    ]
    rejected = result.get("rejected", [])
    blocks.append(
        pdf.Table(
            ["投标人", "否决情形", "事实与理由", "表决（同意/反对）"],
            [
                [r["entity"], r["reason_text"], r["ground"], f"{r['votes'][0]}/{r['votes'][1]}"]
                for r in rejected
            ],
            widths=[0.2, 0.25, 0.4, 0.15],
        )
        if rejected
        else pdf.Para("无。")
    )
    if result.get("failed"):
        blocks += [
            pdf.Heading("五、评标结论", level=2),
            pdf.Para(f"否决全部投标。理由：{result['ground']}"),
        ]
    else:
        blocks += [
            pdf.Heading("五、各成员评分", level=2),
            *_scores(evaluation, members, names),
            pdf.Heading("六、排序与推荐的中标候选人", level=2),
            _ranking(evaluation),
            pdf.Para(
                "推荐的中标候选人（按排序）："
                + "；".join(f"第{i}名 {bids[b]}" for i, b in enumerate(result["candidates"], 1))
            ),
        ]
    dissents = [m for m in members if m.dissent]
    blocks.append(pdf.Heading("不同意见", level=2))
    blocks += (
        [pdf.Para(f"{m.name}：{m.dissent}") for m in dissents]
        if dissents
        else [pdf.Para("无。全体成员签署即表示同意评标结论（《招标投标法实施条例》第五十三条）。")]
    )
    return pdf.render(
        title=f"{project.name}{lot.name}评标报告",
        blocks=blocks,
        subject=f"evaluation {evaluation.pk} of lot {lot.code}",
        footer=f"{lot.code} 评标报告",
    )
