"""Pictures of documents for the OCR tests, drawn here with a CJK font (no committed pixels).

``page()`` is a red-header document page at 150 dpi: the marking top-left, a red title and rule,
then the land plan's title and a line of body text, at fixed places (``PLAN_BOX``) so that a
test can look for the hit's box in a preview.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = [
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
]
FONT = next((f for f in FONTS if f.is_file()), None)

MARKING = "机密★10年"
PLAN = "关于某村征地拆迁补偿方案的请示"
BODY = "各乡镇人民政府：现将有关事项报告如下，请予审议。"
PAGE_SIZE = (1240, 1100)
#: where ``PLAN`` and ``BODY`` are drawn on the page, (left, top, right, bottom), generously
PLAN_BOX = (220, 360, 220 + 32 * len(PLAN), 360 + 40)
BODY_BOX = (90, 450, 90 + 32 * len(BODY), 450 + 40)


def page(scanned: bool = False, marking: str = MARKING) -> Image.Image:
    """A red-header document page at 150 dpi: marking top-left, red title, body text. (A
    secrecy marking makes the default tables *block* the mail; ``marking=""`` only holds it.)"""
    assert FONT is not None, "no CJK font: tests/system-deps.sh installs fonts-wqy-zenhei"
    image = Image.new("RGB", PAGE_SIZE, "white")
    draw = ImageDraw.Draw(image)
    draw.text((90, 70), marking, font=ImageFont.truetype(str(FONT), 34), fill="black")
    draw.text(
        (250, 180), "某某县人民政府文件", font=ImageFont.truetype(str(FONT), 64), fill=(200, 0, 0)
    )
    draw.line((90, 300, 1150, 300), fill=(200, 0, 0), width=4)
    body = ImageFont.truetype(str(FONT), 32)
    draw.text(PLAN_BOX[:2], PLAN, font=body, fill="black")
    draw.text(BODY_BOX[:2], BODY, font=body, fill="black")
    if scanned:  # 150 dpi scan: slight rotation, noise, blur, JPEG q60 (by the caller)
        rng = random.Random(7)
        image = image.rotate(1.5, fillcolor="white", expand=False)
        pixels = image.load()
        assert pixels is not None
        for _ in range(6000):
            x, y = rng.randrange(image.width), rng.randrange(image.height)
            pixels[x, y] = (rng.randrange(256),) * 3
        image = image.filter(ImageFilter.GaussianBlur(0.6))
    return image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
