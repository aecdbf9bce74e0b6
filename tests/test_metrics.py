"""Prometheus metrics: DESIGN's names, per-instance registries, and what one message counts."""

from __future__ import annotations

import urllib.request

from gateway.metrics import Metrics
from gateway.service import Gateway
from tests.fixtures_smtp import CLEAN_TEXT, SENSITIVE_TEXT, Sink, message, submit

NAMES = [
    "dlp_messages_total",
    "dlp_inspection_seconds_bucket",
    "dlp_findings_total",
    "dlp_unscannable_total",
    "dlp_relay_errors_total",
    "dlp_quarantine_pending",
    "dlp_quarantine_oldest_pending_seconds",
    "dlp_releases_total",
    "dlp_rejections_total",
    "dlp_scope_reloads_total",
    "dlp_scope_terms",
    "dlp_notify_failures_total",
]


def test_two_instances_do_not_share_counts() -> None:
    a, b = Metrics(), Metrics()
    a.messages_total.labels(verdict="pass").inc()
    a.findings_total.labels(category="land").inc()
    a.unscannable_total.labels(reason="encrypted").inc()
    a.relay_errors_total.labels(kind="temporary").inc()
    a.scope_reloads_total.labels(result="ok").inc()
    a.inspection_seconds.observe(0.01)
    body, content_type = a.render()
    text = body.decode()
    assert content_type.startswith("text/plain")
    for name in NAMES:
        assert f"\n{name}" in text, name
    assert 'dlp_messages_total{verdict="pass"} 1.0' in text
    assert 'dlp_messages_total{verdict="pass"}' not in b.render()[0].decode()


async def test_console_serves_the_gateway_metrics(smtp_gateway: Gateway, upstream: Sink) -> None:
    await submit(smtp_gateway.smtp_port, "a@example.gov.cn", ["b@example.com"], message(CLEAN_TEXT))
    await submit(
        smtp_gateway.smtp_port, "a@example.gov.cn", ["b@example.com"], message(SENSITIVE_TEXT)
    )
    await smtp_gateway.wait_background()

    url = f"http://127.0.0.1:{smtp_gateway.console_port}/metrics"

    def fetch() -> str:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode())

    import asyncio

    text = await asyncio.to_thread(fetch)
    assert 'dlp_messages_total{verdict="pass"} 1.0' in text
    assert 'dlp_messages_total{verdict="quarantine"} 1.0' in text
    assert 'dlp_findings_total{category="land"} 1.0' in text
    assert "dlp_inspection_seconds_count 2.0" in text
