"""What the officer sees of one part: :class:`PartInfo`, filled in by the walker."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PartInfo"]


@dataclass(frozen=True, slots=True)
class PartInfo:
    """One MIME part or attachment (or archive member), as the officer sees it."""

    location: str  # "附件 资料.zip › 通报.docx"
    filename: str
    content_type: str  # detected by content, e.g. "application/vnd.openxmlformats-…"
    size: int
    sha256: str
    status: str  # "scanned" | "image" | "unscannable" | "empty"
    reason: str = ""  # the UnscannableReason when status == "unscannable"
