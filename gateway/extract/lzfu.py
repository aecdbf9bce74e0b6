"""Compressed RTF ([MS-OXRTFCP]): the body Outlook keeps in PR_RTF_COMPRESSED (0x1009) of .msg
files and TNEF ``winmail.dat``. LZ77 over a 4,096-byte ring dictionary primed with a fixed RTF
prologue (§2.1.3.1.1); ``MELA`` means stored uncompressed (§2.1.3.1.2)."""

from __future__ import annotations

import struct

from gateway.extract.walker import Unreadable
from matchers.model import UnscannableReason

_PRIMER = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern "
    b"\\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0"
    b"\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)
_LZFU = 0x75465A4C
_MELA = 0x414C454D


def decompress(blob: bytes, cap: int) -> bytes:
    """The RTF bytes; at most ``cap`` of them (a larger claim is a limit overrun)."""
    if len(blob) < 16:
        raise Unreadable(UnscannableReason.CORRUPT, "压缩 RTF 头部过短")
    comp_size, raw_size, kind, _crc = struct.unpack_from("<IIII", blob)
    if raw_size > cap:
        raise Unreadable(UnscannableReason.LIMIT_SIZE, "压缩 RTF 正文超过解压上限")
    body = blob[16 : 4 + comp_size]
    if kind == _MELA:
        return body[:raw_size]
    if kind != _LZFU:
        raise Unreadable(UnscannableReason.CORRUPT, "未知的 RTF 压缩格式")
    ring = bytearray(4096)
    ring[: len(_PRIMER)] = _PRIMER
    write = len(_PRIMER)
    out = bytearray()
    pos = 0
    while pos < len(body) and len(out) < raw_size:
        control = body[pos]
        pos += 1
        for bit in range(8):
            if pos >= len(body) or len(out) >= raw_size:
                break
            if control & (1 << bit):
                if pos + 2 > len(body):
                    return bytes(out)
                (ref,) = struct.unpack_from(">H", body, pos)
                pos += 2
                offset, length = ref >> 4, (ref & 0x0F) + 2
                if offset == write:
                    return bytes(out)  # the end marker
                for i in range(length):
                    byte = ring[(offset + i) % 4096]
                    out.append(byte)
                    ring[write] = byte
                    write = (write + 1) % 4096
            else:
                byte = body[pos]
                pos += 1
                out.append(byte)
                ring[write] = byte
                write = (write + 1) % 4096
    return bytes(out)
