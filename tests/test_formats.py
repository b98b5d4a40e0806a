"""Tests for reuse.ingest.formats (.docx, .pdf, .html extraction) and their use by read and scan.

Every fixture is generated here, in tmp_path or in memory: python-docx writes
the .docx files, pypdf and a hand-built writer the ASCII PDFs, reportlab (with
its built-in CID font STSong-Light, no font file needed) the Chinese ones.
Tests that need reportlab skip when it is not installed.
"""

from __future__ import annotations

import datetime
import doctest
import html
import io
import os
import random
import threading
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import duckdb
import pypdf
import pytest
from conftest import DATA, SEED_A
from docx.oxml import parse_xml

from reuse import Config, scan
from reuse.errors import DocumentError
from reuse.ingest.formats import docx as docx_format
from reuse.ingest.formats import html as html_format
from reuse.ingest.formats import registry
from reuse.ingest.formats.docx import extract_docx
from reuse.ingest.formats.html import declared_charset, decode_html, extract_html
from reuse.ingest.formats.pdf import extract_pdf
from reuse.ingest.formats.registry import EXTRACTED_FORMATS, extract
from reuse.ingest.read import decode_document, read_bytes, read_document, sha256_hex
from reuse.ingest.walk import DEFAULT_SUFFIXES, iter_source_files

# Two paragraphs of the district speech (870 characters), used wherever a
# passage must survive a format: it is long enough to be found as reuse.
_SEED_LINES = (DATA / SEED_A).read_text(encoding="utf-8").split("\n")
PASSAGE = _SEED_LINES[1] + _SEED_LINES[2]
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _squash(text: str) -> str:
    """Text without white space: PDF extraction breaks lines where the page did."""
    return "".join(text.split())


def _error(call: Callable[..., Any], *args: Any) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        call(*args)
    err = info.value
    assert err.stage == "extract"
    assert "\n" not in err.message and err.message, "a one-line message"
    return err


# ---------------------------------------------------------------------------
# Fixture builders


def _docx_bytes(build: Callable[[Any], None]) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _report_docx(document: Any) -> None:
    """Chinese paragraphs, a table with merged cells, a header and a footer."""
    section = document.sections[0]
    section.header.paragraphs[0].text = "页眉：某某市人民政府办公室"
    section.footer.paragraphs[0].text = "页脚：第 1 页"
    document.add_paragraph("政府工作报告")
    document.add_paragraph("各位代表：现在，我代表国务院向大会报告政府工作，请予审议。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "2023年", "增长"], ["国内生产总值", "126万亿元", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 2).add_paragraph("5.2%")  # a cell of two paragraphs: "" and "5.2%"
    table.cell(2, 0).merge(table.cell(2, 1)).text = "注：按不变价格计算"  # across columns
    table.cell(0, 2).merge(table.cell(1, 2))  # across rows: read once, in the top row
    document.add_paragraph("")
    document.add_paragraph("一、2023年工作回顾")


REPORT_DOCX_TEXT = "\n".join(
    [
        "政府工作报告",
        "各位代表：现在，我代表国务院向大会报告政府工作，请予审议。",
        "指标",
        "2023年",
        "增长",  # the merged cell keeps the paragraphs of both cells
        "",
        "5.2%",
        "国内生产总值",
        "126万亿元",
        "注：按不变价格计算",
        "",
        "",
        "一、2023年工作回顾",
    ]
)


def _hand_built_pdf(contents: list[bytes]) -> bytes:
    """A minimal valid PDF, one page per content stream, font F1 = Helvetica."""
    n = len(contents)
    font = 3 + 2 * n
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        font: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for i, content in enumerate(contents):
        objects[3 + 2 * i] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            f" /Resources << /Font << /F1 {font} 0 R >> >> /Contents {4 + 2 * i} 0 R >>"
        ).encode()
        objects[4 + 2 * i] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[k] for k in sorted(objects))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _text_page(*lines: str) -> bytes:
    shown = b" ".join(b"(%s) '" % line.encode("ascii") for line in lines)
    return b"BT /F1 12 Tf 72 760 Td 14 TL " + shown + b" ET"


ASCII_PDF = _hand_built_pdf([_text_page("Hello reuse", "second line"), _text_page("Page two")])


def _encrypted(data: bytes, user_password: str, owner_password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def cjk_pdf() -> Callable[[list[list[str]]], bytes]:
    """Build a PDF with a Chinese text layer: one list of lines per page (reportlab)."""
    pytest.importorskip("reportlab")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    def build(pages: list[list[str]]) -> bytes:
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pageCompression=1)
        for lines in pages:
            pdf.setFont("STSong-Light", 11)
            for k, line in enumerate(lines):
                pdf.drawString(40, 800 - 15 * k, line)
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()

    return build


