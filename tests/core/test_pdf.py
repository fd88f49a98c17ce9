import io
import re
from datetime import datetime

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from ggzy.core import pdf
from ggzy.kernel import clock

_SHOW_TEXT = re.compile(rb"\(((?:\\.|[^\\)])*)\) Tj", re.DOTALL)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    return bytes([int(code, 8)]) if code[:1].isdigit() else code


def page_texts(document: bytes) -> list[str]:
    """The text shown on each page (reportlab writes the CID font's text as UTF-16BE)."""
    reader = PdfFileReader(io.BytesIO(document))
    texts = []
    for page in reader.root["/Pages"]["/Kids"]:
        stream = page.get_object()["/Contents"].data
        shown = [_ESCAPE.sub(_unescape, raw) for raw in _SHOW_TEXT.findall(stream)]
        texts.append("".join(s.decode("utf-16-be") for s in shown))
    return texts


def report(created: datetime | None = None) -> bytes:
    return pdf.render(
        title="开标记录",
        blocks=[
            pdf.Heading("一、项目概况"),
            pdf.Para("项目名称：某市道路改造工程\n招标人：某市住房和城乡建设局"),
            pdf.Fields([("项目编号", "HN-2026-0001"), ("最高投标限价", "壹佰万元整")]),
            pdf.Heading("二、投标人名单", level=2),
            pdf.Table(
                ["序号", "投标人", "投标报价（元）"],
                [[str(i), f"湖南第{i}建设有限公司", f"{1_000_000 + i}.00"] for i in range(1, 201)],
                widths=[0.15, 0.55, 0.3],
            ),
        ],
        footer="湖南省公共资源交易中心",
        created=created,
    )


def test_chinese_report_with_long_table_spans_pages_and_repeats_the_header() -> None:
    document = report()

    assert document.startswith(b"%PDF-")
    assert b"/STSong-Light" in document
    texts = page_texts(document)
    assert len(texts) >= 2
    assert "开标记录" in texts[0]
    assert "湖南第1建设有限公司" in texts[0]
    assert "湖南第200建设有限公司" in texts[-1]
    for number, text in enumerate(texts[1:], start=2):
        assert "序号投标人投标报价（元）" in text
        assert f"第 {number} 页" in text
        assert "湖南省公共资源交易中心" in text


def test_same_input_gives_the_same_bytes() -> None:
    created = datetime(2026, 11, 23, 9, 30, tzinfo=clock.SHANGHAI)

    assert report(created=created) == report(created=created)
    assert report() == report()
    assert report(created=created) != report()
    assert b"/CreationDate (D:20261123093000+08'00')" in report(created=created)


def test_markup_characters_are_text_not_markup() -> None:
    nasty = "<script>alert(1)</script> & <b>粗体</b> &amp;"
    document = pdf.render(
        title="<title>&",
        blocks=[
            pdf.Heading(nasty),
            pdf.Para(nasty),
            pdf.Fields([(nasty, nasty)]),
            pdf.Table([nasty], [[nasty]]),
        ],
    )

    text = page_texts(document)[0]
    assert "<title>&" in text
    assert text.count(nasty) == 6  # heading, paragraph, label, value, header, cell


def test_newlines_in_a_paragraph_are_line_breaks() -> None:
    document = pdf.render(title="t", blocks=[pdf.Para("第一行\n第二行")])

    stream = PdfFileReader(io.BytesIO(document)).root["/Pages"]["/Kids"][0].get_object()
    shown = _SHOW_TEXT.findall(stream["/Contents"].data)
    lines = [_ESCAPE.sub(_unescape, s).decode("utf-16-be") for s in shown]
    assert "第一行" in lines
    assert "第二行" in lines


def test_page_break_starts_a_new_page() -> None:
    document = pdf.render(title="t", blocks=[pdf.Para("甲"), pdf.PageBreak(), pdf.Para("乙")])

    texts = page_texts(document)
    assert len(texts) == 2
    assert "乙" in texts[1]


def test_table_rows_must_match_the_header() -> None:
    with pytest.raises(ValueError, match="one cell per column"):
        pdf.Table(["a", "b"], [["1"]])
    with pytest.raises(ValueError, match="one width per column"):
        pdf.Table(["a", "b"], [], widths=[1.0])
