"""PowerPoint 97-2003 ``.ppt`` and Kingsoft ``.dps``: text atoms from the PowerPoint Document
stream ([MS-PPT] §2.3: TextCharsAtom 0x0FA0 UTF-16LE, TextBytesAtom 0x0FA8 8-bit, CString
0x0FBA). The stream is walked record by record; containers (recVer 0xF) are entered, atoms skipped
by length, so a corrupt length ends the walk instead of looping."""

from __future__ import annotations

import re
import struct
import zlib

from gateway.extract.walker import Unreadable
from matchers.model import UnscannableReason

_TEXT_CHARS = 0x0FA0
_TEXT_BYTES = 0x0FA8
_CSTRING = 0x0FBA
_SLIDE_LIST_WITH_TEXT = 0x0FF0  # instance 0 slides, 1 masters, 2 notes
_CONTAINER_LABELS = {0x03EE: "幻灯片", 0x03F0: "备注", 0x03F8: "母版", 0x0FC9: "母版"}
_EX_OLE_OBJ_STG = 0x1011  # [MS-PPT] §2.10.34 ExOleObjStg: an embedded object's compound file
# CStrings that name things (fonts, layouts, master titles) rather than carry content
_CSTRING_NOISE = re.compile(r"^(___PPT\d+|__WPP\d+)$")


def text(stream: bytes) -> str:
    return "\n".join(t for _, t in stories(stream))


def stories(stream: bytes) -> list[tuple[str, str]]:
    """[(label, text)]: ``幻灯片`` (slides), ``备注`` (speaker notes), ``母版`` (masters, which
    carry footers and markings such as 内部资料). Slide numbers are not given: title masters and
    notes masters share the slide and notes record types, so counting would mislabel."""
    out: dict[str, list[str]] = {}
    stack: list[tuple[int, str]] = []  # (end offset, label) of the enclosing containers
    pos = 0
    end = len(stream)
    while pos + 8 <= end:
        while stack and stack[-1][0] <= pos:
            stack.pop()
        ver_inst, rec_type, length = struct.unpack_from("<HHI", stream, pos)
        label = stack[-1][1] if stack else "幻灯片"
        if ver_inst & 0x000F == 0x000F:  # container: its children follow
            if rec_type == _SLIDE_LIST_WITH_TEXT:
                label = {1: "母版", 2: "备注"}.get(ver_inst >> 4, "幻灯片")
            else:
                label = _CONTAINER_LABELS.get(rec_type, label)
            stack.append((pos + 8 + length, label))
            pos += 8
            continue
        body = stream[pos + 8 : pos + 8 + length]
        value = ""
        if rec_type == _TEXT_CHARS:
            value = body.decode("utf-16-le", errors="replace")
        elif rec_type == _TEXT_BYTES:
            value = body.decode("cp1252", errors="replace")
        elif rec_type == _CSTRING:
            value = body.decode("utf-16-le", errors="replace")
            value = "" if _CSTRING_NOISE.match(value) else value
        if value.strip():
            out.setdefault(label, []).append(value.replace("\r", "\n").replace("\x0b", "\n"))
        pos += 8 + length
    return [(label, "\n".join(parts)) for label, parts in out.items()]


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
