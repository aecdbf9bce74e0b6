"""The per-message log line: one logfmt line with ids and timings, never the secret itself."""

from __future__ import annotations

import io
import logging

import pytest

from gateway.logs import LogfmtFormatter, setup_logging
from gateway.service import Gateway
from tests.fixtures_smtp import SENSITIVE_TEXT, Sink, message, submit


async def test_one_line_per_message_without_matched_text(
    smtp_gateway: Gateway, upstream: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="dlp_gateway.message")
    raw = message(SENSITIVE_TEXT, subject="征地拆迁补偿方案（送审稿）")
    answer = await submit(
        smtp_gateway.smtp_port, "zhang.san@example.gov.cn", ["p@example.com"], raw
    )
    case_id = answer.text.rsplit(" ", 1)[1]

    [record] = [r for r in caplog.records if r.name == "dlp_gateway.message"]
    line = LogfmtFormatter().format(record)
    assert "\n" not in line
    assert f"case={case_id}" in line and "verdict=quarantine" in line
    assert "categories=land" in line and "reply=250" in line
    assert "from=zhang.san@example.gov.cn" in line and "client=127.0.0.1" in line
    assert "征地" not in line and "补偿" not in line  # neither body nor subject text


def test_logfmt_quotes_what_needs_quoting() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    setup_logging("INFO", stream)
    try:
        logging.getLogger("dlp_gateway.test").info(
            "scope reloaded", extra={"trigger": "file change", "ids": ["a", "b"], "n": 3}
        )
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    line = stream.getvalue().strip()
    assert line.endswith(
        'level=info logger=dlp_gateway.test msg="scope reloaded" trigger="file change" ids=a,b n=3'
    )
    assert line.startswith("ts=") and "Z level=" in line
