"""S/MIME signatures (CMS SignedData, RFC 5652 §5): a detached signature carries no content;
an opaque one wraps the signed MIME entity in ``eContent``, which is unpacked and read.

Only the DER/BER needed to reach ``encapContentInfo`` is parsed: the id-data OID
(1.2.840.113549.1.7.1) followed by ``[0]`` holding an OCTET STRING, primitive or constructed
(BER indefinite length, as Outlook writes it).
"""

from __future__ import annotations

from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Unreadable, Walker
from matchers.model import UnscannableReason

_ID_DATA = bytes.fromhex("06092a864886f70d010701")
_MAX_CHUNKS = 100_000


def _length(data: bytes, pos: int) -> tuple[int | None, int]:
    """(length or None for indefinite, position after the length octets)."""
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count == 0:
        return None, pos + 1
    return int.from_bytes(data[pos + 1 : pos + 1 + count], "big"), pos + 1 + count


def _octets(data: bytes, pos: int) -> bytes:
    tag = data[pos]
    length, pos = _length(data, pos + 1)
    if tag == 0x04:  # primitive OCTET STRING
        if length is None:
            raise ValueError("indefinite primitive")
        return data[pos : pos + length]
    if tag != 0x24:  # constructed OCTET STRING: a sequence of chunks
        raise ValueError(f"unexpected tag {tag:#x}")
    out = bytearray()
    end = len(data) if length is None else pos + length
    for _ in range(_MAX_CHUNKS):
        if pos >= end or data[pos : pos + 2] == b"\x00\x00":
            break
        chunk_length, pos = _length(data, pos + 1)
        if chunk_length is None:
            raise ValueError("nested indefinite chunk")
        out += data[pos : pos + chunk_length]
        pos += chunk_length
    return bytes(out)


def signed_content(data: bytes) -> bytes | None:
    """The wrapped content of an opaque signature, or ``None`` for a detached one."""
    at = data.find(_ID_DATA, 0, 512)
    if at < 0:
        raise ValueError("no id-data content type")
    pos = at + len(_ID_DATA)
    if data[pos : pos + 1] != b"\xa0":
        return None
    _, pos = _length(data, pos + 1)
    return _octets(data, pos)


@extractor(Kind.SIGNATURE)
def extract_signature(data: bytes, node: Node, walker: Walker) -> None:
    try:
        content = signed_content(data)
    except (ValueError, IndexError) as exc:
        raise Unreadable(
            UnscannableReason.UNSUPPORTED, f"无法解析的 S/MIME 签名数据：{exc}"
        ) from exc
    if content is None:
        return  # detached: the signed part is read where it sits in the message
    walker.add_expanded(len(content))
    walker.document(content, "签名内容", node.at("签名内容"), node.depth + 1)