def _wrap(text: str, width: int = 38) -> list[str]:
    """Lines of at most ``width`` characters, as on a printed page."""
    return [text[i : i + width] for i in range(0, len(text), width)]


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    """A news page: a menu, a script, the article, a sidebar and a footer."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n"))
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title} - 某某市人民政府</title>
<script>var tracker = "统计脚本不应出现";</script>
<style>.menu {{ color: red }}</style></head>
<body>
<header><nav class="menu"><ul>
<li><a href="/">网站首页</a></li><li><a href="/news">新闻中心</a></li>
<li><a href="/open">政务公开</a></li><li><a href="/service">办事服务</a></li>
</ul></nav></header>
<main><article><h1>{title}</h1>
{paragraphs}</article></main>
<aside><h3>相关阅读</h3><ul><li><a href="/a/1">区长调研开发区工作</a></li></ul></aside>
<footer><p>版权所有：某某市人民政府办公室</p><p>备案号：京ICP备12345678号</p></footer>
<script>document.write("页尾脚本");</script>
</body></html>
"""


BOILERPLATE = [
    "网站首页",
    "新闻中心",
    "政务公开",
    "相关阅读",
    "版权所有",
    "备案号",
    "统计脚本",
    "页尾脚本",
]


# ---------------------------------------------------------------------------
# .docx


def test_docx_paragraphs_and_table_without_header_and_footer() -> None:
    text = extract_docx(_docx_bytes(_report_docx))
    assert text == REPORT_DOCX_TEXT
    assert "页眉" not in text and "页脚" not in text


def test_docx_content_controls_and_tracked_changes() -> None:
    def build(document: Any) -> None:
        body = document.element.body
        sect_pr = body[-1]  # keep w:sectPr last
        sect_pr.addprevious(
            parse_xml(
                f"<w:p {W_NS}><w:r><w:t>保持</w:t></w:r>"
                "<w:ins w:id='1' w:author='x'><w:r><w:t>经济</w:t></w:r></w:ins>"
                "<w:del w:id='2' w:author='x'><w:r><w:delText>删去</w:delText></w:r></w:del>"
                "<w:hyperlink><w:r><w:t>稳定</w:t></w:r></w:hyperlink>"
                "<w:sdt><w:sdtContent><w:r><w:t>增长</w:t></w:r></w:sdtContent></w:sdt>"
                "<w:r><w:tab/><w:t>。</w:t><w:br/><w:t>次行</w:t></w:r></w:p>"
            )
        )
        sect_pr.addprevious(
            parse_xml(
                f"<w:sdt {W_NS}><w:sdtPr><w:alias w:val='封面'/></w:sdtPr><w:sdtContent>"
                "<w:p><w:r><w:t>内容控件中的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>"
            )
        )

    assert extract_docx(_docx_bytes(build)) == "保持经济稳定增长\t。\n次行\n内容控件中的段落"


