"""Inspection of one message: extraction + matching, off the event loop, fail closed.

(Interface fixed for the SMTP layer; the implementation lands with the extraction issue.)
"""

from __future__ import annotations

from dataclasses import dataclass

from matchers.model import Decision, Segment


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


@dataclass(frozen=True, slots=True)
class Inspection:
    decision: Decision
    parts: tuple[PartInfo, ...]
    segments: tuple[Segment, ...]
    subject: str
    message_id: str
    elapsed_ms: int
