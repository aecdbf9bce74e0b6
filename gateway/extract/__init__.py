"""Extraction: the text of every part of a message or document, and what could not be read.

Public entry points::

    extract_message(raw, limits, deadline=None) -> Extracted   # an RFC 5322 message
    extract_document(data, name, limits, deadline=None) -> Extracted  # any single file

Modules: :mod:`.walker` (limits, dispatch, results), :mod:`.detect` (type by content),
:mod:`.registry` (extractors by type), :mod:`.charset`, :mod:`.xmltext` (safe XML),
:mod:`.zipread` (zip members under limits), and one module per format family — :mod:`.mime`,
:mod:`.text`, :mod:`.html`, :mod:`.ooxml`, :mod:`.odf`, :mod:`.pdf`, :mod:`.rtf`, :mod:`.ole`
(compound files and embedded objects) with :mod:`.ole_word`, :mod:`.ole_excel`, :mod:`.ole_ppt`,
:mod:`.cms` (S/MIME signatures), :mod:`.msg`, :mod:`.tnef` with :mod:`.mapi` and :mod:`.lzfu`, :mod:`.archive`, :mod:`.rar`.
Everything happens in memory; no member name is ever used as a path.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

# Importing the format modules fills the registry.
from gateway.extract import (  # noqa: F401
    archive,
    cms,
    html,
    mime,
    msg,
    odf,
    ole,
    ooxml,
    pdf,
    rar,
    rtf,
    text,
    tnef,
)
from gateway.extract.ocr_page import OcrPage
from gateway.extract.part import PartInfo
from gateway.extract.walker import DeadlineExceeded, Walker
from gateway.settings import LimitSettings
from matchers.model import Segment, Unscannable, UnscannableReason

__all__ = ["Extracted", "extract_document", "extract_message"]


@dataclass(frozen=True, slots=True)
class Extracted:
    segments: tuple[Segment, ...]
    parts: tuple[PartInfo, ...]
    unscannable: tuple[Unscannable, ...]
    subject: str = ""
    message_id: str = ""
    pictures: tuple[OcrPage, ...] = ()  # what OCR read, line by line with boxes


def _deadline(limits: LimitSettings, deadline: float | None) -> float:
    return deadline if deadline is not None else time.monotonic() + limits.timeout


def extract_message(raw: bytes, limits: LimitSettings, deadline: float | None = None) -> Extracted:
    walker = Walker(limits, _deadline(limits, deadline))
    subject = message_id = ""
    try:
        info = mime.walk_message(mime.parse(raw), walker, "", 0)
        subject, message_id = info.subject, info.message_id
    except DeadlineExceeded as exc:
        walker.fail("邮件", UnscannableReason.TIMEOUT, str(exc))
    except (RecursionError, MemoryError) as exc:
        walker.fail("邮件", UnscannableReason.LIMIT_SIZE, f"资源耗尽：{type(exc).__name__}")
    except Exception as exc:  # the stdlib parser or header decoding gave up: hold, never crash
        walker.fail("邮件", UnscannableReason.CORRUPT, f"邮件无法解析：{type(exc).__name__}")
    if walker.unscannable and not (subject or message_id):
        subject, message_id = mime.headline(raw)
    return _result(walker, subject, message_id)


def extract_document(
    data: bytes, name: str, limits: LimitSettings, deadline: float | None = None
) -> Extracted:
    walker = Walker(limits, _deadline(limits, deadline))
    try:
        walker.document(data, name, name, 0)
    except DeadlineExceeded as exc:
        walker.fail(name, UnscannableReason.TIMEOUT, str(exc))
    return _result(walker, "", "")


def _result(walker: Walker, subject: str, message_id: str) -> Extracted:
    return Extracted(
        segments=tuple(walker.segments),
        parts=tuple(walker.parts),
        unscannable=tuple(walker.unscannable),
        subject=subject,
        message_id=message_id,
        pictures=tuple(walker.pictures),
    )
