"""``/healthz`` (liveness) and ``/readyz`` (readiness) on the console port, no session needed.

``/healthz`` answers 200 while the process serves HTTP. ``/readyz`` runs each check and answers
200 when all pass, 503 otherwise, with a JSON body naming every check::

    {"ready": false, "checks": {"store": {"ok": true, "detail": "..."}, ...}}

Checks: ``store`` (one database round trip), ``workers`` (every inspection worker process
alive), ``scope`` (scope tables compiled), ``relay`` (the smarthost accepts a TCP connection,
or the outbox directory is writable when no relay.host is set). Details never carry mail data.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.errors import StoreError
from gateway.store.engine import Sessions, ping

CHECK_TIMEOUT = 3.0

router = APIRouter(include_in_schema=False)


@dataclass
class Health:
    """What ``/readyz`` looks at; the running gateway sets ``app.state.health``."""

    sessionmaker: Sessions
    inspector: Any
    relay: Any

    async def checks(self) -> dict[str, dict[str, Any]]:
        names = ("store", "workers", "scope", "relay")
        results = await asyncio.gather(self._store(), self._workers(), self._scope(), self._relay())
        return {
            name: {"ok": ok, "detail": detail}
            for name, (ok, detail) in zip(names, results, strict=True)
        }

    async def _store(self) -> tuple[bool, str]:
        try:
            await ping(self.sessionmaker, CHECK_TIMEOUT)
        except StoreError as exc:
            return False, str(exc)
        return True, "database reachable"

    async def _workers(self) -> tuple[bool, str]:
        counts = getattr(self.inspector, "workers_alive", None)
        if counts is None:
            return self.inspector is not None, "in-process inspector"
        alive, wanted = counts
        return alive >= wanted, f"{alive}/{wanted} inspection workers alive"

    async def _scope(self) -> tuple[bool, str]:
        version = str(getattr(self.inspector, "version", "") or "")
        if not version:
            return False, "scope tables not loaded"
        return True, f"scope version {version[:12]}"

    async def _relay(self) -> tuple[bool, str]:
        directory = getattr(self.relay, "directory", None)
        if isinstance(directory, Path):
            return await asyncio.to_thread(_outbox_writable, directory)
        target = getattr(self.relay, "target", None)
        if not isinstance(target, str):
            return self.relay is not None, "relay configured"
        host, _, port = target.rpartition(":")
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                _reader, writer = await asyncio.open_connection(host.strip("[]"), int(port))
        except (OSError, ValueError) as exc:  # TimeoutError is an OSError
            return False, f"relay {target} unreachable ({type(exc).__name__})"
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True, f"relay {target} reachable"


def _outbox_writable(directory: Path) -> tuple[bool, str]:
    if directory.is_dir() and os.access(directory, os.W_OK | os.X_OK):
        return True, f"outbox {directory} writable"
    return False, f"outbox {directory} not writable"


@router.get("/healthz")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    health: Health | None = getattr(request.app.state, "health", None)
    if health is None:
        return JSONResponse({"ready": False, "checks": {}}, status_code=503)
    checks = await health.checks()
    ready = all(check["ok"] for check in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
