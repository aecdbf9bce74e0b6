"""Pictures inside legacy Office files: a scan pasted into a .doc or .xls is read by OCR, and a
vector picture (EMF/WMF) is read by its text records or held as ``image`` — unless it is tiny.

The documents are real LibreOffice files (tests/data/extract) rebuilt with the picture stream a
test needs (tests/support/compound.py); the pictures are drawn here with a CJK font, the
metafiles written record by record (tests/support/metafiles.py).
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

import olefile
import pytest

from gateway.extract import extract_document
from gateway.service import Gateway
from gateway.settings import LimitSettings, OcrSettings
from tests.fixtures_smtp import Sink, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.compound import blip, compound_file, metafile_blip
from tests.support.messages import message
from tests.support.metafiles import emf
from tests.support.pictures import FONT, encoded, page

if FONT is None:
    if os.environ.get("DLP_TEST_REQUIRE_SYSTEM"):
        raise RuntimeError("no CJK font: tests/system-deps.sh installs fonts-wqy-zenhei")
    pytest.skip("no CJK font (fonts-wqy-zenhei)", allow_module_level=True)

DATA = Path(__file__).parent / "data" / "extract"
PICF = b"\x00" * 68  # the picture descriptor Word writes before a picture's records


def rebuilt(path: Path, **extra: bytes) -> bytes:
    """The compound file at ``path`` with streams added or replaced."""
    with olefile.OleFileIO(str(path)) as ole:
        streams = {"/".join(e): ole.openstream(e).read() for e in ole.listdir()}
    return compound_file({**streams, **extra})


def doc_with(data_stream: bytes) -> bytes:
    return rebuilt(DATA / "lo-notice.doc", Data=data_stream)


def xls_with(drawing_group: bytes) -> bytes:
    """lo-roster.xls with an MSODRAWINGGROUP record (and CONTINUE records, as Excel splits it
    every 8224 bytes) before the workbook globals' EOF."""
    with olefile.OleFileIO(str(DATA / "lo-roster.xls")) as ole:
        workbook = ole.openstream("Workbook").read()
    records = b""
    for index in range(0, len(drawing_group), 8224):
        kind = 0x00EB if index == 0 else 0x003C
        chunk = drawing_group[index : index + 8224]
        records += struct.pack("<HH", kind, len(chunk)) + chunk
    pos = 0
    while True:  # the first EOF (0x000A) ends the globals substream
        kind, length = struct.unpack_from("<HH", workbook, pos)
        if kind == 0x000A:
            break
        pos += 4 + length
    return rebuilt(DATA / "lo-roster.xls", Workbook=workbook[:pos] + records + workbook[pos:])


@pytest.fixture(scope="module")
def scan_png() -> bytes:
    return encoded(page(marking=""), "PNG")


def read(data: bytes, name: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    result = extract_document(data, name, LimitSettings())
    found = {s.location: s.text for s in result.segments}
    return found, [(u.location, u.reason.value) for u in result.unscannable]


def test_a_scan_pasted_into_a_doc_is_read(scan_png: bytes) -> None:
    found, problems = read(doc_with(PICF + blip(scan_png)), "通知.doc")
    assert "拟提拔" in found["通知.doc › 正文"]  # the document's own text, as before
    assert "征地拆迁补偿方案" in found["通知.doc › 图片 1（图像识别）"]
    assert problems == []


def test_a_scan_in_an_xls_drawing_group_is_read_across_continue_records(scan_png: bytes) -> None:
    assert len(scan_png) > 8224  # split over CONTINUE records
    found, problems = read(xls_with(b"\x0f\x00\x00\xf0" + blip(scan_png)), "名册.xls")
    assert "征地拆迁补偿方案" in found["名册.xls › 图片 1（图像识别）"]
    assert problems == []


def test_a_vector_picture_is_read_by_its_text_records() -> None:
    picture = emf("某村征地拆迁补偿方案")
    found, problems = read(doc_with(PICF + metafile_blip(picture, "emf", 600, 400)), "图.doc")
    assert found["图.doc › 图片 1（矢量图文字）"] == "某村征地拆迁补偿方案"
    assert problems == []
    attached, problems = read(picture, "图.emf")  # an EMF attached as it is
    assert attached["图.emf（矢量图文字）"] == "某村征地拆迁补偿方案" and problems == []


def test_an_unreadable_vector_picture_is_held_unless_it_is_tiny() -> None:
    picture = emf("某村征地拆迁补偿方案", glyphs=True)  # glyph indices: no characters in the file
    result = extract_document(
        doc_with(PICF + metafile_blip(picture, "emf", 600, 400)), "图.doc", LimitSettings()
    )
    assert [(u.location, u.reason.value) for u in result.unscannable] == [
        ("图.doc › 图片 1", "image")
    ]
    assert "字形编号" in result.unscannable[0].detail
    tiny = extract_document(
        doc_with(PICF + metafile_blip(picture, "emf", 40, 16)), "图.doc", LimitSettings()
    )
    assert tiny.unscannable == ()
    assert [p.status for p in tiny.parts if p.location == "图.doc › 图片 1"] == ["image"]


def test_the_icons_wps_draws_for_embedded_files_are_read_by_their_labels(corpus: Path) -> None:
    # OCR of the icons' bitmaps is left out here (test_extract_formats holds the whole file to
    # "nothing unscannable" with OCR on): the label is the metafile's own text record
    data = (corpus / "tika/test-documents/testWPSAttachment.ppt").read_bytes()
    ocr = OcrSettings(enabled=False, unread_images="pass")
    result = extract_document(data, "a.ppt", LimitSettings(ocr=ocr))
    found = {s.location: s.text for s in result.segments}
    assert found["a.ppt › 图片 1（矢量图文字）"] == "TXT.txt"  # the WMF icon's label
    assert found["a.ppt › 图片 5（矢量图文字）"] == "DOCX.docx"
    assert result.unscannable == ()


@pytest.mark.slow
async def test_a_doc_with_a_pasted_scan_is_held_over_smtp(
    smtp_gateway: Gateway, upstream: Sink, scan_png: bytes
) -> None:
    raw = message(
        "请查收。", attachment=("通知.doc", doc_with(PICF + blip(scan_png)), "application/msword")
    )
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)
    assert answer.text.startswith("2.6.0 held for review"), answer
    await smtp_gateway.wait_background()
    assert upstream.to(EXTERNAL) == []


def test_the_fixture_writer_makes_files_olefile_reads() -> None:
    data = compound_file({"Small": b"abc" * 10, "Large": bytes(range(256)) * 40, "Empty": b""})
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        assert ole.openstream("Small").read() == b"abc" * 10
        assert ole.openstream("Large").read() == bytes(range(256)) * 40
        assert ole.get_size("Empty") == 0
