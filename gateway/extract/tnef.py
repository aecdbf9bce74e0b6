"""TNEF (``winmail.dat``, [MS-OXTNEF]): attachment titles and data, and the plain-text body.

Only the attributes that carry content are read: attBody (0x800C), attAttachTitle (0x8010),
attAttachData (0x800F). MAPI property blocks (attMsgProps, attAttachment — the RTF body and Unicode
names) are not decoded; attachments inside them are still reached through attAttachData.
"""

from __future__ import annotations

import struct

from gateway.extract import charset
from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Unreadable, Walker
from matchers.model import UnscannableReason

_BODY = 0x800C
_ATTACH_TITLE = 0x8010
_ATTACH_DATA = 0x800F
_ATTACH_REND = 0x9002
_OEM_CODEPAGE = 0x9007


@extractor(Kind.TNEF)
def extract_tnef(data: bytes, node: Node, walker: Walker) -> None:
    if len(data) < 6:
        raise Unreadable(UnscannableReason.CORRUPT, "TNEF 数据过短")
    pos = 6  # signature (4) + legacy key (2)
    codec = "cp1252"
    pending: list[list[object]] = []  # [title, data] per attachment, in order
    while pos + 9 <= len(data):
        walker.check_deadline()
        _level, attr, length = struct.unpack_from("<BII", data, pos)
        body = data[pos + 9 : pos + 9 + length]
        pos += 9 + length + 2  # checksum
        if len(body) < length:
            break  # trailing garbage or truncation: keep what was read
        kind = attr & 0xFFFF
        if kind == _OEM_CODEPAGE & 0xFFFF and len(body) >= 4:
            (cp,) = struct.unpack_from("<I", body)
            codec = charset.codec_for(f"cp{cp}") or codec
        elif kind == _ATTACH_REND & 0xFFFF:
            pending.append(["", b""])
        elif kind == _ATTACH_TITLE & 0xFFFF:
            if not pending:
                pending.append(["", b""])
            pending[-1][0] = charset.decode(body.rstrip(b"\x00"), codec)
        elif kind == _ATTACH_DATA & 0xFFFF:
            if not pending:
                pending.append(["", b""])
            pending[-1][1] = body
        elif kind == _BODY & 0xFFFF:
            walker.text(node.at("正文"), charset.decode(body.rstrip(b"\x00"), codec))
    for count, (title, blob) in enumerate(pending, start=1):
        if count > walker.limits.max_members:
            raise Unreadable(UnscannableReason.LIMIT_MEMBERS, "TNEF 附件过多")
        name = str(title) or f"附件{count}"
        assert isinstance(blob, bytes)
        walker.text(node.at(f"附件 {name} › 文件名"), name)
        walker.document(blob, name, node.at(f"附件 {name}"), node.depth + 1)
