"""Which pictures OCR can read: raster formats told by their magic bytes (no decoding)."""

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
