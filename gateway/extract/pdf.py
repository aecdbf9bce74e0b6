"""PDF via pdfium (pypdfium2): page text with ToUnicode maps, and embedded file attachments.

An encrypted PDF that opens with the empty user password (owner password only) is readable and
is scanned; one that needs a user password is ``encrypted``.
"""

from __future__ import annotations

import pypdfium2 as pdfium

from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import ImageOnly, Node, Unreadable, Walker
from matchers.model import UnscannableReason

_MAX_PAGES = 5000


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
        found_text = False
        for index in range(pages):
            walker.check_deadline()
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
            finally:
                page.close()
            walker.add_expanded(len(text) * 2)
            found_text = found_text or bool(text.strip())
            walker.text(node.at(f"第 {index + 1} 页"), text)
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
    if pages and not found_text:
        raise ImageOnly("PDF 无文字层（扫描件）")
