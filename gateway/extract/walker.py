"""The walker: one extraction run over a message or document, with its limits and results.

Every extractor receives the :class:`Walker` and the :class:`Node` it is reading. Extracted text
goes to :meth:`Walker.text`; nested files (attachments, archive members, embedded objects) go
back through :meth:`Walker.document`, which detects their type by content, enforces the depth
limit, dispatches to the registered extractor, and turns any failure into an
:class:`~matchers.model.Unscannable` with a reason. Nothing here touches the disk: member names
are labels, never paths.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.errors import ExtractionError
from gateway.extract import charset, registry
from gateway.extract.detect import Kind, sniff
from gateway.extract.ocr_formats import is_raster, too_small
from gateway.extract.ocr_page import OcrLine, OcrPage
from gateway.extract.part import PartInfo
from gateway.settings import LimitSettings
from matchers.model import Segment, Unscannable, UnscannableReason

log = logging.getLogger(__name__)

SEPARATOR = " › "
# Expansion ratios are only meaningful for sizeable outputs: a 2 KB run of spaces compresses
# far beyond 100:1 and is harmless. Below this many bytes the ratio limit does not apply.
RATIO_FLOOR = 1024 * 1024


class Unreadable(ExtractionError):
    """This document cannot be inspected; it becomes an ``Unscannable`` with ``reason``."""

    def __init__(self, reason: UnscannableReason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else str(reason))


class ImageOnly(ExtractionError):
    """The document has pages but no text was read from any of them (no text layer, no picture
    OCR could read): status ``image``."""


class DeadlineExceeded(ExtractionError):
    """The per-message time limit passed; the whole message is held as ``timeout``."""


def join(location: str, label: str) -> str:
    """``join("附件 资料.zip", "通报.docx")`` → ``附件 资料.zip › 通报.docx``."""
    if not location:
        return label
    if not label:
        return location
    return f"{location}{SEPARATOR}{label}"


@dataclass(frozen=True, slots=True)
class Node:
    """The document being read: where it sits, its (display) name, and its nesting depth."""

    location: str
    name: str
    depth: int
    charset: str = ""  # a declared charset (MIME parameter) for text documents

    def at(self, label: str) -> str:
        return join(self.location, label)


class Walker:
    """Collects segments, parts and unscannable items for one message or document."""

    def __init__(
        self, limits: LimitSettings, deadline: float | None = None, capture: str | None = None
    ) -> None:
        """``capture``: the location of one OCR'd picture to keep instead of reading any (the
        console's preview re-walks the stored message to find it, see :mod:`.preview`)."""
        self.limits = limits
        self.deadline = deadline
        self.capture = capture
        self.captured: Any = None  # the picture at ``capture`` (a PIL image), once found
        self.pictures: list[OcrPage] = []  # what OCR read, with each line's box
        self.segments: list[Segment] = []
        self.parts: list[PartInfo] = []
        self.unscannable: list[Unscannable] = []
        self.expanded = 0
        self.ocr_pages = 0  # distinct pictures and scanned pages read so far (``ocr.max_pages``)
        self._ocr_read: dict[str, tuple[OcrLine, ...]] = {}  # by fingerprint, for this message
        self._seen: set[tuple[str, str]] = set()

    # -- results ---------------------------------------------------------------------------

    def text(self, location: str, text: str) -> None:
        text = text.replace("\x00", "").strip()
        if text and (location, text) not in self._seen:
            self._seen.add((location, text))  # the same words twice add nothing for the officer
            self.segments.append(Segment(location=location, text=text))

    def texts(
        self,
        location: str,
        data: bytes,
        declared: str | None,
        convert: Callable[[str], str] | None = None,
    ) -> None:
        """Text from bytes in every plausible reading (:func:`charset.readings`): the chosen one
        at ``location``, others at ``location（按GB18030解读）`` and the like."""
        for name, text in charset.readings(data, declared):
            where = f"{location}（{name}）" if name else location
            self.text(where, convert(text) if convert else text)

    def fail(self, location: str, reason: UnscannableReason, detail: str = "") -> None:
        self.unscannable.append(Unscannable(location=location, reason=reason, detail=detail))

    def part(
        self,
        location: str,
        filename: str,
        content_type: str,
        data: bytes,
        status: str,
        reason: str = "",
    ) -> None:
        """Record a part that was not dispatched through :meth:`document` (a MIME body)."""
        self.parts.append(
            PartInfo(
                location=location,
                filename=filename,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                status=status,
                reason=reason,
            )
        )

    # -- limits ----------------------------------------------------------------------------

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise DeadlineExceeded(f"inspection took longer than {self.limits.timeout:g} s")

    def cap(self, compressed: int) -> int:
        """How many bytes one member compressed to ``compressed`` bytes may expand to."""
        remaining = self.limits.max_expanded_bytes - self.expanded
        by_ratio = max(compressed * self.limits.max_ratio, RATIO_FLOOR)
        return max(0, min(remaining, by_ratio))

    def spend(self, produced: int, compressed: int, what: str) -> None:
        """Account ``produced`` expanded bytes; raise :class:`Unreadable` on a limit overrun."""
        self.check_deadline()
        if produced > RATIO_FLOOR and produced > compressed * self.limits.max_ratio:
            raise Unreadable(
                UnscannableReason.LIMIT_RATIO,
                f"{what} 解压比超过 {self.limits.max_ratio}:1",
            )
        if self.expanded + produced > self.limits.max_expanded_bytes:
            raise Unreadable(
                UnscannableReason.LIMIT_SIZE,
                f"{what} 解压总量超过 {self.limits.max_expanded_bytes} 字节",
            )

    def add_expanded(self, produced: int) -> None:
        self.expanded += produced

    # -- pictures (OCR) ----------------------------------------------------------------------

    def picture(self, data: bytes, location: str, depth: int = 0) -> tuple[str, str]:
        """Read a picture file by OCR; (part status, unscannable reason)."""
        from gateway.extract import ocr
        from gateway.extract.metafile import is_metafile

        if is_metafile(data):
            return self.vector(data, location, depth)
        settings = self.limits.ocr
        if not settings.enabled:
            width, height = ocr.stated_size(data)
            if too_small(width, height, settings.min_size):
                return "image", ""  # an icon holds no page, read or not
            return self.unread(location, "图像识别已关闭，图片中的文字未读取")
        try:
            pages = list(ocr.pages_of(data, settings))
        except ocr.PictureError as exc:
            if exc.bomb:
                self.fail(location, UnscannableReason.LIMIT_SIZE, exc.detail)
                return "unscannable", UnscannableReason.LIMIT_SIZE
            return self.unread(location, exc.detail)
        legible = [ocr.legible(page, settings) for page in pages]
        if not any(legible):
            return "image", ""  # too small to hold a page of text
        for number, page in enumerate(pages, start=1):
            if not legible[number - 1]:
                continue
            where = (
                f"{location}（图像识别）"
                if len(pages) == 1
                else f"{location} › 第 {number} 页（图像识别）"
            )
            if not self.read_page(page, where):
                return "unscannable", UnscannableReason.LIMIT_OCR
        return "scanned", ""

    def vector(
        self, data: bytes, location: str, depth: int, size: tuple[int, int] = (0, 0)
    ) -> tuple[str, str]:
        """A vector picture (EMF/WMF): its text records and bitmaps are read
        (:mod:`.metafile`, no rasterising); what cannot be read holds it as ``image`` unless the
        picture is too small to hold a page (``size`` in pixels as the document shows it, else
        the metafile's own stated size; see :func:`.ocr_formats.too_small`) or
        ``ocr.unread_images`` is ``pass``."""
        from gateway.extract import metafile

        drawing = metafile.read_metafile(data)
        if drawing is None:
            why = "矢量图片（如 PICT）无法读取，图中文字未检查"
        else:
            self.text(f"{location}（矢量图文字）", "\n".join(drawing.text))
            for number, bitmap in enumerate(drawing.bitmaps, start=1):
                self.add_expanded(len(bitmap))
                self.document(
                    bitmap, f"位图{number}.bmp", join(location, f"位图 {number}"), depth + 1
                )
            why = drawing.unreadable and f"{drawing.unreadable}（{drawing.kind.upper()} 矢量图片）"
        if not why:
            return "scanned", ""
        width, height = size if min(size) > 0 else metafile.size(data)
        if too_small(width, height, self.limits.ocr.min_size):
            return "image", ""
        return self.unread(location, why)

    def embedded_picture(self, data: bytes, name: str, location: str, depth: int) -> bool:
        """A picture file inside a document (docx/xlsx/pptx ``media/``, ODF ``Pictures/`` and
        ``ObjectReplacements/``): a raster picture goes to OCR, a vector one (EMF/WMF, also
        gzip-compressed as ``.emz``/``.wmz``) to :meth:`vector`. False when ``data`` is neither;
        the caller then reads it as the document it may be."""
        from gateway.extract.metafile import inflate, is_metafile

        inner = inflate(data, self.cap(len(data)))
        if inner is not None:
            self.spend(len(inner), len(data), name)
            self.add_expanded(len(inner))
            data = inner
        if not (is_raster(data) or is_metafile(data)):
            return False
        self.document(data, name, location, depth)
        return True

    def read_page(self, image: Any, location: str) -> bool:
        """OCR one page image into a segment; False (and ``limit_ocr``) over the page budget.
        The budget counts distinct pictures: the same pixels again in this message (one icon
        drawn for every embedded file, a logo on every page) reuse the first reading."""
        from gateway.extract import ocr

        if self.capture is not None:  # a preview: keep the one picture asked for, read none
            if location == self.capture and self.captured is None:
                self.captured = image
                self.deadline = time.monotonic()  # nothing else is needed: end the walk
            return True
        settings = self.limits.ocr
        key = ocr.fingerprint(image)
        lines = self._ocr_read.get(key)
        if lines is None:  # a picture seen before in this message costs nothing and counts once
            if self.ocr_pages >= settings.max_pages:
                self.fail(
                    location,
                    UnscannableReason.LIMIT_OCR,
                    f"图片与扫描页超过 {settings.max_pages} 页，其余未识别",
                )
                return False
            self.check_deadline()
            self.ocr_pages += 1
            lines = self._ocr_read[key] = ocr.read_lines(image, settings, key)
        before = len(self.segments)
        self.text(location, "\n".join(line.text for line in lines))
        if len(self.segments) > before:  # the officer sees this text: keep where it was read
            width, height = image.size
            self.pictures.append(OcrPage(location, int(width), int(height), lines))
        self.check_deadline()
        return True

    def unread(self, location: str, detail: str) -> tuple[str, str]:
        """A picture that may carry text and was not read: held unless ``ocr.unread_images``
        is ``pass``."""
        if self.limits.ocr.unread_images == "pass":
            return "image", ""
        self.fail(location, UnscannableReason.IMAGE, detail)
        return "unscannable", UnscannableReason.IMAGE

    # -- dispatch --------------------------------------------------------------------------

    def document(
        self, data: bytes, name: str, location: str, depth: int, charset: str = ""
    ) -> None:
        """Detect ``data``'s type by content and extract it; failures become unscannable."""
        self.check_deadline()
        index = len(self.parts)
        self.parts.append(_placeholder(location, name))
        try:
            kind = sniff(data, name)
        except Exception:  # detection must not take the walk down: unknown bytes are held
            log.debug("type detection failed at %s", location, exc_info=True)
            kind = Kind.BINARY
        status, reason = "scanned", ""
        if depth > self.limits.max_depth:
            status, reason = "unscannable", UnscannableReason.LIMIT_DEPTH
            self.fail(location, reason, f"嵌套超过 {self.limits.max_depth} 层")
        elif kind is Kind.EMPTY:
            status = "empty"
        elif kind is Kind.IMAGE:
            status, reason = self.picture(data, location, depth)
        else:
            extractor = registry.lookup(kind)
            try:
                if extractor is None:
                    raise Unreadable(UnscannableReason.UNSUPPORTED, f"不支持的格式：{kind.label}")
                extractor(data, Node(location, name, depth, charset), self)
            except Unreadable as exc:
                status, reason = "unscannable", exc.reason
                self.fail(location, exc.reason, exc.detail)
            except ImageOnly as exc:  # pages with no text and OCR could not read them
                status, reason = self.unread(location, str(exc))
            except DeadlineExceeded:
                raise
            except (RecursionError, MemoryError) as exc:
                status, reason = "unscannable", UnscannableReason.LIMIT_SIZE
                self.fail(location, reason, f"资源耗尽：{type(exc).__name__}")
            except Exception as exc:  # an extractor fault on hostile input: hold, never crash
                log.debug("extractor %s failed on %s", kind, location, exc_info=True)
                status, reason = "unscannable", UnscannableReason.CORRUPT
                self.fail(
                    location, reason, f"文件损坏或无法解析：{type(exc).__name__}: {exc}"[:300]
                )
        self.parts[index] = PartInfo(
            location=location,
            filename=name,
            content_type=kind.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            status=status,
            reason=str(reason),
        )


def _placeholder(location: str, name: str) -> PartInfo:
    return PartInfo(location, name, "", 0, "", "scanned")
