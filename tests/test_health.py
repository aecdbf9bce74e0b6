"""``/healthz`` and ``/readyz`` on the console port: what a load balancer or container runtime
sees, with no console session."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.fixtures_smtp import GatewayFactory, Sink, free_port, make_settings


def _get(port: int, path: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


async def test_ready_gateway_answers_200_with_every_check(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    gateway = await start_gateway(make_settings(tmp_path, upstream.port), console_port=0)
    assert await asyncio.to_thread(_get, gateway.console_port, "/healthz") == (
        200,
        {"status": "ok"},
    )
    status, body = await asyncio.to_thread(_get, gateway.console_port, "/readyz")
    assert status == 200, body
    assert body["ready"] is True
    assert set(body["checks"]) == {"store", "workers", "scope", "relay"}
    assert all(check["ok"] for check in body["checks"].values()), body


async def test_unreachable_relay_makes_it_not_ready_but_still_alive(
    tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    gateway = await start_gateway(make_settings(tmp_path, free_port()), console_port=0)
    status, body = await asyncio.to_thread(_get, gateway.console_port, "/readyz")
    assert status == 503
    assert body["ready"] is False
    assert body["checks"]["relay"]["ok"] is False
    assert "unreachable" in body["checks"]["relay"]["detail"]
    assert body["checks"]["store"]["ok"] is True
    assert (await asyncio.to_thread(_get, gateway.console_port, "/healthz"))[0] == 200


async def test_unwritable_outbox_makes_it_not_ready(
    tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    gateway = await start_gateway(make_settings(tmp_path, None), console_port=0)
    assert (await asyncio.to_thread(_get, gateway.console_port, "/readyz"))[0] == 200
    outbox = gateway.settings.outbox_dir
    outbox.rmdir()
    outbox.write_bytes(b"")  # a file where the directory was: nothing can be written there
    status, body = await asyncio.to_thread(_get, gateway.console_port, "/readyz")
    assert status == 503
    assert body["checks"]["relay"] == {"ok": False, "detail": f"outbox {outbox} not writable"}
