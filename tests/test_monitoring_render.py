"""docs/monitoring.md's picture: the dashboard's panels over a real test gateway's metrics,
rendered by chromium. Set ``DLP_UPDATE_SCREENSHOTS=1`` to rewrite docs/monitoring-dashboard.png."""

from __future__ import annotations

import asyncio
import os
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, require_tool
from tests.fixtures_smtp import (
    CLEAN_TEXT,
    SECRET_TEXT,
    SENSITIVE_TEXT,
    GatewayFactory,
    Sink,
    make_settings,
    message,
    submit,
)
from tests.support.dashboard import evaluate, parse, render

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"


def _screenshot(page_html: Path, png: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_browser_console import ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            page.goto(page_html.as_uri())
            page.screenshot(path=str(png), full_page=True)
        finally:
            browser.close()


async def test_dashboard_panels_over_a_test_runs_metrics(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    require_tool(CHROMIUM, "renders the dashboard picture")
    gateway = await start_gateway(make_settings(tmp_path, upstream.port), console_port=0)
    sender = "zhang.san@example.gov.cn"
    answers = []
    for text, to in [
        (CLEAN_TEXT, "a@example.com"),
        (CLEAN_TEXT, "b@example.com"),
        (CLEAN_TEXT, "c@example.com"),
        (SENSITIVE_TEXT, "d@example.com"),
        (SENSITIVE_TEXT, "e@example.com"),
        (SECRET_TEXT, "f@example.com"),
    ]:
        answers.append((await submit(gateway.smtp_port, sender, [to], message(text, to=to))).code)
    assert answers == [250, 250, 250, 250, 250, 550]
    await asyncio.sleep(1.5)  # the held cases have waited a little
    assert gateway.review is not None
    await gateway.review.refresh_gauges()  # what the housekeeping job does every few minutes

    def scrape() -> str:
        url = f"http://127.0.0.1:{gateway.console_port}/metrics"
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode())

    exposition = await asyncio.to_thread(scrape)
    samples = parse(exposition)
    verdicts = evaluate("sum by (verdict) (rate(dlp_messages_total[5m]))", samples)
    assert verdicts == {"pass": 3, "quarantine": 2, "reject": 1}, verdicts
    assert evaluate("max(dlp_quarantine_pending)", samples) == {"": 2}
    assert evaluate("max(dlp_quarantine_oldest_pending_seconds)", samples)[""] >= 1

    page_html = tmp_path / "dashboard.html"
    page_html.write_text(render(ROOT / "deploy" / "grafana-dashboard.json", exposition))
    out = ROOT / "docs" if os.environ.get("DLP_UPDATE_SCREENSHOTS") == "1" else tmp_path
    png = out / "monitoring-dashboard.png"
    await asyncio.to_thread(_screenshot, page_html, png)
    assert png.stat().st_size > 20_000
    text = page_html.read_text()
    assert "每分钟邮件（按结论）" in text and "并非 Grafana 截图" in text
