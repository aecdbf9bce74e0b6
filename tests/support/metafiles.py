"""Vector pictures for the tests, written record by record: EMF ([MS-EMF]) and placeable WMF
([MS-WMF]) files drawing a line of text, optionally with a bitmap blitted in — the shape of the
icon Office and WPS draw for an embedded file (the file's name as text over a 48×48 bitmap)."""

from __future__ import annotations

import gzip
import io
import struct
import zipfile

from PIL import Image

_HUNDREDTHS_MM_PER_PIXEL = 2540 / 96  # rclFrame is in 0.01 mm, pictures at 96 dpi


def _bitmap_record(image: Image.Image) -> bytes:
    """EMR_STRETCHDIBITS (81) drawing ``image`` at the origin ([MS-EMF] §2.3.1.7)."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "BMP")
    bmp = buffer.getvalue()
    bmi, bits = bmp[14:54], bmp[54:]  # BITMAPINFOHEADER, then rows padded to 4 bytes
    width, height = image.size
    fixed = (
        struct.pack("<4i", 0, 0, width, height)  # rclBounds
        + struct.pack("<6i", 0, 0, 0, 0, width, height)  # dest and source rectangles
        + struct.pack("<4I", 80, len(bmi), 80 + len(bmi), len(bits))
        + struct.pack("<II", 0, 0x00CC0020)  # DIB_RGB_COLORS, SRCCOPY
        + struct.pack("<2i", width, height)
    )
    return struct.pack("<II", 81, 8 + len(fixed) + len(bmi) + len(bits)) + fixed + bmi + bits


def _text_record(text: str, glyphs: bool) -> bytes:
    """EMR_EXTTEXTOUTW (84) with ``text`` (drawn by glyph index when ``glyphs``: the characters
    are then not in the file)."""
    chars = text.encode("utf-16-le").ljust(-(-len(text) * 2 // 4) * 4, b"\x00")
    body = struct.pack("<4iIff", 0, 0, 100, 20, 1, 1.0, 1.0)
    emr_text = struct.pack("<iiIII4iI", 0, 0, len(text), 76, 0x10 if glyphs else 0, 0, 0, 0, 0, 0)
    record = body + emr_text + chars
    return struct.pack("<II", 84, 8 + len(record)) + record


def emf(
    text: str,
    *,
    glyphs: bool = False,
    size: tuple[int, int] = (98, 19),
    bitmap: Image.Image | None = None,
) -> bytes:
    """An EMF of ``size`` pixels (its rclFrame) drawing ``text`` and, if given, ``bitmap``."""
    records = _text_record(text, glyphs) if text else b""
    records += _bitmap_record(bitmap) if bitmap is not None else b""
    eof = struct.pack("<IIIII", 14, 20, 0, 16, 20)
    count = 2 + bool(text) + (bitmap is not None)
    header_size = 88
    total = header_size + len(records) + len(eof)
    frame = [round(side * _HUNDREDTHS_MM_PER_PIXEL) for side in size]
    header = struct.pack("<II4i4i", 1, header_size, 0, 0, *size, 0, 0, *frame)
    header += b" EMF" + struct.pack(
        "<IIIHHIIIiiii", 0x10000, total, count, 1, 0, 0, 0, 0, 1024, 768, 320, 240
    )
    return header + records + eof


def wmf(text: str, size: tuple[int, int] = (200, 40)) -> bytes:
    """A placeable WMF of ``size`` pixels drawing ``text`` (GBK) with META_TEXTOUT."""
    raw = text.encode("gbk")
    padded = raw + b"\x00" * (len(raw) % 2)
    params = struct.pack("<H", len(raw)) + padded + struct.pack("<hh", 10, 10)
    textout = struct.pack("<IH", (6 + len(params)) // 2, 0x0521) + params
    eof = struct.pack("<IH", 3, 0x0000)
    words = (18 + len(textout) + len(eof)) // 2
    header = struct.pack("<HHHIHIH", 1, 9, 0x0300, words, 0, len(textout) // 2, 0)
    place = struct.pack("<IH4hHI", 0x9AC6CDD7, 0, 0, 0, *size, 96, 0)
    checksum = 0
    for (word,) in struct.iter_unpack("<H", place):
        checksum ^= word
    return place + struct.pack("<H", checksum) + header + textout + eof


def emz(metafile: bytes) -> bytes:
    """A metafile gzip-compressed, as Office and LibreOffice store .emz/.wmz."""
    return gzip.compress(metafile, mtime=0)


def with_members(package: bytes, members: dict[str, bytes]) -> bytes:
    """An OOXML/ODF package with ``members`` added (a picture in ``word/media/`` and the like)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        for name, data in members.items():
            target.writestr(name, data)
    return buffer.getvalue()
