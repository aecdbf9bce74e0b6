"""Pictures of documents are read (real PP-OCR models on pictures rendered here with a CJK font).

A photo of a red-header page, a scan, an image-only PDF: each is read and held like the page;
an ordinary picture passes; with OCR off a picture that could carry text is held, never passed.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from gateway.extract import extract_document
from gateway.service import Gateway
from gateway.settings import LimitSettings, OcrSettings
from tests.fixtures_extract import docx_bytes, zip_of
from tests.fixtures_smtp import Sink, message, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.pictures import FONT, MARKING, encoded, page

if FONT is None:
    if os.environ.get("DLP_TEST_REQUIRE_SYSTEM"):
        raise RuntimeError("no CJK font: tests/system-deps.sh installs fonts-wqy-zenhei")
    pytest.skip(
        "no CJK font (fonts-wqy-zenhei); tests/system-deps.sh installs it", allow_module_level=True
    )


def ordinary_picture() -> bytes:
    """A chart-like picture with no words: bars on a gradient."""
    image = Image.new("RGB", (800, 600))
    draw = ImageDraw.Draw(image)
    for y in range(600):
        draw.line((0, y, 800, y), fill=(40 + y // 5, 90, 160))
    for i, height in enumerate((300, 180, 420, 250, 350)):
        draw.rectangle((80 + i * 140, 560 - height, 160 + i * 140, 560), fill=(230, 170, 40))
    return encoded(image, "JPEG", quality=85)


@pytest.fixture(scope="module")
def scan_jpeg() -> bytes:
    return encoded(page(scanned=True), "JPEG", quality=60)


def read(data: bytes, name: str, **ocr: object) -> tuple[str, list[str]]:
    result = extract_document(data, name, LimitSettings(ocr=OcrSettings(**ocr)))  # type: ignore[arg-type]
    text = "\n".join(s.text for s in result.segments)
    return text, [u.reason.value for u in result.unscannable]


def test_a_scanned_page_is_read(scan_jpeg: bytes) -> None:
    text, problems = read(scan_jpeg, "扫描件.jpg")
    assert MARKING in text and "征地拆迁补偿方案" in text
    assert problems == []


def test_an_image_only_pdf_and_a_tiff_are_read() -> None:
    image = page()
    pdf_text, _ = read(encoded(image, "PDF", resolution=150), "扫描件.pdf")
    assert "征地拆迁补偿方案" in pdf_text
    tiff = io.BytesIO()
    image.save(tiff, "TIFF", save_all=True, append_images=[Image.new("RGB", (600, 400), "white")])
    tiff_text, _ = read(tiff.getvalue(), "传真.tif")
    assert "征地拆迁补偿方案" in tiff_text


def mixed_pdf() -> bytes:
    """A real text PDF (LibreOffice) with a scanned page appended: page 2 has no text layer."""
    import pypdfium2 as pdfium

    text_pdf = Path(__file__).parent / "data" / "extract" / "lo-notice.pdf"
    document = pdfium.PdfDocument(text_pdf.read_bytes())
    document.import_pages(pdfium.PdfDocument(encoded(page(scanned=True), "PDF", resolution=150)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_scanned_page_of_a_mixed_pdf_is_read() -> None:
    result = extract_document(mixed_pdf(), "报告.pdf", LimitSettings())
    found = {s.location: s.text for s in result.segments}
    assert "拟提拔" in found["报告.pdf › 第 1 页"]  # the text layer, as before
    assert "征地拆迁补偿方案" in found["报告.pdf › 第 2 页（图像识别）"]


def test_an_ordinary_picture_has_no_text_and_is_not_held() -> None:
    text, problems = read(ordinary_picture(), "chart.jpg")
    assert problems == [] and "征地" not in text


def test_with_ocr_off_a_picture_is_held_unless_the_administrator_accepts_the_risk(
    scan_jpeg: bytes,
) -> None:
    assert read(scan_jpeg, "扫描件.jpg", enabled=False)[1] == ["image"]
    assert read(scan_jpeg, "扫描件.jpg", enabled=False, unread_images="pass")[1] == []


def test_limits_bombs_and_tiny_pictures() -> None:
    bomb = encoded(Image.new("1", (12000, 12000)), "PNG")  # 144 Mpx in a few kilobytes
    assert read(bomb, "bomb.png")[1] == ["limit_size"]
    icon = encoded(Image.new("RGB", (32, 32), "red"), "PNG")
    assert read(icon, "icon.png") == ("", [])  # too small to hold a page: skipped
    tiff = io.BytesIO()  # three different pages (the same page again would count once)
    page().save(tiff, "TIFF", save_all=True, append_images=[page(marking=""), page(True)])
    assert "limit_ocr" in read(tiff.getvalue(), "三页.tif", max_pages=2)[1]


@pytest.mark.slow
async def test_pictures_of_documents_are_held_over_smtp(
    smtp_gateway: Gateway, upstream: Sink, scan_jpeg: bytes
) -> None:
    pdf = encoded(page(scanned=True), "PDF", resolution=150)
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    docx = zip_of([*members, ("word/media/image1.png", encoded(page(), "PNG"))])
    for name, data, mime in (
        ("扫描件.jpg", scan_jpeg, "image/jpeg"),
        ("扫描件.pdf", pdf, "application/pdf"),
        ("报告.pdf", mixed_pdf(), "application/pdf"),
        ("汇报.docx", docx, "application/octet-stream"),
    ):
        raw = message("请查收附件。", attachment=(name, data, mime))
        answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)
        assert answer.code in (250, 550), (name, answer)
        assert answer.code == 550 or answer.text.startswith("2.6.0 held for review"), (name, answer)
    raw = message("本周例会照片。", attachment=("会议.jpg", ordinary_picture(), "image/jpeg"))
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)
    assert answer.text.startswith("2.0.0 relayed"), answer
    await smtp_gateway.wait_background()
    assert len(upstream.to(EXTERNAL)) == 1  # the meeting photo; neither picture of a document


def test_a_picture_inside_a_docx_is_read() -> None:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    picture = encoded(page(scanned=True), "PNG")
    data = zip_of([*members, ("word/media/image1.png", picture)])
    text, problems = read(data, "汇报.docx")
    assert "征地拆迁补偿方案" in text and problems == []
