"""Vector pictures (EMF, WMF) read without rasterising them: their text records and bitmaps.

Rasterising a metafile here would take a GPL tool (libwmf, ImageMagick's delegates), so the
picture is read as what it is — a list of drawing records. Text drawn with characters
(EMF ``EMR_EXTTEXTOUTW``/``A``, ``EMR_SMALLTEXTOUT``, ``EMR_POLYTEXTOUTW``/``A`` [MS-EMF]
§2.3.5; WMF ``META_TEXTOUT``, ``META_EXTTEXTOUT`` [MS-WMF] §2.3.3) is taken as text, and
bitmaps drawn into it (``EMR_STRETCHDIBITS`` and the other blits; WMF ``META_STRETCHDIB`` and
the DIB blits) are cut out as BMP files for OCR: a scan wrapped in a metafile is still a scan.

What cannot be read this way is reported, never passed as read: text drawn by glyph index
(``ETO_GLYPH_INDEX``: the characters are not in the file), an EMF+ only picture (its drawing is
in GDI+ records), a PICT, or a file that does not parse. The picture's own stated size
(:func:`size`) tells an icon from a page; gzip-compressed metafiles (``.emz``, ``.wmz``, as
Office and LibreOffice store them in packages) are inflated first (:func:`inflate`).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from gateway.extract import charset

__all__ = ["GZIP_MAGIC", "Drawing", "inflate", "is_metafile", "packed_dib", "read_metafile", "size"]

_ETO_GLYPH_INDEX = 0x0010
_ETO_NO_RECT = 0x0100
_ETO_SMALL_CHARS = 0x0200
_ETO_OPAQUE = 0x0002
_ETO_CLIPPED = 0x0004
_MAX_RECORDS = 200_000
_MAX_BITMAPS = 50
GZIP_MAGIC = b"\x1f\x8b"  # RFC 1952 §2.3.1: .emz and .wmz are gzip streams
_EMF_PLUS = 0x2B464D45  # "EMF+" in an EMR_COMMENT
_EMF_PLUS_DUAL = 0x0001

#: EMF blit records: the record offset of (offBmiSrc, cbBmiSrc, offBitsSrc, cbBitsSrc)
_EMF_BLITS = {76: 84, 77: 84, 78: 84, 79: 96, 80: 48, 81: 48, 114: 84, 116: 84}
#: WMF DIB records: the parameter offset of the packed DIB
_WMF_DIBS = {0x0940: 16, 0x0B41: 20, 0x0F43: 22, 0x0D33: 18}


@dataclass
class Drawing:
    """What a metafile draws that can carry words."""

    kind: str  # "emf" | "wmf"
    text: list[str] = field(default_factory=list)
    bitmaps: list[bytes] = field(default_factory=list)  # BMP files
    unreadable: str = ""  # why some of it cannot be read (Chinese, for the officer)


def _emf_magic(data: bytes) -> bool:
    return data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF"


def _wmf_magic(data: bytes) -> int | None:
    """Where the WMF header starts: after the placeable header ([MS-WMF] §2.3.2.3) or at 0."""
    if data[:4] == b"\xd7\xcd\xc6\x9a":
        return 22
    if data[:2] in (b"\x01\x00", b"\x02\x00") and data[2:4] == b"\x09\x00":
        return 0
    return None


def is_metafile(data: bytes) -> bool:
    return _emf_magic(data) or _wmf_magic(data) is not None


def inflate(data: bytes, cap: int) -> bytes | None:
    """The metafile inside a gzip stream (``.emz``/``.wmz``), at most ``cap + 1`` bytes of it
    (the caller's expansion limit decides what more than ``cap`` means; a cut-off stream gives
    what it holds); ``None`` when ``data`` is not a gzip-compressed metafile."""
    if data[:2] != GZIP_MAGIC:
        return None
    try:
        inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, cap + 1)
    except zlib.error:
        return None
    return inner if is_metafile(inner) else None


#: device pixels per inch the sizes are given in (Office's 96 dpi); 0.01 mm per inch
_DPI = 96
_HUNDREDTHS_MM_PER_INCH = 2540


def size(data: bytes) -> tuple[int, int]:
    """The picture's stated size in pixels at 96 dpi, (0, 0) when the file does not say: an EMF's
    ``rclFrame`` in 0.01 mm ([MS-EMF] §2.2.9), a placeable WMF's bounding box over its units per
    inch ([MS-WMF] §2.3.2.3); a plain WMF has no size."""
    if _emf_magic(data) and len(data) >= 40:
        left, top, right, bottom = struct.unpack_from("<4i", data, 24)
        per_inch = _HUNDREDTHS_MM_PER_INCH
        return _pixels(right - left, per_inch), _pixels(bottom - top, per_inch)
    if data[:4] == b"\xd7\xcd\xc6\x9a" and len(data) >= 16:
        left, top, right, bottom, inch = struct.unpack_from("<4hH", data, 6)
        if inch:
            return _pixels(right - left, inch), _pixels(bottom - top, inch)
    return 0, 0


def _pixels(length: int, per_inch: int) -> int:
    return max(round(length * _DPI / per_inch), 0)


def read_metafile(data: bytes) -> Drawing | None:
    """The text and bitmaps of an EMF or WMF file; ``None`` when it is neither."""
    if _emf_magic(data):
        return _emf(data)
    start = _wmf_magic(data)
    return None if start is None else _wmf(data, start)


def _emf(data: bytes) -> Drawing:
    drawing = Drawing("emf")
    pos, records, plus, dual = 0, 0, False, False
    while pos + 8 <= len(data) and records < _MAX_RECORDS:
        kind, size = struct.unpack_from("<II", data, pos)
        if size < 8 or size % 4 or pos + size > len(data):
            drawing.unreadable = "EMF 记录损坏"
            break
        record = data[pos : pos + size]
        records += 1
        if kind in (83, 84):  # EMR_EXTTEXTOUTA / W
            _emr_text(record, 36, kind == 84, drawing)
        elif kind in (96, 97) and len(record) >= 40:  # EMR_POLYTEXTOUTA / W
            (count,) = struct.unpack_from("<I", record, 36)
            for index in range(min(count, 1000)):
                _emr_text(record, 40 + 40 * index, kind == 97, drawing)
        elif kind == 108:  # EMR_SMALLTEXTOUT
            _small_text(record, drawing)
        elif kind in _EMF_BLITS:
            _emf_bitmap(record, _EMF_BLITS[kind], drawing)
        elif kind == 70 and len(record) >= 20:  # EMR_COMMENT
            ident, plus_type, plus_flags = struct.unpack_from("<IHH", record, 12)
            if ident == _EMF_PLUS:
                plus = True
                if plus_type == 0x4001:  # EmfPlusHeader: is there a GDI fallback?
                    dual = dual or bool(plus_flags & _EMF_PLUS_DUAL)
        elif kind == 14:  # EMR_EOF
            break
        pos += size
    if plus and not dual and not drawing.unreadable:
        drawing.unreadable = "EMF+ 图片（GDI+ 绘制），其中文字无法读取"
    return drawing


def _emr_text(record: bytes, at: int, wide: bool, drawing: Drawing) -> None:
    """An EmrText object at ``at`` ([MS-EMF] §2.2.5): chars, offString, options."""
    if at + 20 > len(record):
        return
    chars, offset, options = struct.unpack_from("<III", record, at + 8)
    if options & _ETO_GLYPH_INDEX:
        drawing.unreadable = "图片中的文字以字形编号绘制，无法读取"
        return
    width = 2 if wide else 1
    raw = record[offset : offset + chars * width] if 0 < offset < len(record) else b""
    _add(drawing, raw, wide)


def _small_text(record: bytes, drawing: Drawing) -> None:
    if len(record) < 36:
        return
    chars, options = struct.unpack_from("<II", record, 16)
    if options & _ETO_GLYPH_INDEX:
        drawing.unreadable = "图片中的文字以字形编号绘制，无法读取"
        return
    start = 36 if options & _ETO_NO_RECT else 52
    wide = not options & _ETO_SMALL_CHARS
    _add(drawing, record[start : start + chars * (2 if wide else 1)], wide)


def _add(drawing: Drawing, raw: bytes, wide: bool) -> None:
    if not raw:
        return
    text = raw.decode("utf-16-le", errors="replace") if wide else charset.decode(raw)
    if text.strip():
        drawing.text.append(text)


def _emf_bitmap(record: bytes, at: int, drawing: Drawing) -> None:
    if at + 16 > len(record) or len(drawing.bitmaps) >= _MAX_BITMAPS:
        return
    off_bmi, cb_bmi, off_bits, cb_bits = struct.unpack_from("<IIII", record, at)
    if not (cb_bmi >= 12 and cb_bits and off_bmi + cb_bmi <= len(record)):
        return
    if off_bits + cb_bits > len(record):
        return
    bmi = record[off_bmi : off_bmi + cb_bmi]
    bits = record[off_bits : off_bits + cb_bits]
    drawing.bitmaps.append(_bmp_file(bmi, bits))


def _bmp_file(bmi: bytes, bits: bytes) -> bytes:
    """A BMP file from a BITMAPINFO and its pixel bits (the 14-byte file header added)."""
    offset = 14 + len(bmi)
    return b"BM" + struct.pack("<IHHI", offset + len(bits), 0, 0, offset) + bmi + bits


def packed_dib(dib: bytes) -> bytes:
    """A packed DIB (header, colour table, bits) as a BMP file; ``b""`` if it is not one."""
    if len(dib) < 40:
        return b""
    (header_size,) = struct.unpack_from("<I", dib, 0)
    if header_size not in (12, 40, 52, 56, 64, 108, 124):
        return b""
    if header_size == 12:
        bit_count, colours, entry = struct.unpack_from("<H", dib, 10)[0], 0, 3
    else:
        bit_count, entry = struct.unpack_from("<H", dib, 14)[0], 4
        (colours,) = struct.unpack_from("<I", dib, 32)
        (compression,) = struct.unpack_from("<I", dib, 16)
        if header_size == 40 and compression == 3:  # BI_BITFIELDS: three masks follow
            header_size += 12
    if bit_count <= 8:
        colours = colours or (1 << bit_count)
    offset = 14 + header_size + entry * colours
    return b"BM" + struct.pack("<IHHI", 14 + len(dib), 0, 0, offset) + dib


def _wmf(data: bytes, start: int) -> Drawing:
    drawing = Drawing("wmf")
    if len(data) < start + 18:
        drawing.unreadable = "WMF 文件头损坏"
        return drawing
    (header_words,) = struct.unpack_from("<H", data, start + 2)
    pos = start + header_words * 2
    records = 0
    while pos + 6 <= len(data) and records < _MAX_RECORDS:
        words, function = struct.unpack_from("<IH", data, pos)
        size = words * 2
        if size < 6 or pos + size > len(data):
            drawing.unreadable = "WMF 记录损坏"
            break
        params = data[pos + 6 : pos + size]
        records += 1
        if function == 0x0000:  # META_EOF
            break
        if function == 0x0521 and len(params) >= 2:  # META_TEXTOUT
            (length,) = struct.unpack_from("<H", params, 0)
            _add(drawing, params[2 : 2 + length], False)
        elif function == 0x0A32 and len(params) >= 8:  # META_EXTTEXTOUT
            length, options = struct.unpack_from("<HH", params, 4)
            if options & _ETO_GLYPH_INDEX:
                drawing.unreadable = "图片中的文字以字形编号绘制，无法读取"
            else:
                at = 8 + (8 if options & (_ETO_OPAQUE | _ETO_CLIPPED) else 0)
                _add(drawing, params[at : at + length], False)
        elif function in _WMF_DIBS and len(drawing.bitmaps) < _MAX_BITMAPS:
            bitmap = packed_dib(params[_WMF_DIBS[function] :])
            if bitmap:
                drawing.bitmaps.append(bitmap)
        pos += size
    return drawing
