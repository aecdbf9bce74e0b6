"""The preview of one picture read by OCR: found again in the stored message, boxes drawn, PNG.

The officer asks to see a picture OCR read (``附件 扫描件.pdf › 第 3 页（图像识别）``). Nothing of
the picture was kept but its line boxes (:class:`~gateway.extract.ocr_page.OcrPage`), so the
stored message is walked again exactly as inspection walked it — same extractors, same limits,
same 150 dpi rendering of scanned PDF pages — with a :class:`~gateway.extract.walker.Walker` in
*capture* mode: no picture is read by OCR, the one at the asked location is kept and the walk
ends. The picture is then scaled to a bounded width, the boxes of the lines holding a hit are
drawn in red, and it is encoded afresh as PNG: the console never serves the sender's bytes.

This runs in the console's preview worker process (:mod:`gateway.console.preview`), under the
inspection workers' memory cap and deadline, never on the event loop.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from gateway.errors import ExtractionError
from gateway.extract.ocr_page import Quad
from gateway.settings import LimitSettings

__all__ = ["PreviewError", "error_picture", "render_preview"]

#: the preview's width at most, in pixels (an A4 scan at 150 dpi is 1240 wide)
MAX_WIDTH = 1000
RED = (255, 0, 0)
_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


class PreviewError(ExtractionError):
    """The picture cannot be shown; the message says why, in Chinese, for the officer."""


def capture(raw: bytes, location: str, limits: LimitSettings) -> Image.Image:
    """The picture (or rendered page) at ``location`` of the stored message ``raw``."""
    from gateway.extract import mime
    from gateway.extract.walker import DeadlineExceeded, Walker

    # the picture is wanted even where OCR is now off: it was read when the mail was held
    reading = limits.model_copy(update={"ocr": limits.ocr.model_copy(update={"enabled": True})})
    walker = Walker(reading, time.monotonic() + limits.timeout, capture=location)
    try:
        mime.walk_message(mime.parse(raw), walker, "", 0)
    except DeadlineExceeded:
        pass  # the walk ends this way once the picture is found (or the time is up)
    except (RecursionError, MemoryError) as exc:
        raise PreviewError(f"重新提取图片时资源耗尽（{type(exc).__name__}）") from exc
    except Exception as exc:  # the walk was done once already; anything else is a fault
        raise PreviewError(f"重新提取图片失败（{type(exc).__name__}）") from exc
    if walker.captured is None:
        if walker.deadline is not None and time.monotonic() > walker.deadline:
            raise PreviewError(f"重新提取图片超过 {limits.timeout:g} 秒")
        raise PreviewError("在原始邮件中找不到这张图片")
    image: Image.Image = walker.captured
    return image


def render_preview(
    raw: bytes,
    location: str,
    size: tuple[int, int],
    boxes: Sequence[Quad],
    limits: LimitSettings,
    max_width: int = MAX_WIDTH,
) -> bytes:
    """PNG bytes: the picture at ``location`` no wider than ``max_width``, each of ``boxes``
    (in the pixels of the picture OCR read, ``size``) marked by a red rectangle."""
    image = capture(raw, location, limits).convert("RGB")
    width, height = image.size
    # boxes are in the pixels OCR saw; the same walk renders the same size, but be exact
    sx = width / size[0] if size[0] > 0 else 1.0
    sy = height / size[1] if size[1] > 0 else 1.0
    scale = min(1.0, max_width / max(width, 1))
    if scale < 1.0:
        image = image.resize(
            (max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.LANCZOS
        )
    draw = ImageDraw.Draw(image)
    stroke = max(2, round(3 * max(scale, 0.5)))
    for box in boxes:
        xs = [x * sx * scale for x in box[0::2]]
        ys = [y * sy * scale for y in box[1::2]]
        pad = stroke + 1
        draw.rectangle(
            (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad),
            outline=RED,
            width=stroke,
        )
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")  # encoded here: no chunk, profile or metadata of the original
    return out.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | None:
    for path in _FONTS:
        if Path(path).is_file():
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return None


def error_picture(message: str) -> bytes | None:
    """A small PNG saying ``message`` (Chinese), or ``None`` when no CJK font is installed."""
    font = _font(20)
    if font is None:
        return None
    image = Image.new("RGB", (640, 90), (255, 248, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 639, 89), outline=(200, 150, 0), width=2)
    draw.text((16, 14), "无法显示图片预览", font=font, fill=(120, 70, 0))
    draw.text((16, 50), message[:30], font=font, fill=(60, 60, 60))
    return _png(image)
