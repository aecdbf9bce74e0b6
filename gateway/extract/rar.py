"""RAR: no free decoder is available here (unrar's licence forbids re-implementing it; the
``rarfile`` module needs the external tool), so a RAR archive is always held. The block headers
are still read so the officer sees *why*: ``encrypted`` when the archive or a member is
password-protected, otherwise ``unsupported``.

RAR 1.5-4.x: ``technote.txt`` of RAR 3 (MAIN_HEAD 0x73 flag 0x0080 = encrypted headers;
FILE_HEAD 0x74 flag 0x0004 = encrypted member). RAR 5: rarlab "RAR 5.0 archive format" (header
type 4 = archive encryption; file/service extra record type 1 = file encryption).
"""

from __future__ import annotations

import struct

from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Unreadable, Walker
from matchers.model import UnscannableReason

_RAR5 = b"Rar!\x1a\x07\x01\x00"
_RAR4 = b"Rar!\x1a\x07\x00"
_MAX_BLOCKS = 100_000


def _vint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data) and shift < 70:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        shift += 7
        if not byte & 0x80:
            return value, pos
    raise ValueError("truncated vint")


def encrypted(data: bytes) -> bool:
    try:
        if data.startswith(_RAR5):
            return _rar5_encrypted(data)
        if data.startswith(_RAR4):
            return _rar4_encrypted(data)
    except (ValueError, struct.error, IndexError):
        return False
    return False


def _rar4_encrypted(data: bytes) -> bool:
    pos = len(_RAR4)
    for _ in range(_MAX_BLOCKS):
        if pos + 7 > len(data):
            return False
        _crc, kind, flags, size = struct.unpack_from("<HBHH", data, pos)
        if kind == 0x73 and flags & 0x0080:
            return True
        if kind == 0x74 and flags & 0x0004:
            return True
        add = struct.unpack_from("<I", data, pos + 7)[0] if flags & 0x8000 else 0
        if size < 7:
            return False
        pos += size + add
    return False


def _rar5_encrypted(data: bytes) -> bool:
    pos = len(_RAR5)
    for _ in range(_MAX_BLOCKS):
        if pos + 5 > len(data):
            return False
        size, start = _vint(data, pos + 4)
        header = data[start : start + size]
        kind, p = _vint(header, 0)
        flags, p = _vint(header, p)
        extra = data_size = 0
        if flags & 0x0001:
            extra, p = _vint(header, p)
        if flags & 0x0002:
            data_size, p = _vint(header, p)
        if kind == 4:
            return True
        if kind in (2, 3) and extra and _has_crypt_record(header[len(header) - extra :]):
            return True
        pos = start + size + data_size
    return False


def _has_crypt_record(area: bytes) -> bool:
    pos = 0
    while pos < len(area):
        size, p = _vint(area, pos)
        kind, _ = _vint(area, p)
        if kind == 1:
            return True
        if size == 0:
            return False
        pos = p + size
    return False


@extractor(Kind.RAR)
def extract_rar(data: bytes, node: Node, walker: Walker) -> None:
    if encrypted(data):
        raise Unreadable(UnscannableReason.ENCRYPTED, "RAR 压缩包已加密（需要密码）")
    raise Unreadable(UnscannableReason.UNSUPPORTED, "RAR 压缩包无可用的开源解码器，无法检查")
