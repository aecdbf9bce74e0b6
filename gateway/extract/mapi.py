"""MAPI property lists as TNEF stores them ([MS-OXTNEF] §2.1.3.4 MsgPropertyList): the subject,
bodies, attachment names and attached objects that ``attMsgProps`` and ``attAttachment`` carry.

Each value is padded to 4 bytes; variable-size types (strings, binary, objects) carry a count
of values and a size per value; named properties (id ≥ 0x8000) are preceded by a GUID and a
name. Parsing stops at the first inconsistency (the properties read so far are kept)."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_FIXED = {
    0x0002: 2,  # PtypInteger16
    0x0003: 4,  # PtypInteger32
    0x0004: 4,  # PtypFloating32
    0x0005: 8,  # PtypFloating64
    0x0006: 8,  # PtypCurrency
    0x0007: 8,  # PtypFloatingTime
    0x000A: 4,  # PtypErrorCode
    0x000B: 2,  # PtypBoolean
    0x0014: 8,  # PtypInteger64
    0x0040: 8,  # PtypTime
    0x0048: 16,  # PtypGuid
}
_VARIABLE = {0x001E, 0x001F, 0x0102, 0x000D}
_MULTI = 0x1000

STRING8 = 0x001E
UNICODE = 0x001F
BINARY = 0x0102
OBJECT = 0x000D


@dataclass(frozen=True, slots=True)
class Prop:
    id: int
    type: int
    values: tuple[bytes, ...]


def _pad(n: int) -> int:
    return (n + 3) & ~3


def properties(blob: bytes, limit: int = 100_000) -> list[Prop]:
    out: list[Prop] = []
    try:
        (count,) = struct.unpack_from("<I", blob, 0)
        pos = 4
        for _ in range(min(count, limit)):
            ptype, pid = struct.unpack_from("<HH", blob, pos)
            pos += 4
            if pid >= 0x8000:  # named property: GUID, kind, then an id or a name
                pos += 16
                (kind,) = struct.unpack_from("<I", blob, pos)
                pos += 4
                if kind == 0:
                    pos += 4
                else:
                    (length,) = struct.unpack_from("<I", blob, pos)
                    pos += 4 + _pad(length)
            base = ptype & ~_MULTI
            values: list[bytes] = []
            if base in _VARIABLE:
                (n,) = struct.unpack_from("<I", blob, pos)
                pos += 4
                for _ in range(n):
                    (size,) = struct.unpack_from("<I", blob, pos)
                    pos += 4
                    if pos + size > len(blob):
                        return out
                    values.append(blob[pos : pos + size])
                    pos += _pad(size)
            elif base in _FIXED:
                n = 1
                if ptype & _MULTI:
                    (n,) = struct.unpack_from("<I", blob, pos)
                    pos += 4
                for _ in range(n):
                    values.append(blob[pos : pos + _FIXED[base]])
                    pos += _pad(_FIXED[base])
            else:
                return out  # an unknown type: its size is unknown, stop here
            out.append(Prop(pid, base, tuple(values)))
    except struct.error:
        pass
    return out


def text(prop: Prop, codec: str) -> str:
    raw = prop.values[0] if prop.values else b""
    if prop.type == UNICODE:
        return raw.decode("utf-16-le", errors="replace").rstrip("\x00")
    return raw.rstrip(b"\x00").decode(codec, errors="replace")
