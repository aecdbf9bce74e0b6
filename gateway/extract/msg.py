"""Outlook ``.msg`` ([MS-OXMSG]): subject, sender/recipient display names, plain and HTML body,
attachments (binary data and embedded messages), read from ``__substg1.0_<id><type>`` streams.

Non-Unicode messages (PT_STRING8, type ``001E``) take their charset from the file:
PR_INTERNET_CPID (0x3FDE) or PR_MESSAGE_CODEPAGE (0x3FFD) in ``__properties_version1.0``
(e.g. 950 = Big5 in the corpus's Chinese MSG). The compressed RTF body (0x1009, [MS-OXRTFCP])
is read when a message has no plain body.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from gateway.extract import charset, lzfu
from gateway.extract.html import decode_html, html_to_text
from gateway.extract.rtf import rtf_to_text
from gateway.extract.walker import Node, Walker

if TYPE_CHECKING:
    from gateway.extract.ole import Storage

_FIELDS = (
    ("0037", "主题"),
    ("0C1A", "发件人"),
    ("0042", "发件人"),
    ("0E04", "收件人"),
    ("0E03", "抄送"),
    ("1000", "正文"),
)
_PROPS = "__properties_version1.0"


def _codepage(storage: Storage, header: int) -> str:
    if not storage.has(_PROPS):
        return "cp1252"
    blob = storage.read(_PROPS)
    found: dict[int, int] = {}
    for pos in range(header, len(blob) - 15, 16):
        tag, _flags, value = struct.unpack_from("<IIi", blob, pos)
        if tag in (0x3FDE0003, 0x3FFD0003):
            found[tag] = value
    cp = found.get(0x3FDE0003) or found.get(0x3FFD0003)
    if cp == 65001:
        return "utf-8"
    return (charset.codec_for(f"cp{cp}") if cp else None) or "cp1252"


def _string(storage: Storage, prop: str, codec: str) -> str | None:
    names = storage.children()
    if f"__substg1.0_{prop}001F" in names:
        return (
            storage.read(f"__substg1.0_{prop}001F")
            .decode("utf-16-le", errors="replace")
            .rstrip("\x00")
        )
    if f"__substg1.0_{prop}001E" in names:
        raw = storage.read(f"__substg1.0_{prop}001E").rstrip(b"\x00")
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            return charset.decode(raw, codec)
    return None


def read_message(storage: Storage, node: Node, walker: Walker, header: int = 32) -> None:
    codec = _codepage(storage, header)
    seen: set[tuple[str, str]] = set()
    for prop, label in _FIELDS:
        value = _string(storage, prop, codec)
        if value and (label, value) not in seen:
            seen.add((label, value))
            walker.text(node.at(label), value)
    names = storage.children()
    has_body = bool(_string(storage, "1000", codec))
    if not has_body and "__substg1.0_10090102" in names:  # compressed RTF only
        cap = walker.limits.max_expanded_bytes - walker.expanded
        rtf = lzfu.decompress(storage.read("__substg1.0_10090102"), cap)
        walker.add_expanded(len(rtf))
        walker.text(node.at("正文（RTF）"), rtf_to_text(rtf))
    if "__substg1.0_10130102" in names or "__substg1.0_1013001F" in names:
        raw = (
            storage.read("__substg1.0_10130102")
            if "__substg1.0_10130102" in names
            else storage.read("__substg1.0_1013001F").decode("utf-16-le", "replace").encode()
        )
        if not has_body:
            walker.text(node.at("正文（HTML）"), html_to_text(decode_html(raw, codec)))
    seen_names: dict[str, int] = {}
    for name in sorted(n for n in names if n.startswith("__attach_version1.0_")):
        _attachment(storage.sub(name), node, walker, codec, seen_names)


def _attachment(
    storage: Storage, node: Node, walker: Walker, codec: str, seen: dict[str, int]
) -> None:
    codec = _codepage(storage, 8) if storage.has(_PROPS) else codec
    name = (
        _string(storage, "3707", codec)
        or _string(storage, "3704", codec)
        or _string(storage, "3001", codec)
        or "未命名附件"
    )
    seen[name] = seen.get(name, 0) + 1
    label = f"附件 {name}" if seen[name] == 1 else f"附件 {name} ({seen[name]})"
    location = node.at(label)
    walker.text(node.at(f"{label} › 文件名"), name)
    children = storage.children()
    if "__substg1.0_37010102" in children:
        walker.document(storage.read("__substg1.0_37010102"), name, location, node.depth + 1)
    elif "__substg1.0_3701000D" in children:
        from gateway.extract.ole import read_storage

        inner = storage.sub("__substg1.0_3701000D")
        walker.part(location, name, "application/vnd.ms-outlook", b"", "scanned")
        if node.depth + 1 > walker.limits.max_depth:
            from matchers.model import UnscannableReason

            walker.fail(
                location, UnscannableReason.LIMIT_DEPTH, f"嵌套超过 {walker.limits.max_depth} 层"
            )
            return
        if any(c.startswith("__substg1.0_") for c in inner.children()):
            read_message(inner, Node(location, name, node.depth + 1), walker, header=24)
        else:
            read_storage(inner, Node(location, name, node.depth + 1), walker)
