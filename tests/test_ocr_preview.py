"""The officer sees what OCR read: the case page shows the picture with the hit's line boxed.

A scanned page (drawn here with a CJK font) is held over real SMTP by the real gateway (real
OCR in its worker); the console, served by the same gateway, re-renders the picture from the
stored message as a fresh PNG with a red rectangle round the hit's line. Checked over HTTP and
in a real browser (chromium).
"""

from __future__ import annotations

import asyncio
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from PIL import Image

from gateway.extract.ocr_page import OcrLine, OcrPage, hit_lines
from gateway.extract.preview import PreviewError, render_preview
from gateway.service import Gateway
from gateway.settings import LimitSettings
from gateway.store import audit
from gateway.store.models import Case
from tests.fixtures_console import PASSWORD, add_officers, csrf_of, sign_in
from tests.fixtures_smtp import GatewayFactory, Sink, make_settings, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.messages import message
from tests.support.pictures import BODY_BOX, FONT, PAGE_SIZE, PLAN_BOX, encoded, page

if FONT is None:
    if os.environ.get("DLP_TEST_REQUIRE_SYSTEM"):
        raise RuntimeError("no CJK font: tests/system-deps.sh installs fonts-wqy-zenhei")
    pytest.skip("no CJK font (fonts-wqy-zenhei)", allow_module_level=True)

IMG = re.compile(r'<img src="(/cases/[^"]+/preview/\d+\.png)" alt="([^"]*)"')


@pytest.fixture(scope="module")
def scan() -> bytes:
    """A scan of the land plan (no secrecy marking: that would block, not hold, the mail)."""
    return encoded(page(scanned=True, marking=""), "JPEG", quality=60)


def red_pixels(picture: Image.Image, box: tuple[float, float, float, float]) -> int:
    """Pure red pixels (the preview's marking; the page's own red is (200, 0, 0)) in ``box``."""
    left, top, right, bottom = (round(v) for v in box)
    region = np.asarray(picture.convert("RGB").crop((left, top, right, bottom))).astype(int)
    red, green, blue = region[..., 0], region[..., 1], region[..., 2]
    return int(((red >= 240) & (green <= 30) & (blue <= 30)).sum())


def around(box: tuple[int, int, int, int], scale: float, margin: int = 12) -> tuple[float, ...]:
    left, top, right, bottom = box
    return (
        left * scale - margin,
        top * scale - margin,
        right * scale + margin,
        bottom * scale + margin,
    )


# -- without OCR: the walk finds the picture again, boxes are drawn, bytes are fresh -----------


def test_a_hit_across_a_line_break_marks_both_lines() -> None:
    square = (0, 0, 10, 0, 10, 10, 0, 10)
    lines = (
        OcrLine("机密★10年", square),
        OcrLine("某村征地拆迁", square),
        OcrLine("补偿方案", square),
    )
    text = "机密★10年\n某村征地拆迁\n补偿方案"
    start = text.index("征地")
    assert hit_lines(OcrPage("x", 10, 10, lines), text, [(start, len(text))]) == [1, 2]
    assert hit_lines(OcrPage("x", 10, 10, lines), text, [(0, 2)]) == [0]


def test_a_scanned_pdf_page_is_found_again_and_marked_in_a_fresh_png() -> None:
    pdf = encoded(page(), "PDF", resolution=150)
    raw = message("请查收。", attachment=("扫描件.pdf", pdf, "application/pdf"))
    where = "附件 扫描件.pdf › 第 1 页（图像识别）"
    quad = (
        PLAN_BOX[0],
        PLAN_BOX[1],
        PLAN_BOX[2],
        PLAN_BOX[1],
        *PLAN_BOX[2:],
        PLAN_BOX[0],
        PLAN_BOX[3],
    )
    png = render_preview(raw, where, PAGE_SIZE, [quad], LimitSettings())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    preview = Image.open(io.BytesIO(png))
    assert preview.width == 1000  # bounded; the page rendered at 150 dpi is ~1240 wide
    scale = preview.width / PAGE_SIZE[0]
    assert red_pixels(preview, around(PLAN_BOX, scale)) > 500
    assert red_pixels(preview, around(BODY_BOX, scale, 0)) == 0
    with pytest.raises(PreviewError, match="找不到"):
        render_preview(raw, "附件 扫描件.pdf › 第 2 页（图像识别）", PAGE_SIZE, [], LimitSettings())


# -- over SMTP, with real OCR, through the console ---------------------------------------------


@dataclass
class Held:
    gateway: Gateway
    case_id: str
    base: str


async def hold(
    start_gateway: GatewayFactory,
    upstream: Sink,
    tmp_path: Path,
    scan: bytes,
    attachment: tuple[str, str] = ("扫描件.jpg", "image/jpeg"),
    **settings_: Any,
) -> Held:
    settings = make_settings(tmp_path, upstream.port, **settings_)
    gateway = await start_gateway(settings, console_port=0)
    assert gateway.sessionmaker is not None
    await add_officers(gateway.sessionmaker, settings)
    name, mime = attachment
    raw = message("请查收附件。", attachment=(name, scan, mime))
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], raw)
    assert answer.text.startswith("2.6.0 held for review as "), answer
    await gateway.wait_background()
    assert upstream.to(EXTERNAL) == []
    return Held(gateway, answer.text.rsplit(" ", 1)[-1], f"http://127.0.0.1:{gateway.console_port}")


def get(http: requests.Session | None, url: str) -> requests.Response:
    if http is None:
        return requests.get(url, timeout=60, allow_redirects=False)
    return http.get(url, timeout=60, allow_redirects=False)


