"""Plain text and CSV documents in any charset."""

from __future__ import annotations

from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Unreadable, Walker
from matchers.model import UnscannableReason


@extractor(Kind.TEXT)
def extract_text(data: bytes, node: Node, walker: Walker) -> None:
    walker.texts(node.location or "正文", data, node.charset or None)


@extractor(Kind.PGP)
def extract_pgp(data: bytes, node: Node, walker: Walker) -> None:
    raise Unreadable(UnscannableReason.ENCRYPTED, "PGP/S/MIME 加密内容，无法检查")
