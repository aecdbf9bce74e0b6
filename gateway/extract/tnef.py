"""TNEF (``winmail.dat``, [MS-OXTNEF]): bodies, attachments and embedded messages.

Read: attSubject (0x8004), attBody (0x800C), attAttachTitle (0x8010), attAttachData (0x800F),
and the MAPI property lists attMsgProps (0x9003) and attAttachment (0x9005) — subject and plain,
HTML and compressed-RTF bodies of the message; long file names and attached objects
(PR_ATTACH_DATA_OBJ: an embedded message is itself a TNEF stream) of each attachment.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from gateway.extract import charset, lzfu, mapi
from gateway.extract.detect import Kind
from gateway.extract.html import decode_html, html_to_text
from gateway.extract.registry import extractor
from gateway.extract.rtf import rtf_to_text
from gateway.extract.walker import Node, Unreadable, Walker
from matchers.model import UnscannableReason

_SUBJECT = 0x8004
_BODY = 0x800C
_ATTACH_TITLE = 0x8010
_ATTACH_DATA = 0x800F
_ATTACH_REND = 0x9002
_MSG_PROPS = 0x9003
_ATTACHMENT = 0x9005
_OEM_CODEPAGE = 0x9007

_PR_SUBJECT = 0x0037
_PR_BODY = 0x1000
_PR_RTF_COMPRESSED = 0x1009
_PR_HTML = 0x1013
_PR_ATTACH_DATA = 0x3701
_PR_ATTACH_LONG_FILENAME = 0x3707
_PR_ATTACH_FILENAME = 0x3704
_PR_DISPLAY_NAME = 0x3001


@dataclass(slots=True)
class _Attachment:
    title: str = ""
    data: bytes = b""


@extractor(Kind.TNEF)
def extract_tnef(data: bytes, node: Node, walker: Walker) -> None:
    if len(data) < 6:
        raise Unreadable(UnscannableReason.CORRUPT, "TNEF 数据过短")
    pos = 6  # signature (4) + legacy key (2)
    codec = "cp1252"
    attachments: list[_Attachment] = []
    while pos + 9 <= len(data):
        walker.check_deadline()
        _level, attr, length = struct.unpack_from("<BII", data, pos)
        body = data[pos + 9 : pos + 9 + length]
        pos += 9 + length + 2  # checksum
        if len(body) < length:
            break  # trailing garbage or truncation: keep what was read
        kind = attr & 0xFFFF
        if kind == _OEM_CODEPAGE and len(body) >= 4:
            (cp,) = struct.unpack_from("<I", body)
            codec = charset.codec_for(f"cp{cp}") or codec
        elif kind == _ATTACH_REND:
            attachments.append(_Attachment())
        elif kind in (_ATTACH_TITLE, _ATTACH_DATA, _ATTACHMENT):
            if not attachments:
                attachments.append(_Attachment())
            current = attachments[-1]
            if kind == _ATTACH_TITLE:
                current.title = charset.decode(body.rstrip(b"\x00"), codec)
            elif kind == _ATTACH_DATA:
                current.data = body
            else:
                _attachment_props(body, current, codec)
        elif kind == _SUBJECT:
            walker.text(node.at("主题"), charset.decode(body.rstrip(b"\x00"), codec))
        elif kind == _BODY:
            walker.text(node.at("正文"), charset.decode(body.rstrip(b"\x00"), codec))
        elif kind == _MSG_PROPS:
            _message_props(body, node, walker, codec)
    if len(attachments) > walker.limits.max_members:
        raise Unreadable(UnscannableReason.LIMIT_MEMBERS, "TNEF 附件过多")
    seen: dict[str, int] = {}
    for count, item in enumerate(attachments, start=1):
        name = item.title or f"附件{count}"
        seen[name] = seen.get(name, 0) + 1
        label = f"附件 {name}" if seen[name] == 1 else f"附件 {name} ({seen[name]})"
        walker.text(node.at(f"{label} › 文件名"), name)
        walker.document(item.data, name, node.at(label), node.depth + 1)


def _message_props(blob: bytes, node: Node, walker: Walker, codec: str) -> None:
    for prop in mapi.properties(blob):
        if not prop.values:
            continue
        if prop.id == _PR_SUBJECT and prop.type in (mapi.STRING8, mapi.UNICODE):
            walker.text(node.at("主题"), mapi.text(prop, codec))
        elif prop.id == _PR_BODY and prop.type in (mapi.STRING8, mapi.UNICODE):
            walker.text(node.at("正文"), mapi.text(prop, codec))
        elif prop.id == _PR_HTML:
            raw = prop.values[0]
            if prop.type == mapi.UNICODE:
                raw = raw.decode("utf-16-le", "replace").encode()
            walker.text(node.at("正文（HTML）"), html_to_text(decode_html(raw, None)))
        elif prop.id == _PR_RTF_COMPRESSED and prop.type == mapi.BINARY:
            cap = walker.limits.max_expanded_bytes - walker.expanded
            rtf = lzfu.decompress(prop.values[0], cap)
            walker.add_expanded(len(rtf))
            walker.text(node.at("正文（RTF）"), rtf_to_text(rtf))


def _attachment_props(blob: bytes, item: _Attachment, codec: str) -> None:
    for prop in mapi.properties(blob):
        if not prop.values:
            continue
        if prop.id == _PR_ATTACH_LONG_FILENAME and prop.type in (mapi.STRING8, mapi.UNICODE):
            item.title = mapi.text(prop, codec) or item.title
        elif prop.id in (_PR_ATTACH_FILENAME, _PR_DISPLAY_NAME) and not item.title:
            if prop.type in (mapi.STRING8, mapi.UNICODE):
                item.title = mapi.text(prop, codec)
        elif prop.id == _PR_ATTACH_DATA:
            # an object value starts with the interface id (16 bytes); an embedded message is a
            # TNEF stream, other objects a compound file — both are read as nested documents
            value = prop.values[0]
            item.data = value[16:] if prop.type == mapi.OBJECT else value