@pytest.mark.slow
async def test_the_case_page_shows_the_picture_with_the_hit_boxed_in_red(
    start_gateway: GatewayFactory, upstream: Sink, tmp_path: Path, scan: bytes
) -> None:
    # content is purged once a decided case is older than retain_days (here: at once)
    held = await hold(start_gateway, upstream, tmp_path, scan, quarantine={"retain_days": 1e-6})
    officer = await asyncio.to_thread(sign_in, held.base, "shen")
    case_page = await asyncio.to_thread(get, officer, f"{held.base}/cases/{held.case_id}")
    found = IMG.search(case_page.text)
    assert found, case_page.text[-3000:]
    src, alt = found.groups()
    assert "附件 扫描件.jpg 的图像预览" in alt and "红框" in alt

    reply = await asyncio.to_thread(get, officer, held.base + src)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "image/png"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.content.startswith(b"\x89PNG\r\n\x1a\n") and reply.content != scan
    preview = Image.open(io.BytesIO(reply.content))
    assert preview.format == "PNG" and preview.width <= 1000
    scale = preview.width / PAGE_SIZE[0]
    assert red_pixels(preview, around(PLAN_BOX, scale)) > 300  # the land plan's line
    assert red_pixels(preview, around(BODY_BOX, scale, -4)) == 0  # no hit in the body line
    original = Image.open(io.BytesIO(scan))
    assert red_pixels(original, around(PLAN_BOX, 1.0)) == 0

    from gateway.console.preview import RENDERER

    assert RENDERER._worker is not None
    RENDERER._worker.process.kill()  # a preview worker that died is replaced, not reused
    again = await asyncio.to_thread(get, officer, held.base + src)
    assert again.status_code == 200 and again.content == reply.content

    assert held.gateway.sessionmaker is not None
    entries, _ = await audit.list_entries(held.gateway.sessionmaker, actor="shen", action="preview")
    assert [e.target for e in entries] == [held.case_id] * 2

    anonymous = await asyncio.to_thread(get, None, held.base + src)
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
    auditor = await asyncio.to_thread(sign_in, held.base, "auditor")
    refused = await asyncio.to_thread(get, auditor, held.base + src)
    assert refused.status_code == 403 and not refused.content.startswith(b"\x89PNG")
    missing = await asyncio.to_thread(
        get, officer, f"{held.base}/cases/{held.case_id}/preview/7.png"
    )
    assert missing.status_code == 404 and missing.headers["content-type"] == "image/png"

    # rejected, then purged: the preview says so, and the lines OCR read are gone with the text
    rejected = await asyncio.to_thread(
        officer.post,
        f"{held.base}/cases/{held.case_id}/action",
        data={"csrf_token": csrf_of(case_page.text), "action": "reject", "reason": "含征地方案"},
        timeout=60,
    )
    assert rejected.status_code == 200
    await asyncio.sleep(0.2)
    await held.gateway.review.expire_and_purge()  # (or the gateway's own periodic run did)
    purged = await asyncio.to_thread(get, officer, held.base + src)
    assert purged.status_code == 410 and purged.headers["content-type"] == "image/png"
    async with held.gateway.sessionmaker() as session:
        case = await session.get(Case, held.case_id)
        assert case is not None and not case.ocr_pages and case.raw is None


def mixed_pdf() -> bytes:
    """A real text PDF (LibreOffice) with a scanned page appended: page 2 has no text layer."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(
        (Path(__file__).parent / "data/extract/lo-notice.pdf").read_bytes()
    )
    document.import_pages(pdfium.PdfDocument(encoded(page(marking=""), "PDF", resolution=150)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.slow
async def test_the_scanned_page_of_a_mixed_pdf_is_previewed_with_its_hit_boxed(
    start_gateway: GatewayFactory, upstream: Sink, tmp_path: Path
) -> None:
    held = await hold(
        start_gateway, upstream, tmp_path, mixed_pdf(), ("报告.pdf", "application/pdf")
    )
    officer = await asyncio.to_thread(sign_in, held.base, "li")
    case_page = await asyncio.to_thread(get, officer, f"{held.base}/cases/{held.case_id}")
    found = IMG.search(case_page.text)
    assert found and "附件 报告.pdf › 第 2 页 的图像预览" in found.group(2), case_page.text[-2000:]
    reply = await asyncio.to_thread(get, officer, held.base + found.group(1))
    preview = Image.open(io.BytesIO(reply.content))
    scale = preview.width / PAGE_SIZE[0]  # pdfium renders the page at 150 dpi again
    assert red_pixels(preview, around(PLAN_BOX, scale)) > 300
    assert red_pixels(preview, around(BODY_BOX, scale, -4)) == 0


@pytest.mark.slow
@pytest.mark.browser
async def test_in_a_browser_the_preview_loads_under_the_text_ocr_read(
    start_gateway: GatewayFactory, upstream: Sink, tmp_path: Path, scan: bytes
) -> None:
    from playwright.async_api import async_playwright

    from tests.conftest import require_tool

    require_tool("/usr/bin/chromium", "the console's browser tests")
    held = await hold(start_gateway, upstream, tmp_path, scan)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page_ = await browser.new_page(locale="zh-CN")
            await page_.goto(f"{held.base}/login?next=/cases/{held.case_id}")
            await page_.fill("input[name=name]", "li")
            await page_.fill("input[name=password]", PASSWORD)
            await page_.click("button[type=submit]")
            picture = page_.locator("figure.ocr-preview img")
            await picture.scroll_into_view_if_needed()
            await page_.wait_for_function(
                "() => { const i = document.querySelector('figure.ocr-preview img');"
                " return i && i.complete && i.naturalWidth > 0; }",
                timeout=60_000,
            )
            assert await picture.evaluate("i => i.naturalWidth") > 500
            assert "红框" in (await picture.get_attribute("alt") or "")
        finally:
            await browser.close()
