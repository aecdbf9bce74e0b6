"""Which pictures OCR can read: raster formats told by their magic bytes (no decoding), and the
size below which a picture cannot hold legible text."""

from __future__ import annotations

_RASTER = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)


def is_raster(data: bytes) -> bool:
    """PNG, JPEG, GIF, TIFF, BMP or WebP; not EMF/WMF/SVG (vector pictures are not rasterised)."""
    return data.startswith(_RASTER) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def too_small(width: int, height: int, min_size: int) -> bool:
    """True for a picture whose shorter side is *at most* ``min_size`` pixels (``ocr.min_size``):
    it holds no page of text and is neither read by OCR nor counted against ``ocr.max_pages``.
    At most, not below: Office and WPS draw every embedded file as a 48×48 icon and 48 is the
    default. A size of 0 means unknown, which is never small (unknown is read or held)."""
    return 0 < min(width, height) <= min_size
