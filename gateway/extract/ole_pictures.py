"""Pictures inside legacy Office files (.doc, .xls, .ppt and WPS's .wps/.et/.dps), for OCR.

The three formats keep their pictures as OfficeArt BLIP records ([MS-ODRAW] §2.2.23): Word in
the ``Data`` stream (after each picture's PICF), PowerPoint in the ``Pictures`` stream, Excel in
the workbook's MSODRAWINGGROUP record (0x00EB, continued in CONTINUE records, [MS-XLS]
§2.4.170). Each record's header names the picture's format and length, so the picture is cut
out exactly: a scan pasted into a legacy document is read like one pasted into a docx.

* PNG, JPEG, TIFF and DIB (given the BMP file header it lacks) go to the walker as pictures
  (``图片 N``) and are read by OCR under the ``[ocr]`` limits.
* EMF and WMF are vector pictures that only GPL tools rasterise here: their text records and
  bitmaps are read instead (:mod:`.metafile`). One that cannot be read so (text drawn by glyph
  index, EMF+ only, PICT, damaged) is held as ``image`` with the reason — unless its stated
  size is at most ``ocr.min_size`` pixels on a side (a bullet, a rule), like a tiny bitmap.
  ``ocr.unread_images = "pass"`` lets it through.
"""

from __future__ import annotations

import dataclasses
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from gateway.extract.metafile import packed_dib
from gateway.extract.walker import Node, Walker

__all__ = ["Blip", "blips", "drawing_group", "read_pictures"]

_RASTER = {  # recType → (format, recInstance with one UID)
    0xF01D: ("jpg", (0x46A, 0x6E2)),
    0xF02A: ("jpg", (0x6E2,)),
    0xF01E: ("png", (0x6E0,)),
    0xF01F: ("bmp", (0x7A8,)),
    0xF029: ("tif", (0x6E4,)),
}
_VECTOR = {0xF01A: ("emf", 0x3D4), 0xF01B: ("wmf", 0x216), 0xF01C: ("pict", 0x542)}
_HEADER = re.compile(rb"(?s)(?=..[\x1a-\x1f\x29\x2a]\xf0)")
_EMU_PER_PIXEL = 9525  # 914400 EMU per inch, 96 pixels per inch
_MAX_PICTURES = 500  # per document; the walker's page and byte limits apply as well
_MSODRAWINGGROUP = 0x00EB
_CONTINUE = 0x003C


@dataclass(frozen=True, slots=True)
class Blip:
    kind: str  # "png" | "jpg" | "bmp" | "tif" | "emf" | "wmf" | "pict"
    data: bytes  # the picture file (a DIB with its BMP header; a metafile inflated)
    size: tuple[int, int] = (0, 0)  # a metafile's stated size in pixels (96 dpi); 0 unknown

    @property
    def vector(self) -> bool:
        return self.kind in ("emf", "wmf", "pict")


def blips(blob: bytes, cap: int) -> Iterator[Blip]:
    """The BLIP records in ``blob``, in order; ``cap`` bounds an inflated metafile."""
    pos = 0
    found = 0
    while found < _MAX_PICTURES:
        match = _HEADER.search(blob, pos)
        if match is None:
            return
        start = match.start()
        ver_inst, rec_type, length = struct.unpack_from("<HHI", blob, start)
        end = start + 8 + length
        blip = _blip(ver_inst, rec_type, blob[start + 8 : end], cap) if end <= len(blob) else None
        if blip is None:
            pos = start + 1
            continue
        found += 1
        pos = end
        yield blip


def _blip(ver_inst: int, rec_type: int, body: bytes, cap: int) -> Blip | None:
    if ver_inst & 0xF:  # recVer is 0 for every BLIP
        return None
    instance = ver_inst >> 4
    if rec_type in _RASTER:
        kind, singles = _RASTER[rec_type]
        uids = _uids(instance, singles)
        if uids is None or len(body) <= 16 * uids + 1:
            return None
        data = body[16 * uids + 1 :]  # the UID(s), a tag byte, then the picture file
        if kind == "bmp":
            data = packed_dib(data)
        return Blip(kind, data) if data else None
    if rec_type in _VECTOR:
        kind, single = _VECTOR[rec_type]
        uids = _uids(instance, (single,))
        if uids is None or len(body) < 16 * uids + 34:
            return None
        head = body[16 * uids : 16 * uids + 34]  # OfficeArtMetafileHeader
        _size, _l, _t, _r, _b, width, height, _save, compression, _filter = struct.unpack(
            "<I4i2iIBB", head
        )
        data = body[16 * uids + 34 :]
        if compression == 0x00:  # DEFLATE ([MS-ODRAW] §2.2.31)
            try:
                data = zlib.decompressobj().decompress(data, cap)
            except zlib.error:
                data = b""
        pixels = (max(width, 0) // _EMU_PER_PIXEL, max(height, 0) // _EMU_PER_PIXEL)
        return Blip(kind, data or body[16 * uids + 34 :], pixels)
    return None


def _uids(instance: int, singles: tuple[int, ...]) -> int | None:
    if instance in singles:
        return 1
    if instance - 1 in singles:
        return 2
    return None


def drawing_group(records: list[tuple[int, bytes]]) -> bytes:
    """The workbook's MSODRAWINGGROUP data, its CONTINUE records joined back."""
    out: list[bytes] = []
    taking = False
    for rtype, body in records:
        if rtype == _MSODRAWINGGROUP:
            taking = True
            out.append(body)
        elif rtype == _CONTINUE and taking:
            out.append(body)
        else:
            taking = False
    return b"".join(out)


def read_pictures(blob: bytes, node: Node, walker: Walker) -> None:
    """Every picture in ``blob`` (a Data or Pictures stream, a drawing group) to the walker."""
    for number, blip in enumerate(blips(blob, walker.cap(len(blob))), start=1):
        walker.check_deadline()
        name = f"图片{number}.{blip.kind}"
        location = node.at(f"图片 {number}")
        if not blip.vector:
            walker.add_expanded(len(blip.data))
            walker.document(blip.data, name, location, node.depth + 1)
            continue
        content_type = f"image/{'x-' if blip.kind != 'emf' else ''}{blip.kind}"
        walker.part(location, name, content_type, blip.data, "scanned")
        index = len(walker.parts) - 1
        status, reason = walker.vector(blip.data, location, node.depth + 1, blip.size)
        walker.parts[index] = dataclasses.replace(walker.parts[index], status=status, reason=reason)
