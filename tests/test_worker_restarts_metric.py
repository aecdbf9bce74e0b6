"""``dlp_worker_restarts_total`` (alert DlpWorkerRestarts): a worker that dies is replaced and
counted, and the count reaches the gateway's /metrics exposition."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gateway.inspection import Inspector
from gateway.metrics import Metrics
from gateway.settings import LimitSettings
from tests.fixtures_extract import CRASH
from tests.support.messages import multipart_message as message

HOOK = "tests.fixtures_extract:install_hostile_extractors"


async def test_a_crashed_worker_is_counted_as_a_restart(scope_dir: Path) -> None:
    metrics = Metrics()
    inspector = Inspector(scope_dir, LimitSettings(workers=1), worker_init=HOOK)
    inspector.on_worker_restart = metrics.worker_restarts_total.inc
    await inspector.start()
    try:
        await asyncio.wait_for(inspector.inspect(message(attachments=[("a.txt", CRASH)])), 60)
        await asyncio.wait_for(inspector.inspect(message(attachments=[("b.txt", CRASH)])), 60)
        assert inspector.workers_alive == (1, 1)  # replaced each time
    finally:
        await inspector.close()
    body = metrics.render()[0].decode()
    assert "dlp_worker_restarts_total 2.0" in body
