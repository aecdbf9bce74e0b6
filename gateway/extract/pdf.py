"""PDF via pdfium (pypdfium2): page text with ToUnicode maps, and embedded file attachments.

Some real Chinese PDFs carry CID fonts whose ToUnicode table is missing or wrong; pdfium then
returns look-alike code points (the corpus's ``issue_566_test_1.pdf``: 黎荣 → 哾㦓, all in CJK
Extension A). A page whose text holds Extension A, private-use or replacement characters is
read a second time with pdfminer.six, which maps CIDs through the Adobe-GB1/CNS1 character
collections; both readings are scanned (``第 N 页`` and ``第 N 页（CID 重新解码）``).

Form-field values and the text of notes/comments (annotations) are read too (``第 N 页 表单与注释``).
An encrypted PDF that opens with the empty user password (owner password only) is readable and
is scanned; one that needs a user password is ``encrypted``.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import ImageOnly, Node, Unreadable, Walker
from matchers.model import UnscannableReason

log = logging.getLogger(__name__)

_MAX_PAGES = 5000
_MAX_ANNOTATIONS = 2000  # per page
_MAX_FIELD_BYTES = 4 * 1024 * 1024
_MAX_SECOND_READINGS = 50  # pages; pdfminer runs ~1 MB/s
_SUSPECT = re.compile("[\u3400-\u4dbf\ue000-\uf8ff\ufffd]")


@extractor(Kind.PDF)
def extract_pdf(data: bytes, node: Node, walker: Walker) -> None:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise Unreadable(UnscannableReason.ENCRYPTED, "PDF 已加密（需要打开密码）") from exc
        raise Unreadable(UnscannableReason.CORRUPT, f"PDF 无法打开：{message}") from exc
    try:
        pages = len(pdf)
        if pages > _MAX_PAGES:
            raise Unreadable(UnscannableReason.LIMIT_SIZE, f"PDF 页数 {pages} 超过 {_MAX_PAGES}")
        forms = _init_forms(pdf)
        found_text = scanned = False
        suspect: list[int] = []
        for index in range(pages):
            walker.check_deadline()
            page = pdf[index]
            picture = None
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
                notes = _annotations(page, forms)
                if not text.strip() and _has_images(page):
                    picture = _render(page, walker)  # a scanned page: read it by OCR
            finally:
                page.close()
            walker.add_expanded(len(text) * 2)
            found_text = found_text or bool(text.strip())
            if _SUSPECT.search(text):
                suspect.append(index)
            walker.text(node.at(f"第 {index + 1} 页"), text)
            if picture is not None:
                where = node.at(f"第 {index + 1} 页（图像识别）")
                if picture == "unread":
                    walker.unread(where, "扫描页未经文字识别（图像识别已关闭）")
                elif not walker.read_page(picture, where):
                    break
                scanned = True
            if notes:
                found_text = True
                walker.text(node.at(f"第 {index + 1} 页 表单与注释"), notes)
        for index in range(pdf.count_attachments()):
            attachment = pdf.get_attachment(index)
            name = str(attachment.get_name() or "") or f"附件{index + 1}"
            try:
                blob = bytes(attachment.get_data())
            except pdfium.PdfiumError:
                walker.fail(
                    node.at(f"PDF 附件 {name}"), UnscannableReason.CORRUPT, "PDF 附件无法读取"
                )
                continue
            walker.document(blob, name, node.at(f"PDF 附件 {name}"), node.depth + 1)
    finally:
        pdf.close()
    if suspect:
        _second_reading(data, suspect[:_MAX_SECOND_READINGS], node, walker)
    if pages and not found_text and not scanned:
        raise ImageOnly("PDF 无文字层（扫描件）")


#: Scanned pages are rendered at 150 dpi: enough for 10-point text, small enough for OCR's cost.
_OCR_SCALE = 150 / 72


def _has_images(page: pdfium.PdfPage) -> bool:
    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _render(page: pdfium.PdfPage, walker: Walker) -> Any:
    """The page as a picture for OCR, or ``"unread"`` when OCR is off."""
    if not walker.limits.ocr.enabled:
        return "unread"
    width, height = page.get_size()
    scale = min(_OCR_SCALE, 4000 / max(width, height, 1))  # a poster-sized page is scaled down
    return page.render(scale=scale).to_pil()


def _second_reading(data: bytes, pages: list[int], node: Node, walker: Walker) -> None:
    from pdfminer.high_level import extract_text

    for index in pages:
        walker.check_deadline()
        try:
            text = extract_text(io.BytesIO(data), page_numbers=[index], maxpages=index + 1)
        except Exception:  # a second opinion only: pdfium's reading of the page is already in
            log.debug("pdfminer could not re-read page %d of %s", index + 1, node.location)
            continue
        walker.text(node.at(f"第 {index + 1} 页（CID 重新解码）"), text)


def _init_forms(pdf: pdfium.PdfDocument) -> Any:
    """The form environment (needed to read field values), or ``None`` when there is none."""
    noisy = logging.getLogger("pypdfium2._helpers.document")
    level = noisy.level
    noisy.setLevel(logging.ERROR)  # it logs a warning for every XFA form this build cannot run
    try:
        pdf.init_forms()
    except pdfium.PdfiumError:
        return None
    finally:
        noisy.setLevel(level)
    return pdf.formenv.raw if pdf.formenv is not None else None


def _annotations(page: pdfium.PdfPage, forms: Any) -> str:
    """Form-field values and the text of notes/comments (annotation ``Contents``): neither is
    part of the page text, and both travel with the file."""
    out: list[str] = []
    count = min(int(raw.FPDFPage_GetAnnotCount(page.raw)), _MAX_ANNOTATIONS)
    for index in range(count):
        annot = raw.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            if forms is not None:
                out.append(_field_value(forms, annot))
            out.append(_contents(annot))
        finally:
            raw.FPDFPage_CloseAnnot(annot)
    return "\n".join(t for t in out if t.strip())


def _field_value(forms: Any, annot: Any) -> str:
    size = int(raw.FPDFAnnot_GetFormFieldValue(forms, annot, None, 0))
    buffer = _buffer(size)
    if buffer is None:
        return ""
    raw.FPDFAnnot_GetFormFieldValue(forms, annot, _wchars(buffer), size)
    return _utf16(buffer)


def _contents(annot: Any) -> str:
    size = int(raw.FPDFAnnot_GetStringValue(annot, b"Contents", None, 0))
    buffer = _buffer(size)
    if buffer is None:
        return ""
    raw.FPDFAnnot_GetStringValue(annot, b"Contents", _wchars(buffer), size)
    return _utf16(buffer)


def _buffer(size: int) -> Any:
    """A buffer for a UTF-16LE string of ``size`` bytes (terminator included), if sensible."""
    return ctypes.create_string_buffer(size) if 2 < size <= _MAX_FIELD_BYTES else None


def _wchars(buffer: Any) -> Any:
    return ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR))


def _utf16(buffer: Any) -> str:
    return bytes(buffer.raw[:-2]).decode("utf-16-le", errors="replace")
