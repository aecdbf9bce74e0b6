"""What OCR read on one picture or scanned page, kept so the officer can see *where*.

An :class:`OcrPage` is the picture's size and its recognised lines, each with its text and its
quadrilateral in the picture's pixel coordinates (as the detector found it: a slightly rotated
scan gives a slightly rotated box). No pixels are kept: the console re-extracts the picture from
the stored message when an officer asks for the preview (:mod:`gateway.extract.preview`).

The page's segment text is its lines joined by line breaks, so a finding's offsets in the
segment map back to lines (:func:`hit_lines`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["MAX_LINES", "OcrLine", "OcrPage", "hit_lines", "line_spans"]

#: lines kept per page (a dense A4 page has ~50; more is noise or an attack on the store)
MAX_LINES = 400

Quad = tuple[int, int, int, int, int, int, int, int]  # x0 y0 x1 y1 x2 y2 x3 y3


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    box: Quad

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        """The box's enclosing rectangle ``(left, top, right, bottom)``."""
        xs, ys = self.box[0::2], self.box[1::2]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One picture or page read by OCR: the segment's ``location`` (ending in ``（图像识别）``),
    the picture's size as OCR saw it, and its lines top to bottom."""

    location: str
    width: int
    height: int
    lines: tuple[OcrLine, ...]


def line_spans(text: str, lines: Iterable[OcrLine]) -> list[tuple[int, int]]:
    """Where each line's text sits in the segment ``text`` (``(-1, -1)`` when it does not)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for line in lines:
        needle = line.text.strip()
        found = text.find(needle, cursor) if needle else -1
        if found < 0:
            spans.append((-1, -1))
            continue
        spans.append((found, found + len(needle)))
        cursor = found + len(needle)
    return spans


def hit_lines(page: OcrPage, text: str, hits: Iterable[tuple[int, int]]) -> list[int]:
    """The numbers of the lines that hold (part of) a hit; ``hits`` are ``(start, end)``
    offsets in the segment ``text``. A hit across a line break marks both lines."""
    spans = line_spans(text, page.lines)
    ranges = [(s, e) for s, e in hits if e > s]
    return [
        number
        for number, (start, end) in enumerate(spans)
        if start >= 0 and any(s < end and start < e for s, e in ranges)
    ]
