"""Small PDF documents (reports, notices) built from a few typed blocks on reportlab platypus.

Chinese renders without any font file: the text is set in ``STSong-Light``, one of the Adobe
Asian fonts that PDF viewers supply, so it is referenced rather than embedded. Output is
deterministic (reportlab's ``invariant`` mode, dates taken from the input), so the digest of a
generated report can be reproduced by anyone holding the same input.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import PageBreak as _PageBreak
from reportlab.platypus import Table as _Table

FONT = "STSong-Light"
_MARGIN = 20 * mm
_FOOTER_Y = 12 * mm


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level < 1:
            raise ValueError("heading levels start at 1")


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Fields:
    """Label/value pairs as a two-column table without a header."""

    pairs: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    """A table whose header repeats on every page it spans; ``widths`` are fractions of the
    text width (equal columns when omitted)."""

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None

    def __post_init__(self) -> None:
        if not self.header:
            raise ValueError("a table needs at least one column")
        if self.widths is not None and len(self.widths) != len(self.header):
            raise ValueError("one width per column")
        if any(len(row) != len(self.header) for row in self.rows):
            raise ValueError("every row needs one cell per column")


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Para | Fields | Table | PageBreak


@cache
def _font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@cache
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("ggzy", fontName=_font(), fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "ggzy-title", base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=10
        ),
        "h1": ParagraphStyle(
            "ggzy-h1", base, fontSize=15, leading=22, spaceBefore=10, spaceAfter=6
        ),
        "h2": ParagraphStyle("ggzy-h2", base, fontSize=13, leading=19, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("ggzy-h3", base, fontSize=11, leading=16, spaceBefore=6, spaceAfter=3),
        "body": ParagraphStyle("ggzy-body", base, spaceAfter=6),
        "cell": ParagraphStyle("ggzy-cell", base, fontSize=9, leading=13),
    }


def _markup(text: str) -> str:
    """``text`` as Paragraph markup: markup characters escaped, newlines kept as breaks."""
    return "<br/>".join(escape(line) for line in text.split("\n"))


def _paragraph(text: str, style: str) -> Paragraph:
    return Paragraph(_markup(text), _styles()[style])


def _table(
    rows: Sequence[Sequence[str]], widths: Sequence[float], *, header: bool, frame_width: float
) -> _Table:
    data = [[_paragraph(cell, "cell") for cell in row] for row in rows]
    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")))
    table = _Table(
        data,
        colWidths=[w * frame_width for w in widths],
        repeatRows=1 if header else 0,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(commands))
    return table


def _flowables(block: Block, frame_width: float) -> list[Flowable]:
    match block:
        case Heading(text=text, level=level):
            return [_paragraph(text, f"h{min(level, 3)}")]
        case Para(text=text):
            return [_paragraph(text, "body")]
        case Fields(pairs=pairs):
            if not pairs:
                return []
            table = _table(pairs, (0.3, 0.7), header=False, frame_width=frame_width)
            return [table, Spacer(0, 6)]
        case Table(header=header, rows=rows, widths=widths):
            columns = widths or [1 / len(header)] * len(header)
            table = _table([header, *rows], columns, header=True, frame_width=frame_width)
            return [table, Spacer(0, 6)]
        case PageBreak():
            return [_PageBreak()]


def _pdf_date(moment: datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("created must be timezone-aware")
    minutes = offset // timedelta(minutes=1)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{rest:02d}'"


def render(
    *,
    title: str,
    blocks: Sequence[Block],
    author: str = "ggzy",
    subject: str = "",
    footer: str = "",
    created: datetime | None = None,
) -> bytes:
    """An A4 PDF: ``title`` centred on the first page, then ``blocks``; each page's footer
    holds ``footer`` and "第 N 页". ``created`` becomes the document's creation date
    (reportlab's fixed invariant date when omitted)."""
    stamp = _pdf_date(created) if created is not None else None
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=title,
        author=author,
        subject=subject,
        creator="ggzy",
        invariant=1,
    )

    def decorate(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        if stamp is not None:
            canvas.setDateFormatter(lambda *_: stamp)
        canvas.saveState()
        canvas.setFont(_font(), 8)
        canvas.setFillColor(colors.grey)
        if footer:
            canvas.drawString(_MARGIN, _FOOTER_Y, footer)
        canvas.drawRightString(A4[0] - _MARGIN, _FOOTER_Y, f"第 {canvas.getPageNumber()} 页")
        canvas.restoreState()

    story: list[Flowable] = [_paragraph(title, "title")]
    for block in blocks:
        story.extend(_flowables(block, doc.width))
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()