def test_docx_nested_table_in_place() -> None:
    def build(document: Any) -> None:
        document.add_paragraph("前")
        outer = document.add_table(rows=1, cols=2)
        outer.cell(0, 0).text = "外一"
        inner = outer.cell(0, 1).add_table(rows=1, cols=2)
        inner.cell(0, 0).text = "内一"
        inner.cell(0, 1).text = "内二"
        document.add_paragraph("后")

    # A new cell holds an empty paragraph; the nested table follows it.
    assert extract_docx(_docx_bytes(build)) == "前\n外一\n\n内一\n内二\n\n后"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _zip_read(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {m: archive.read(m) for m in archive.namelist()}
    members[name] = content
    return _zip(members)


_GOOD_DOCX = _docx_bytes(_report_docx)
_DOCX_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _as_spreadsheet(data: bytes) -> bytes:
    """The package with its main part declared as an Excel sheet (a renamed .xlsx)."""
    types = _zip_read(data, "[Content_Types].xml").replace(
        _DOCX_CONTENT_TYPE.encode(), _XLSX_CONTENT_TYPE.encode()
    )
    return _replace_member(data, "[Content_Types].xml", types)


DOCX_ERRORS = [
    pytest.param(b"", "empty file (0 bytes)", id="empty"),
    pytest.param(
        random.Random(7).randbytes(4096), "corrupt .docx: not a readable zip archive", id="random"
    ),
    pytest.param(
        _GOOD_DOCX[: len(_GOOD_DOCX) // 2], "corrupt .docx: not a readable zip archive", id="cut"
    ),
    pytest.param(
        _zip({"readme.txt": b"hello", "data/a.csv": b"1,2"}),
        "not a .docx: a zip archive without [Content_Types].xml (not an Office file)",
        id="plain-zip",
    ),
    pytest.param(
        _zip({"[Content_Types].xml": _zip_read(_GOOD_DOCX, "[Content_Types].xml")}),
        "corrupt .docx: a part is missing: KeyError",
        id="package-without-parts",
    ),
    pytest.param(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "not a .docx: an OLE2 file (a legacy Word .doc",
        id="legacy-doc",
    ),
    pytest.param(
        _replace_member(_GOOD_DOCX, "word/document.xml", b"<w:document"),
        "corrupt .docx: malformed XML",
        id="bad-xml",
    ),
    pytest.param(
        _as_spreadsheet(_GOOD_DOCX),
        f"not a .docx: its main part is {_XLSX_CONTENT_TYPE}",
        id="other-office-file",
    ),
    pytest.param(
        _docx_bytes(lambda d: d.sections[0].header.add_paragraph("只有页眉")),
        "no text: the document body is empty",
        id="no-body-text",
    ),
]


@pytest.mark.parametrize(("data", "message"), DOCX_ERRORS)
def test_docx_errors(data: bytes, message: str) -> None:
    assert _error(extract_docx, data, "x.docx").message.startswith(message)


def test_docx_zip_bomb_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_format, "_MAX_UNZIPPED_BYTES", 1000)
    message = _error(extract_docx, _GOOD_DOCX, "x.docx").message
    assert message.startswith("refused: would unpack to ") and "zip bomb" in message


# ---------------------------------------------------------------------------
# .docx: a streamed parse, bounded memory, the same text


def _docx_bomb(paragraph: bytes, xml_bytes: int) -> bytes:
    """A valid .docx whose word/document.xml repeats ``paragraph`` for about ``xml_bytes``."""
    with zipfile.ZipFile(io.BytesIO(_GOOD_DOCX)) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != "word/document.xml"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        with archive.open("word/document.xml", "w") as xml:
            xml.write(f"<w:document {W_NS}><w:body>".encode())
            chunk = paragraph * max(1, 1_000_000 // len(paragraph))
            for _ in range(xml_bytes // len(chunk)):
                xml.write(chunk)
            xml.write(b"<w:sectPr/></w:body></w:document>")
    return buffer.getvalue()


def _peak_memory(call: Callable[[], object]) -> tuple[int, int]:
    """Run ``call``; return (peak growth of the resident set, peak of traced Python
    allocations), in bytes. The resident set (which lxml's C allocations are part of)
    is sampled every 2 ms from /proc, so the result does not depend on an earlier peak.
    """
    statm = Path("/proc/self/statm")
    if not statm.exists():
        pytest.skip("needs /proc/self/statm")
    page = os.sysconf("SC_PAGE_SIZE")

    def rss() -> int:
        return int(statm.read_text().split()[1]) * page

    base = peak = rss()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss())
            done.wait(0.002)

    sampler = threading.Thread(target=sample)
    tracemalloc.start()
    sampler.start()
    try:
        call()
    finally:
        done.set()
        sampler.join()
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return max(peak, rss()) - base, traced


MB = 1024 * 1024


def test_docx_bomb_stops_at_max_chars_in_bounded_memory() -> None:
    paragraph = "<w:p><w:r><w:t>政府工作报告各位代表</w:t></w:r></w:p>".encode()
    data = _docx_bomb(paragraph, 200 * MB)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = archive.getinfo("word/document.xml").file_size
    assert unpacked > 190 * MB and len(data) < unpacked // 100  # a bomb...
    assert unpacked < docx_format._MAX_UNZIPPED_BYTES  # ...that the unpack limit lets through

    def extract_it() -> None:
        err = _error(extract_docx, data, "bomb.docx", 100_000)
        assert err.message == (
            "refused: more than 100,000 characters of text (ingest.max_chars);"
            " a zip bomb or not a report?"
        )

    rss_growth, traced = _peak_memory(extract_it)
    assert rss_growth < 100 * MB
    assert traced < 20 * MB


def test_docx_part_of_markup_is_streamed_to_the_end_in_bounded_memory() -> None:
    """100 MB of XML, little text: parsed to the end, the tree freed as it goes.

    A parse that kept the tree would hold the 100 MB of attribute values.
    """
    paragraph = (
        f"<w:p><w:pPr><w:pStyle w:val='{'x' * 4000}'/></w:pPr><w:r><w:t>字</w:t></w:r></w:p>"
    ).encode()
    data = _docx_bomb(paragraph, 100 * MB)
    per_chunk = 1_000_000 // len(paragraph)
    n = 100 * MB // (len(paragraph) * per_chunk) * per_chunk
    texts: list[str] = []
    rss_growth, _ = _peak_memory(lambda: texts.append(extract_docx(data, "big.docx", 10 * n)))
    assert texts == ["\n".join(["字"] * n)]
    assert rss_growth < 40 * MB


def test_docx_max_chars_is_the_length_of_the_text() -> None:
    n = len(REPORT_DOCX_TEXT)
    assert extract_docx(_GOOD_DOCX, "x.docx", n) == REPORT_DOCX_TEXT
    assert _error(extract_docx, _GOOD_DOCX, "x.docx", n - 1).message == (
        f"refused: more than {n - 1} characters of text (ingest.max_chars);"
        " a zip bomb or not a report?"
    )
    # Empty paragraphs count: each is a line break.
    data = _docx_bytes(lambda d: [d.add_paragraph(t) for t in [""] * 10 + ["字"]])
    assert extract_docx(data, "x.docx", 11) == "\n" * 10 + "字"
    assert _error(extract_docx, data, "x.docx", 10).message.startswith("refused: more than 10 ")


def test_docx_only_invisible_characters_is_no_text() -> None:
    data = _docx_bytes(lambda d: [d.add_paragraph(t) for t in ["\u200b\u200c", "\u3000\u2060"]])
    message = _error(extract_docx, data, "x.docx").message
    assert message.startswith("no text: the document body is empty")


RUN_XML = (
    f"<w:p {W_NS}><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t>"
    "<w:br w:type='page'/><w:t>丁</w:t><w:br w:type='column'/><w:cr/>"
    "<w:noBreakHyphen/><w:softHyphen/><w:t xml:space='preserve'> 戊 </w:t>"
    "<w:ptab w:relativeTo='margin' w:alignment='right' w:leader='none'/>"
    "<w:br w:type='textWrapping'/><w:delText>删</w:delText><w:t/></w:r>"
    "<w:hyperlink><w:r><w:t>己</w:t></w:r></w:hyperlink></w:p>"
)


def test_docx_runs_render_as_python_docx_renders_them() -> None:
    def build(document: Any) -> None:
        document.element.body[-1].addprevious(parse_xml(RUN_XML))

    data = _docx_bytes(build)
    expected = "甲\t乙\n丙丁\n- 戊 \t\n己"
    assert extract_docx(data) == expected
    assert "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs) == expected


def test_docx_vertical_merge_rules() -> None:
    def cell(tc_pr: str, text: str, pr_last: bool = False) -> str:
        para = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        return f"<w:tc>{para}{tc_pr}</w:tc>" if pr_last else f"<w:tc>{tc_pr}{para}</w:tc>"

    rows = [
        [cell("<w:tcPr><w:vMerge w:val='restart'/></w:tcPr>", "上"), cell("", "右上")],
        [cell("<w:tcPr><w:vMerge/></w:tcPr>", "续一"), cell("", "右中")],
        # A w:tcPr after the cell's paragraph (not schema order) still counts.
        [cell("<w:tcPr><w:vMerge w:val='continue'/></w:tcPr>", "续二", True), cell("", "右下")],
    ]
    table = "".join("<w:tr>" + "".join(row) + "</w:tr>" for row in rows)

    def build(document: Any) -> None:
        document.element.body[-1].addprevious(parse_xml(f"<w:tbl {W_NS}>{table}</w:tbl>"))

    assert extract_docx(_docx_bytes(build)) == "上\n右上\n右中\n右下"


def test_docx_main_part_is_found_by_its_relationship() -> None:
    with zipfile.ZipFile(io.BytesIO(_GOOD_DOCX)) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["word/main.xml"] = members.pop("word/document.xml")
    members["_rels/.rels"] = members["_rels/.rels"].replace(b"word/document.xml", b"/word/main.xml")
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"/word/document.xml", b"/word/main.xml"
    )
    assert extract_docx(_zip(members)) == REPORT_DOCX_TEXT


def _with_flag_encrypted(data: bytes) -> bytes:
    """The zip with the 'encrypted' bit set in every header (zipfile cannot write it)."""
    out = bytearray(data)
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = out.find(signature)
        while start >= 0:
            out[start + flags_at] |= 0x01
            start = out.find(signature, start + 4)
    return bytes(out)


def _corrupt_member(data: bytes, name: str) -> bytes:
    """The zip with bytes of ``name``'s compressed data flipped (a bad deflate stream)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 20
    out = bytearray(data)
    for i in range(start, start + 20):
        out[i] ^= 0x55
    return bytes(out)


_NO_RELATIONSHIPS = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
)

MORE_DOCX_ERRORS = [
    pytest.param(
        _with_flag_encrypted(_GOOD_DOCX),
        "encrypted .docx: the zip archive needs a password",
        id="encrypted-zip",
    ),
    pytest.param(
        _replace_member(_GOOD_DOCX, "_rels/.rels", _NO_RELATIONSHIPS),
        "corrupt .docx: a part is missing: KeyError: 'no officeDocument relationship",
        id="no-main-relationship",
    ),
    pytest.param(
        _replace_member(_GOOD_DOCX, "_rels/.rels", b"<Relationships"),
        "corrupt .docx: malformed XML",
        id="bad-relationships-xml",
    ),
    pytest.param(
        _replace_member(_GOOD_DOCX, "[Content_Types].xml", b"<Types><Override"),
        "corrupt .docx: malformed XML",
        id="bad-content-types-xml",
    ),
    pytest.param(
        _zip(
            {
                n: _zip_read(_GOOD_DOCX, n)
                for n in ("[Content_Types].xml", "_rels/.rels", "docProps/core.xml")
            }
        ),
        "corrupt .docx: a part is missing: KeyError",
        id="main-part-missing",
    ),
    pytest.param(
        _replace_member(_GOOD_DOCX, "word/document.xml", b"<html><body/></html>"),
        "corrupt .docx: the main part is not a Word document (html)",
        id="main-part-not-word",
    ),
    pytest.param(
        _replace_member(
            _GOOD_DOCX,
            "word/document.xml",
            f"<w:document {W_NS}><w:body><w:p><w:r><w:t>正文</w:t></w:r></w:p>".encode(),
        ),
        "corrupt .docx: malformed XML",
        id="document-cut-short",
    ),
    pytest.param(
        _corrupt_member(_GOOD_DOCX, "word/document.xml"),
        "corrupt .docx: ",
        id="bad-deflate-stream",
    ),
]


@pytest.mark.parametrize(("data", "message"), MORE_DOCX_ERRORS)
def test_docx_more_errors(data: bytes, message: str) -> None:
    assert _error(extract_docx, data, "x.docx").message.startswith(message)


def test_docx_oversized_package_part_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_format, "_MAX_SMALL_PART_BYTES", 100)
    size = len(_zip_read(_GOOD_DOCX, "_rels/.rels"))
    assert _error(extract_docx, _GOOD_DOCX, "x.docx").message == (
        f"corrupt .docx: part _rels/.rels would unpack to {size:,} bytes > limit 100"
    )


def test_docx_metadata_date_reads_only_the_core_properties(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def build(document: Any) -> None:
        document.core_properties.created = datetime.datetime(2021, 6, 7, 9, 30)
        document.add_paragraph("正文")

    data = _docx_bytes(build)
    created = datetime.datetime(2021, 6, 7, 9, 30, tzinfo=datetime.UTC)
    assert docx.Document(io.BytesIO(data)).core_properties.created == created

    def no_document(*args: object) -> None:
        raise AssertionError("the whole package must not be loaded for a date")

    monkeypatch.setattr(docx, "Document", no_document)
    assert registry.metadata_date(data, ".docx") == created
    # The document part is not parsed: a broken one does not lose the date.
    broken = _replace_member(data, "word/document.xml", b"<w:document")
    assert registry.metadata_date(broken, ".docx") == created
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}
    assert registry.metadata_date(_zip(members), ".docx") is None
    monkeypatch.setattr(docx_format, "_MAX_SMALL_PART_BYTES", 10)
    assert registry.metadata_date(data, ".docx") is None


def test_decode_document_passes_max_chars_to_the_extractors(tmp_path: Path) -> None:
    n = len(REPORT_DOCX_TEXT)
    assert decode_document("r.docx", _GOOD_DOCX, max_chars=n).text == REPORT_DOCX_TEXT
    with pytest.raises(DocumentError) as info:
        decode_document("r.docx", _GOOD_DOCX, max_chars=n - 1)
    assert (info.value.stage, info.value.message[:19]) == ("extract", "refused: more than ")
    path = tmp_path / "r.pdf"
    path.write_bytes(ASCII_PDF)
    with pytest.raises(DocumentError, match="refused: more than 10 characters"):
        read_document(path, max_chars=10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: extract(ASCII_PDF, ".pdf", "x.pdf", max_chars=0),
        lambda: extract_docx(_GOOD_DOCX, "x.docx", 0),
        lambda: extract_pdf(ASCII_PDF, "x.pdf", -1),
        lambda: extract_html(b"<p>x</p>", "x.html", 0),
    ],
)
def test_max_chars_must_be_positive(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="max_chars must be positive"):
        call()


# ---------------------------------------------------------------------------
# .pdf and .html: the length limit, blank text


def test_pdf_stops_reading_pages_past_max_chars(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Hello reuse\nsecond line\nPage two"
    assert extract_pdf(ASCII_PDF, "x.pdf", len(text)) == text
    err = _error(extract_pdf, ASCII_PDF, "x.pdf", len(text) - 1)
    assert err.message == (
        f"refused: more than {len(text) - 1} characters of text (ingest.max_chars); not a report?"
    )
    original = pypdf.PageObject.extract_text
    calls: list[int] = []

    def counted(page: pypdf.PageObject, *args: Any, **kwargs: Any) -> str:
        calls.append(1)
        return original(page, *args, **kwargs)

    monkeypatch.setattr(pypdf.PageObject, "extract_text", counted)
    three = _hand_built_pdf([_text_page("A" * 40)] * 3)
    _error(extract_pdf, three, "x.pdf", 30)
    assert len(calls) == 1  # pages 2 and 3 were not read


def test_pdf_only_invisible_characters_is_no_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pypdf.PageObject, "extract_text", lambda *a, **k: "\u200b \ufeff\u3000")
    assert _error(extract_pdf, ASCII_PDF, "x.pdf").message == (
        "no text layer: scanned image PDF? OCR it first"
    )


def test_html_markup_past_max_chars_is_refused_before_extraction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = _page("汇报", PASSAGE)
    data = page.encode("utf-8")
    text, label = extract(data, ".html", "p.html", max_chars=len(page))
    assert PASSAGE in text and label == "html:utf-8"
    import trafilatura

    def not_called(*args: object, **kwargs: object) -> str:
        raise AssertionError("trafilatura must not see a page over the limit")

    monkeypatch.setattr(trafilatura, "extract", not_called)
    for call in (
        lambda: extract(data, ".html", "p.html", max_chars=len(page) - 1),
        lambda: extract_html(data, "p.html", len(page) - 1),
    ):
        with pytest.raises(DocumentError) as info:
            call()
        assert info.value.message == (
            f"refused: more than {len(page) - 1:,} characters of text (ingest.max_chars);"
            " not a report?"
        )


def test_html_only_invisible_characters_is_no_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "extract", lambda *a, **k: "\u200b\n\u3000\u2060")
    message = _error(extract_html, _page("汇报", "正文").encode(), "x.html").message
    assert message.startswith("no main text")


# ---------------------------------------------------------------------------
# .pdf


def test_pdf_pages_joined_with_newline() -> None:
    assert extract_pdf(ASCII_PDF) == "Hello reuse\nsecond line\nPage two"


def test_pdf_chinese_text_layer(cjk_pdf: Callable[[list[list[str]]], bytes]) -> None:
    lines = _wrap(PASSAGE)
    data = cjk_pdf([lines[:12], lines[12:]])
    text = extract_pdf(data)
    assert _squash(text) == _squash(PASSAGE)
    assert text.count("\n") >= len(lines) - 1  # lines stay lines
    assert "\r" not in text


def test_pdf_owner_password_only_opens() -> None:
    data = _encrypted(ASCII_PDF, user_password="", owner_password="owner")
    assert extract_pdf(data) == "Hello reuse\nsecond line\nPage two"


def test_pdf_page_that_fails_is_read_as_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    original = pypdf.PageObject.extract_text

    def flaky(page: pypdf.PageObject, *args: Any, **kwargs: Any) -> str:
        text = original(page, *args, **kwargs)
        if text.startswith("Page two"):
            raise KeyError("/Font")
        return text

    monkeypatch.setattr(pypdf.PageObject, "extract_text", flaky)
    assert extract_pdf(ASCII_PDF) == "Hello reuse\nsecond line\n"


def _blank_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _no_pages_pdf() -> bytes:
    buffer = io.BytesIO()
    pypdf.PdfWriter().write(buffer)
    return buffer.getvalue()


PDF_ERRORS = [
    pytest.param(b"", "empty file (0 bytes)", id="empty"),
    pytest.param(ASCII_PDF[: len(ASCII_PDF) // 2], "corrupt PDF", id="truncated"),
    pytest.param(b"%PDF-1.4\n" + random.Random(3).randbytes(2000), "corrupt PDF", id="garbage"),
    pytest.param(
        _encrypted(ASCII_PDF, user_password="secret", owner_password="owner"),
        "encrypted PDF: a password is needed to open it",
        id="password",
    ),
    pytest.param(
        _hand_built_pdf([b"0 0 m 300 300 l S 50 50 200 100 re f"]),
        "no text layer: scanned image PDF? OCR it first",
        id="graphics-only",
    ),
    pytest.param(_blank_pdf(), "no text layer: scanned image PDF? OCR it first", id="blank"),
    pytest.param(
        _hand_built_pdf([b"BT /F1 12 Tf 72 760 Td (   ) Tj ET"]), "no text layer", id="spaces"
    ),
    pytest.param(_no_pages_pdf(), "empty PDF: it has no pages", id="no-pages"),
]


@pytest.mark.parametrize(("data", "message"), PDF_ERRORS)
def test_pdf_errors(data: bytes, message: str) -> None:
    assert _error(extract_pdf, data, "x.pdf").message.startswith(message)


def test_pdf_image_only(cjk_pdf: Callable[[list[list[str]]], bytes], tmp_path: Path) -> None:
    """A scanned page: a raster image and no text operators."""
    pytest.importorskip("PIL")
    from PIL import Image
    from reportlab.pdfgen import canvas

    scan_png = tmp_path / "scan.png"
    Image.new("L", (200, 280), color=200).save(scan_png)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawImage(str(scan_png), 0, 0, width=595, height=842)
    pdf.showPage()
    pdf.save()
    err = _error(extract_pdf, buffer.getvalue(), "scan.pdf")
    assert err.message == "no text layer: scanned image PDF? OCR it first"


def test_pdf_every_page_failing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(page: pypdf.PageObject, *args: Any, **kwargs: Any) -> str:
        raise ValueError("bad\ncontent stream")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", broken)
    message = _error(extract_pdf, ASCII_PDF, "x.pdf").message
    assert message == (
        "corrupt PDF: text extraction failed on every page (page 1: ValueError: bad content stream)"
    )


def test_pdf_fifty_pages_in_order(cjk_pdf: Callable[[list[list[str]]], bytes]) -> None:
    lines = _wrap(PASSAGE)[:20]
    pages = [[f"第{n}页", *lines] for n in range(1, 51)]
    text = extract_pdf(cjk_pdf(pages))
    positions = [text.index(f"第{n}页") for n in range(1, 51)]
    assert positions == sorted(positions)
    assert _squash(text).count(_squash("".join(lines))) == 50


# ---------------------------------------------------------------------------
# .html


def test_html_main_text_without_menu_footer_or_scripts() -> None:
    body = _SEED_LINES[1] + "\n" + _SEED_LINES[2]
    text = extract_html(_page("经济开发区党建工作汇报", body).encode("utf-8"), "page.html")
    assert _SEED_LINES[1] in text and _SEED_LINES[2] in text
    for furniture in BOILERPLATE:
        assert furniture not in text, furniture


def test_html_gb18030_with_meta_charset(tmp_path: Path) -> None:
    page = _page("政府工作报告", PASSAGE, charset="gb2312")
    path = tmp_path / "gb.html"
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "html:gb18030"
    assert PASSAGE in doc.text
    assert "网站首页" not in doc.text


HTML_CHARSETS = [
    pytest.param(
        '<meta http-equiv="Content-Type" content="text/html; charset=big5">',
        "big5",
        "big5",
        id="big5-http-equiv",
    ),
    pytest.param('<meta charset="GBK">', "gbk", "gb18030", id="gbk-label"),
    pytest.param('<meta charset="gb2312">', "utf-8", "utf-8", id="stale-gb2312-on-utf8"),
    pytest.param('<meta charset="iso-8859-1">', "gb18030", "gb18030", id="wrong-latin1"),
    pytest.param('<meta charset="no-such-charset">', "gb18030", "gb18030", id="unknown-label"),
    pytest.param('<meta charset="utf-8">', "gb18030", "gb18030", id="false-utf8"),
    pytest.param("", "gb18030", "gb18030", id="undeclared-gbk"),
    pytest.param("", "big5", "big5", id="undeclared-big5"),
    pytest.param("", "utf-16", "utf-16-le", id="utf16-bom"),
]


@pytest.mark.parametrize(("meta", "codec", "expected"), HTML_CHARSETS)
def test_html_decoding(meta: str, codec: str, expected: str) -> None:
    title = "政府工作報告" if codec == "big5" else "政府工作报告"
    page = f"<html><head>{meta}<title>{title}</title></head><body><p>{title}</p></body></html>"
    markup, encoding = decode_html(page.encode(codec))
    assert (markup, encoding) == (page, expected)


def test_html_declared_charset_with_a_broken_character() -> None:
    """A character cut in half by a CMS does not throw the declaration away."""
    page = _page("汇报", PASSAGE, charset="utf-8").encode("utf-8")
    cut = page.index("近年来".encode()) + 1  # inside 近's three bytes
    markup, encoding = decode_html(page[:cut] + page[cut + 2 :])
    assert (encoding, markup.count("\ufffd")) == ("utf-8", 1)
    broken = _page("汇报", PASSAGE, charset="utf-8").encode("gb18030")  # a wrong declaration
    assert decode_html(broken)[1] == "gb18030"


def test_html_declared_charset_after_a_long_head() -> None:
    head = "<script>" + "var x = 1;\n" * 300 + "</script>"  # 3300 bytes before the meta
    assert declared_charset(f"<html><head>{head}<meta charset='gbk'>".encode()) == "gbk"
    assert declared_charset(b'<?xml version="1.0" encoding="GB2312"?><html>') == "gb2312"


HTML_ERRORS = [
    pytest.param(b"", "empty file (0 bytes)", id="empty"),
    pytest.param(
        b"<html><head><title>t</title><script>var a = 1;</script></head><body></body></html>",
        "no main text",
        id="empty-body",
    ),
    pytest.param(
        "<html><body><nav><ul><li><a href='/'>首页</a></li><li><a href='/n'>新闻中心</a></li>"
        "</ul></nav><footer>版权所有 某某市人民政府</footer></body></html>".encode(),
        "no main text",
        id="menu-and-footer-only",
    ),
    pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary file", id="binary"),
]


@pytest.mark.parametrize(("data", "message"), HTML_ERRORS)
def test_html_errors(data: bytes, message: str) -> None:
    assert _error(extract_html, data, "x.html").message.startswith(message)


# ---------------------------------------------------------------------------
# extract() and read_document end to end


def test_extract_dispatch_and_labels() -> None:
    names = {suffix: file_format.name for suffix, file_format in EXTRACTED_FORMATS.items()}
    assert names == {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
    assert extract(ASCII_PDF, ".PDF") == ("Hello reuse\nsecond line\nPage two", "pdf")
    with pytest.raises(ValueError, match="no extractor for suffix '.txt'"):
        extract(b"x", ".txt")


def _format_files(
    tmp_path: Path, cjk_pdf: Callable[[list[list[str]]], bytes]
) -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, expected encoding label), the passage in every format."""
    files = {
        "report.txt": (PASSAGE.encode("gb18030"), "gb18030"),
        "report.md": (("# 汇报\n" + PASSAGE).encode("utf-8"), "utf-8"),
        "report.docx": (_docx_bytes(lambda d: d.add_paragraph(PASSAGE)), "docx"),
        "report.pdf": (cjk_pdf([_wrap(PASSAGE)]), "pdf"),
        "report.html": (_page("汇报", PASSAGE).encode("utf-8"), "html:utf-8"),
        "REPORT.HTM": (_page("汇报", PASSAGE, "gbk").encode("gb18030"), "html:gb18030"),
        "Upper.DOCX": (_docx_bytes(lambda d: d.add_paragraph(PASSAGE)), "docx"),
    }
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
    return files


def test_read_document_every_format(
    tmp_path: Path, cjk_pdf: Callable[[list[list[str]]], bytes]
) -> None:
    files = _format_files(tmp_path, cjk_pdf)
    found = [Path(f.path).name for f in iter_source_files([tmp_path])]  # default suffixes
    assert sorted(found) == sorted(files)
    for name, (data, label) in files.items():
        doc = read_document(tmp_path / name)
        assert doc.encoding == label, name
        assert doc.sha256 == sha256_hex(data) and doc.n_bytes == len(data), name
        assert _squash(PASSAGE) in _squash(doc.text), name
        if label in ("docx", "html:utf-8", "html:gb18030"):
            assert PASSAGE in doc.text, name  # one paragraph stays one line


def test_read_bytes_then_decode_document_is_read_document(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(ASCII_PDF)
    data = read_bytes(path)
    assert sha256_hex(data) == sha256_hex(ASCII_PDF)
    assert decode_document(path, data) == read_document(path)
    assert decode_document("R.HTM", _page("汇报", "正文").encode()).encoding == "html:utf-8"


def test_read_document_errors_name_the_file_and_stage(tmp_path: Path) -> None:
    bad = {
        "broken.docx": b"PK\x03\x04 not really a zip",
        "broken.pdf": ASCII_PDF[:100],
        "empty.html": b"",
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(DocumentError) as info:
            read_document(str(tmp_path / name))
        assert (info.value.path, info.value.stage) == (str(tmp_path / name), "extract")


def test_read_document_size_limit_comes_first(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(ASCII_PDF)
    with pytest.raises(DocumentError) as info:
        read_document(path, max_bytes=100)
    assert info.value.stage == "ingest"
    assert info.value.message == f"file too large: {len(ASCII_PDF)} bytes > limit 100"


def test_text_suffix_is_never_extracted(tmp_path: Path) -> None:
    page = _page("汇报", "正文").encode("utf-8")
    (tmp_path / "page.txt").write_bytes(page)
    doc = read_document(tmp_path / "page.txt")
    assert (doc.text, doc.encoding) == (page.decode("utf-8"), "utf-8")


def test_default_suffixes() -> None:
    assert DEFAULT_SUFFIXES == (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


def test_doctests() -> None:
    attempted = 0
    for module in (html_format, registry):
        result = doctest.testmod(module)
        assert result.failed == 0
        attempted += result.attempted
    assert attempted >= 4


# ---------------------------------------------------------------------------
# Through the pipeline


def test_scan_finds_the_passage_across_formats(
    tmp_path: Path, cjk_pdf: Callable[[list[list[str]]], bytes]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(PASSAGE + "\n", encoding="utf-8")
    (corpus / "b.docx").write_bytes(_docx_bytes(lambda d: d.add_paragraph(PASSAGE)))
    (corpus / "c.pdf").write_bytes(cjk_pdf([_wrap(PASSAGE)]))
    (corpus / "d.html").write_bytes(_page("汇报", PASSAGE).encode("utf-8"))
    (corpus / "e.docx").write_bytes(b"not a docx")  # recorded, and the scan goes on
    (corpus / "f.md").write_text(PASSAGE, encoding="utf-8")  # not in the suffixes
    db = tmp_path / "reuse.duckdb"
    config = Config.load(overrides={"ingest.suffixes": [".txt", ".docx", ".pdf", ".html"]})

    result = scan([corpus], db, config)

    assert result.n_files == 5
    assert [(Path(e.path).name, e.stage) for e in result.errors] == [("e.docx", "extract")]
    con = duckdb.connect(str(db), read_only=True)
    docs = {
        doc_id: (os.path.basename(path), text, encoding)
        for doc_id, path, text, encoding in con.execute(
            "SELECT doc_id, path, text, encoding FROM live_documents"
        ).fetchall()
    }
    assert sorted((name, enc) for name, _, enc in docs.values()) == [
        ("a.txt", "utf-8"),
        ("b.docx", "docx"),
        ("c.pdf", "pdf"),
        ("d.html", "html:utf-8"),
    ]
    rows = con.execute(
        "SELECT doc_a, a_start, a_end, doc_b, b_start, b_end FROM live_matches WHERE kind = 'reuse'"
    ).fetchall()
    assert con.execute("SELECT stage FROM errors").fetchall() == [("extract",)]
    con.close()

    pairs = {frozenset((docs[a][0], docs[b][0])) for a, _, _, b, _, _ in rows}
    extracted = ["b.docx", "c.pdf", "d.html"]
    for i, one in enumerate(extracted):
        for other in [*extracted[i + 1 :], "a.txt"]:
            assert frozenset((one, other)) in pairs, (one, other)
    passage = _squash(PASSAGE)
    for doc_a, a_start, a_end, doc_b, b_start, b_end in rows:
        for doc_id, start, end in ((doc_a, a_start, a_end), (doc_b, b_start, b_end)):
            cut = _squash(docs[doc_id][1][start:end])
            # The offsets cut the passage out of the extracted text: all of it
            # but a few characters an alignment may trim at its ends.
            assert cut in passage, docs[doc_id][0]
            assert len(cut) >= 0.95 * len(passage), docs[doc_id][0]
