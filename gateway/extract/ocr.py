"""Reading pictures of text: OCR with the PP-OCR models that ship inside rapidocr-onnxruntime.

Staff photograph and scan red-header documents; a picture of a page must be read like the page.
The engine (detection + recognition models on onnxruntime, one intra-op thread: the workers
are the parallelism) is built once per worker process — :func:`warm_up` at start-up — so the
first message does not pay for it. Nothing is downloaded: the models are files of the wheel.

Pictures are decoded with Pillow under a pixel limit (a decompression bomb is ``limit_size``),
only the first frame of an animation and every page of a TIFF are read, and a picture whose
shorter side is at most ``ocr.min_size`` pixels (icons, signatures, tracking pixels) is skipped
(:func:`~gateway.extract.ocr_formats.too_small`). Results are cached per worker by the sha256 of
the picture's pixels (:func:`fingerprint`), so a logo in every mail costs once.
Each line keeps its box (:class:`~gateway.extract.ocr_page.OcrLine`), so the console can mark
where a hit was read.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import numpy as np
from PIL import Image, ImageSequence

from gateway.extract.ocr_formats import too_small
from gateway.extract.ocr_page import MAX_LINES, OcrLine
from gateway.settings import OcrSettings

log = logging.getLogger(__name__)

__all__ = [
    "PictureError",
    "fingerprint",
    "legible",
    "pages_of",
    "read_image",
    "read_lines",
    "read_picture",
    "stated_size",
    "warm_up",
]

_ENGINE: Any = None
_CACHE: OrderedDict[str, tuple[OcrLine, ...]] = OrderedDict()
#: TIFF pages read from one file at most (each counts against ``ocr.max_pages`` too)
_MAX_FRAMES = 50


class PictureError(Exception):
    """The bytes are not a picture Pillow can decode, or one over the pixel limit."""

    def __init__(self, detail: str, bomb: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.bomb = bomb


def engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR

        _ENGINE = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    return _ENGINE


def warm_up() -> None:
    """Load the models now (worker start-up), not on the first picture."""
    engine()


def pages_of(data: bytes, settings: OcrSettings) -> Iterator[Image.Image]:
    """The picture's pages as RGB images: one for most formats, every page of a TIFF."""
    Image.MAX_IMAGE_PIXELS = settings.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > settings.max_pixels:
                raise PictureError(f"图片像素 {width}×{height} 超过上限", bomb=True)
            if image.format == "TIFF":
                frames = [
                    f.copy()
                    for _, f in zip(range(_MAX_FRAMES), ImageSequence.Iterator(image), strict=False)
                ]
            else:
                frames = [image]  # GIF, WebP, APNG: the first frame
            for frame in frames:
                yield _flatten(frame)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureError(f"图片像素超过上限：{exc}", bomb=True) from exc
    except PictureError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise PictureError(f"图片无法解码：{exc}") from exc


def stated_size(data: bytes) -> tuple[int, int]:
    """The picture's size from its header, nothing decoded; (0, 0) when it cannot be told."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                return int(width), int(height)
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError, EOFError):
        return 0, 0


def _flatten(frame: Image.Image) -> Image.Image:
    """RGB, with any transparency laid on white (a transparent PNG's text is dark on nothing;
    converted as is, its background would turn black and hide the text)."""
    if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return frame.convert("RGB")


def legible(image: Image.Image, settings: OcrSettings) -> bool:
    width, height = image.size
    return not too_small(width, height, settings.min_size)


def fingerprint(image: Image.Image) -> str:
    """The sha256 of an RGB page's size and pixels: the same picture file, or the same picture
    in another encoding, has the same fingerprint."""
    return hashlib.sha256(f"{image.size}".encode() + image.tobytes()).hexdigest()


def read_lines(
    image: Image.Image, settings: OcrSettings, key: str | None = None
) -> tuple[OcrLine, ...]:
    """The lines OCR finds in one page, top to bottom, each with its box in ``image``'s
    pixels; ``key`` is the page's :func:`fingerprint` when the caller has it already."""
    pixels = np.asarray(image)  # RGB; the engine takes OpenCV's BGR order
    key = key or fingerprint(image)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    found, _ = engine()(np.ascontiguousarray(pixels[:, :, ::-1]))  # no PNG round trip
    lines = tuple(
        OcrLine(str(item[1]), _quad(item[0]))
        for item in (found or ())[:MAX_LINES]
        if item and len(item) > 1
    )
    if settings.cache_size:
        _CACHE[key] = lines
        while len(_CACHE) > settings.cache_size:
            _CACHE.popitem(last=False)
    return lines


def _quad(points: Any) -> tuple[int, int, int, int, int, int, int, int]:
    """The detector's four corner points as eight integers (a missing corner repeats the last)."""
    corners = [(round(float(p[0])), round(float(p[1]))) for p in list(points)[:4]] or [(0, 0)]
    corners += [corners[-1]] * (4 - len(corners))
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    return (x0, y0, x1, y1, x2, y2, x3, y3)


def read_image(image: Image.Image, settings: OcrSettings) -> str:
    """The text OCR finds in one page, top to bottom, one line per detected line."""
    return "\n".join(line.text for line in read_lines(image, settings))


def read_picture(data: bytes, settings: OcrSettings) -> Iterator[tuple[Image.Image, str]]:
    """Each legible page of a picture file and its text (illegible ones are skipped)."""
    for page in pages_of(data, settings):
        if legible(page, settings):
            yield page, read_image(page, settings)
