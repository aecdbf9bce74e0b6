"""PowerPoint 97-2003 ``.ppt`` and Kingsoft ``.dps``: text atoms from the PowerPoint Document
stream ([MS-PPT] §2.3: TextCharsAtom 0x0FA0 UTF-16LE, TextBytesAtom 0x0FA8 8-bit, CString
0x0FBA). The stream is walked record by record; containers (recVer 0xF) are entered, atoms skipped
by length, so a corrupt length ends the walk instead of looping."""

from __future__ import annotations

import struct
import zlib

from gateway.extract.walker import Unreadable
from matchers.model import UnscannableReason

_TEXT_CHARS = 0x0FA0
_TEXT_BYTES = 0x0FA8
_CSTRING = 0x0FBA
_EX_OLE_OBJ_STG = 0x1011  # [MS-PPT] §2.10.34 ExOleObjStg: an embedded object's compound file
# CStrings that name things (fonts, layouts, master titles) rather than carry content
_CSTRING_NOISE = frozenset({"___PPT10", "___PPT9", "___PPT12"})


def text(stream: bytes) -> str:
    out: list[str] = []
    pos = 0
    end = len(stream)
    while pos + 8 <= end:
        ver_inst, rec_type, length = struct.unpack_from("<HHI", stream, pos)
        if ver_inst & 0x000F == 0x000F:  # container: its children follow
            pos += 8
            continue
        body = stream[pos + 8 : pos + 8 + length]
        if rec_type == _TEXT_CHARS:
            out.append(body.decode("utf-16-le", errors="replace"))
        elif rec_type == _TEXT_BYTES:
            out.append(body.decode("cp1252", errors="replace"))
        elif rec_type == _CSTRING:
            value = body.decode("utf-16-le", errors="replace")
            if value not in _CSTRING_NOISE:
                out.append(value)
        pos += 8 + length
    return "\n".join(s.replace("\r", "\n").replace("\x0b", "\n") for s in out if s.strip())


def embedded(stream: bytes, cap: int) -> list[bytes]:
    """The compound files of embedded objects (zlib-compressed when recInstance is 1)."""
    out: list[bytes] = []
    pos = 0
    while pos + 8 <= len(stream):
        ver_inst, rec_type, length = struct.unpack_from("<HHI", stream, pos)
        if ver_inst & 0x000F == 0x000F:
            pos += 8
            continue
        if rec_type == _EX_OLE_OBJ_STG:
            body = stream[pos + 8 : pos + 8 + length]
            if ver_inst >> 4 == 1 and len(body) > 4:
                try:
                    data = zlib.decompressobj().decompress(body[4:], cap + 1)
                except zlib.error as exc:
                    raise Unreadable(UnscannableReason.CORRUPT, f"嵌入对象无法解压：{exc}") from exc
                if len(data) > cap:
                    raise Unreadable(UnscannableReason.LIMIT_RATIO, "嵌入对象解压超过上限")
                out.append(data)
            else:
                out.append(body)
        pos += 8 + length
    return [blob for blob in out if blob]
