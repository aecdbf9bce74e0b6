"""Fixtures for the extract tests: limits, hand-made office packages (messages:
``tests.support.messages.multipart_message``)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.extract import Extracted, extract_document, extract_message
from gateway.settings import LimitSettings

EXTRACT_DATA = Path(__file__).resolve().parent / "data" / "extract"
SENSITIVE = "关于干部调整方案的请示"


@pytest.fixture
def limits() -> LimitSettings:
    return LimitSettings()


@pytest.fixture
def extract_data() -> Path:
    return EXTRACT_DATA


def texts(result: Extracted) -> dict[str, str]:
    """location → text (segments at one location joined), for assertions."""
    out: dict[str, str] = {}
    for segment in result.segments:
        out[segment.location] = (out.get(segment.location, "") + "\n" + segment.text).strip()
    return out


def all_text(result: Extracted) -> str:
    return "\n".join(s.text for s in result.segments)


def reasons(result: Extracted) -> dict[str, str]:
    return {u.location: u.reason.value for u in result.unscannable}


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return buf.getvalue()


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
P = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def _w_para(*runs: str) -> str:
    return "<w:p>" + "".join(runs) + "</w:p>"


def docx_bytes() -> bytes:
    """A docx with text in every place officers care about, and 宋体 only in the theme/fonts."""
    body = (
        f"<w:document {W}><w:body>"
        + _w_para("<w:r><w:t>正文第一段</w:t></w:r>")
        + _w_para("<w:ins><w:r><w:t>插入的修订内容</w:t></w:r></w:ins>")
        + _w_para("<w:del><w:r><w:delText>删除的拟提拔名单</w:delText></w:r></w:del>")
        + _w_para(
            '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            "<mc:Choice><w:txbxContent>"
            + _w_para("<w:r><w:t>文本框里的维稳预案</w:t></w:r>")
            + "</w:txbxContent></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
            + _w_para("<w:r><w:t>文本框里的维稳预案</w:t></w:r>")
            + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
        )
        + "</w:body></w:document>"
    )
    parts = [
        ("[Content_Types].xml", CT),
        ("word/document.xml", body),
        (
            "word/header1.xml",
            f"<w:hdr {W}>" + _w_para("<w:r><w:t>内部资料 注意保存</w:t></w:r>") + "</w:hdr>",
        ),
        (
            "word/footer1.xml",
            f"<w:ftr {W}>" + _w_para("<w:r><w:t>页脚文字</w:t></w:r>") + "</w:ftr>",
        ),
        (
            "word/footnotes.xml",
            f"<w:footnotes {W}><w:footnote>"
            + _w_para("<w:r><w:t>脚注说明</w:t></w:r>")
            + "</w:footnote></w:footnotes>",
        ),
        (
            "word/endnotes.xml",
            f"<w:endnotes {W}><w:endnote>"
            + _w_para("<w:r><w:t>尾注说明</w:t></w:r>")
            + "</w:endnote></w:endnotes>",
        ),
        (
            "word/comments.xml",
            f"<w:comments {W}><w:comment>"
            + _w_para("<w:r><w:t>批注：此稿勿外发</w:t></w:r>")
            + "</w:comment></w:comments>",
        ),
        (
            "word/theme/theme1.xml",
            f'<a:theme {A}><a:font script="Hans" typeface="宋体"/></a:theme>',
        ),
        ("word/fontTable.xml", f'<w:fonts {W}><w:font w:name="宋体"/></w:fonts>'),
        (
            "word/styles.xml",
            f'<w:styles {W}><w:style><w:name w:val="标题 1"/></w:style></w:styles>',
        ),
    ]
    return zip_of([(n, d.encode()) for n, d in parts])


def xlsx_bytes() -> bytes:
    workbook = (
        f"<workbook {S} {R}><sheets>"
        '<sheet name="公开" sheetId="1" r:id="rId1"/>'
        '<sheet name="名单" sheetId="2" state="hidden" r:id="rId2"/>'
        "</sheets></workbook>"
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Target="worksheets/sheet2.xml"/>'
        "</Relationships>"
    )
    shared = f"<sst {S}><si><t>姓名</t></si><si><r><t>拟提拔</t></r><r><t>人选</t></r></si><si><t>张三</t><rPh><t>ZHANGSAN</t></rPh></si></sst>"
    sheet1 = (
        f'<worksheet {S}><sheetData><row><c t="inlineStr"><is><t>公开数据</t></is></c>'
        "<c><v>13662615434</v></c></row></sheetData>"
        "<headerFooter><oddHeader>&amp;C内部资料</oddHeader></headerFooter></worksheet>"
    )
    sheet2 = f'<worksheet {S}><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c t="s"><v>2</v></c></row></sheetData></worksheet>'
    parts = [
        ("[Content_Types].xml", CT),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/sharedStrings.xml", shared),
        ("xl/worksheets/sheet1.xml", sheet1),
        ("xl/worksheets/sheet2.xml", sheet2),
        ("xl/theme/theme1.xml", f'<a:theme {A}><a:font script="Hans" typeface="宋体"/></a:theme>'),
    ]
    return zip_of([(n, d.encode()) for n, d in parts])


def pptx_bytes() -> bytes:
    def slide(tag: str, text: str) -> str:
        return f"<p:{tag} {P} {A}><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:{tag}>"

    parts = [
        ("[Content_Types].xml", CT),
        ("ppt/presentation.xml", f"<p:presentation {P}/>"),
        ("ppt/slides/slide1.xml", slide("sld", "第一页标题")),
        ("ppt/slides/slide2.xml", slide("sld", "征地拆迁补偿方案")),
        ("ppt/notesSlides/notesSlide2.xml", slide("notes", "演讲者备注：重点人员名单")),
        ("ppt/slideLayouts/slideLayout1.xml", slide("sldLayout", "单击此处添加标题")),
        ("ppt/slideMasters/slideMaster1.xml", slide("sldMaster", "内部资料 注意保存")),
        (
            "ppt/diagrams/data1.xml",
            f'<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" {A}>'
            "<dgm:ptLst><dgm:pt><dgm:t><a:p><a:r><a:t>拟任局长</a:t></a:r></a:p></dgm:t></dgm:pt>"
            "<dgm:pt><dgm:t><a:p><a:r><a:t>张三</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst>"
            "</dgm:dataModel>",
        ),
    ]
    return zip_of([(n, d.encode()) for n, d in parts])


@pytest.fixture
def run_extract(limits: LimitSettings) -> Callable[[bytes, str], Extracted]:
    def run(data: bytes, name: str = "") -> Extracted:
        if name:
            return extract_document(data, name, limits)
        return extract_message(data, limits)

    return run


# -- hostile extractors for the isolation tests (installed in worker processes) ----------------

HANG = b"HANG-DLP-TEST"
CRASH = b"CRASH-DLP-TEST"
HOG = b"HOG-DLP-TEST"


def install_hostile_extractors() -> None:
    """``Inspector(worker_init="tests.fixtures_extract:install_hostile_extractors")``: text
    attachments starting with a marker hang forever, kill the process, or exhaust memory —
    without ever checking the walker's deadline, like a stuck third-party parser."""
    import os
    import time

    from gateway.extract import registry
    from gateway.extract.detect import Kind

    original = registry.lookup(Kind.TEXT)
    assert original is not None

    def hostile(data: bytes, node: object, walker: object) -> None:
        if data.startswith(HANG):
            time.sleep(3600)
        if data.startswith(CRASH):
            os._exit(3)
        if data.startswith(HOG):
            hog = [bytearray(64 * 1024 * 1024) for _ in range(1024)]  # 64 GB: hits RLIMIT_AS
            del hog
        original(data, node, walker)  # type: ignore[arg-type]

    registry.extractor(Kind.TEXT)(hostile)
