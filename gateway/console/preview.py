"""Previews of the pictures OCR read, with the hit's box marked: ``/cases/{id}/preview/{n}.png``.

The case page shows, under the text OCR read from a picture or scanned page, that picture with
a red rectangle round each line holding a hit. The picture itself was never stored: the stored
message is walked again in a *preview worker* — a separate process under the inspection
workers' memory cap (``limits.memory_mb``), killed when it overruns ``limits.timeout`` — which
finds the picture, scales it to at most 1000 pixels wide, draws the boxes and encodes a fresh
PNG (:mod:`gateway.extract.preview`). The sender's own bytes are never served, nothing of it
runs on the event loop, and one hostile file cannot take the console down with it.

Each preview is audited (``preview``) like the case page, under the same rules: a signed-in
officer who did not send the mail. A preview that cannot be made answers with a small picture
saying why, in Chinese (plain text when no CJK font is installed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gateway.console.auth import OFFICERS, actor, console, require_role, signed_in
from gateway.extract.ocr_page import OcrPage, Quad, hit_lines
from gateway.extract.preview import PreviewError, error_picture
from gateway.settings import LimitSettings
from gateway.store.records import CaseRecord, case_record

__all__ = ["Preview", "previews", "router"]

log = logging.getLogger(__name__)
router: APIRouter = APIRouter(include_in_schema=False)

_STARTUP_SECONDS = 60.0
_GRACE = 5.0  # the worker ends its own walk at limits.timeout; killed if silent after this


# -- what the case page shows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preview:
    """One picture's preview on the case page."""

    number: int  # its place in ``ocr_pages``: the URL's ``{n}``
    hits: int  # lines with a hit, boxed in red
    alt: str


def hit_boxes(record: CaseRecord, page: OcrPage) -> list[Quad]:
    """The boxes of ``page``'s lines holding a hit (the findings at its segment)."""
    text = next((s.text for s in record.segments if s.location == page.location), "")
    spans = [(f.start, f.end) for f in record.findings if f.location == page.location]
    return [page.lines[n].box for n in hit_lines(page, text, spans)]


def previews(record: CaseRecord) -> dict[str, Preview]:
    """Segment location → its picture's preview, for every picture OCR read in the case."""
    out: dict[str, Preview] = {}
    for number, page in enumerate(record.ocr_pages):
        if page.location in out:
            continue  # the same location twice: the walk finds the first
        hits = len(hit_boxes(record, page))
        where = page.location.removesuffix("（图像识别）")
        alt = (
            f"{where} 的图像预览，红框标出 {hits} 行命中文字"
            if hits
            else f"{where} 的图像预览（无命中）"
        )
        out[page.location] = Preview(number, hits, alt)
    return out


# -- the route ---------------------------------------------------------------------------------


def _refusal(message: str, status: int) -> Response:
    picture = error_picture(message)
    if picture is None:
        return Response(f"无法显示图片预览：{message}", status, media_type="text/plain")
    return Response(picture, status, media_type="image/png")


@router.get("/cases/{case_id}/preview/{number}.png")
async def picture_preview(request: Request, case_id: str, number: int) -> Response:
    info = await signed_in(request)
    require_role(info, OFFICERS)
    ctx = console(request)
    case = await ctx.review.view_picture(case_id, actor(request, info), number)
    record = case_record(case)
    if case.raw is None:
        return _refusal("原始邮件已按保存期限清除", 410)
    if not 0 <= number < len(record.ocr_pages):
        return _refusal("此案件没有这张识别图片", 404)
    page = record.ocr_pages[number]
    try:
        png = await RENDERER.render(
            case.raw,
            page.location,
            (page.width, page.height),
            hit_boxes(record, page),
            ctx.settings.limits,
        )
    except PreviewError as exc:
        log.warning("preview of %s picture %d: %s", case_id, number, exc)
        return _refusal(str(exc), 503)
    return Response(
        png,
        media_type="image/png",
        headers={"x-content-type-options": "nosniff", "content-disposition": "inline"},
    )


# -- the preview worker ------------------------------------------------------------------------


def _serve(conn: multiprocessing.connection.Connection, memory_mb: int) -> None:
    """Body of the preview worker: cap memory like an inspection worker, then render requests
    until the pipe closes. Every answer is ``("ok", png)`` or ``("error", reason)``."""
    import resource

    cap = memory_mb * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    import gateway.extract  # noqa: F401  (the extractors' registry)
    from gateway.extract.preview import render_preview

    conn.send(("ready", b""))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", render_preview(*request)))
        except PreviewError as exc:
            conn.send(("error", str(exc)))
        except MemoryError:
            conn.send(("error", "生成预览时内存超过上限"))
            return
        except Exception as exc:
            conn.send(("error", f"生成预览失败（{type(exc).__name__}）"))


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_serve, args=(child, memory_mb), daemon=True, name="dlp-preview"
        )
        self.process.start()
        child.close()
        self.ready = False

    def call(self, request: tuple[Any, ...], timeout: float) -> tuple[str, Any]:
        if not self.ready:
            if not self.conn.poll(_STARTUP_SECONDS):
                return "dead", "预览进程未能启动"
            self.ready = self.conn.recv()[0] == "ready"
        self.conn.send(request)
        if not self.conn.poll(timeout):
            return "dead", f"生成预览超过 {timeout:g} 秒，已终止"
        kind, value = self.conn.recv()
        return str(kind), value

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class Renderer:
    """One preview worker per console process, started on first use, one preview at a time
    (a case page asks for its pictures in parallel; they queue, bounded by ``limits.timeout``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._worker: _Worker | None = None

    async def render(
        self,
        raw: bytes,
        location: str,
        size: tuple[int, int],
        boxes: Sequence[Quad],
        limits: LimitSettings,
    ) -> bytes:
        request = (raw, location, size, tuple(boxes), limits)
        return await asyncio.to_thread(self._render, request, limits)

    def _render(self, request: tuple[Any, ...], limits: LimitSettings) -> bytes:
        if not self._lock.acquire(timeout=limits.timeout + _GRACE):
            raise PreviewError("预览繁忙，请稍后刷新")
        try:
            kind, value = self._attempt(request, limits)
            if kind == "died":  # it had died since the last preview (the memory cap): once more
                kind, value = self._attempt(request, limits)
            if kind != "ok":
                raise PreviewError(str(value))
            return bytes(value)
        finally:
            self._lock.release()

    def _attempt(self, request: tuple[Any, ...], limits: LimitSettings) -> tuple[str, Any]:
        """One try on the worker (started if need be); a worker that failed is replaced next
        time. ``("died", …)`` when the pipe broke: the request may not have been seen."""
        if self._worker is None:
            self._worker = _Worker(limits.memory_mb)
        try:
            kind, value = self._worker.call(request, limits.timeout + _GRACE)
        except (EOFError, OSError):
            kind, value = "died", "预览进程异常退出"
        if kind in ("dead", "died") or not self._worker.process.is_alive():
            self._worker.stop()
            self._worker = None
        return kind, value


RENDERER = Renderer()
