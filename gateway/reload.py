"""Scope-table reload: on SIGHUP and whenever a table file changes (mtime polling).

Requests coalesce: a burst of SIGHUPs (or a SIGHUP beside a file change) makes one reload, and
tables whose version did not change start no new workers. The inspector compiles the new tables off the event loop and swaps its engine reference in
one assignment ("rebuild, then swap"); messages in flight finish on the engine they started
with. A broken table raises ``ScopeError`` naming file, line and key: the old engine stays
live, the error is logged and counted (``dlp_scope_reloads_total{result="error"}``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from gateway.metrics import Metrics
from matchers.errors import ScopeError

log = logging.getLogger("dlp_gateway.reload")

__all__ = ["Reloadable", "ScopeWatcher", "snapshot"]

Snapshot = tuple[tuple[str, int, int], ...]


class Reloadable(Protocol):
    @property
    def version(self) -> str: ...

    async def reload(self) -> str: ...


def snapshot(directory: Path) -> Snapshot:
    """(name, mtime_ns, size) of every table file; a change in any of them means reload."""
    entries: list[tuple[str, int, int]] = []
    try:
        for path in sorted(directory.glob("*.toml")):
            try:
                stat = path.stat()
            except OSError:
                continue  # removed between glob and stat: the next poll sees the new state
            entries.append((path.name, stat.st_mtime_ns, stat.st_size))
    except OSError:
        return ()
    return tuple(entries)


class ScopeWatcher:
    def __init__(
        self,
        inspector: Reloadable,
        directory: Path,
        metrics: Metrics,
        *,
        interval: float = 2.0,
        on_loaded: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._on_loaded = on_loaded
        self._inspector = inspector
        self._directory = directory
        self._metrics = metrics
        self._interval = interval
        self._lock = asyncio.Lock()
        self._seen = snapshot(directory)
        self._wanted: str | None = None  # a reload was asked for, with this trigger
        self._asked = 0  # requests so far (a burst is over when this stops moving)
        self._runner: asyncio.Task[bool] | None = None

    async def reload(self, trigger: str) -> bool:
        """Reload now (serialised); True when the new tables are live."""
        async with self._lock:
            self._seen = snapshot(self._directory)
            before = self._inspector.version
            try:
                version = await self._inspector.reload()
            except ScopeError as exc:
                self._metrics.scope_reloads_total.labels(result="error").inc()
                log.error(
                    "scope reload failed, keeping version %s: %s",
                    before[:12],
                    exc,
                    extra={"trigger": trigger},
                )
                return False
            self._metrics.scope_reloads_total.labels(result="ok").inc()
            update_term_gauge(self._inspector, self._metrics)
            log.info(
                "scope reloaded %s -> %s%s",
                before[:12],
                version[:12],
                " (tables unchanged, workers kept)" if version == before else "",
                extra={"trigger": trigger},
            )
            if self._on_loaded is not None:
                await self._on_loaded(trigger)
            return True

    def trigger(self, reason: str = "SIGHUP") -> None:
        """Signal-handler safe: ask for a reload on the running loop. Requests coalesce: a
        burst (20 SIGHUPs in a second) makes one reload, and one more if a request arrives
        while a reload is already under way (it may have read the tables before the change)."""
        self._wanted = reason
        self._asked += 1
        if self._runner is None or self._runner.done():
            self._runner = asyncio.get_running_loop().create_task(self._drain())
            _TASKS.add(self._runner)
            self._runner.add_done_callback(_TASKS.discard)

    async def _drain(self) -> bool:
        done = False
        while self._wanted is not None:
            # let the rest of a burst arrive: wait for a quiet beat, but not for ever
            loop = asyncio.get_running_loop()
            give_up = loop.time() + _COALESCE_MAX
            asked = -1
            while asked != self._asked and loop.time() < give_up:
                asked = self._asked
                await asyncio.sleep(_COALESCE)
            reason, self._wanted = self._wanted, None
            done = await self.reload(reason)
        return done

    async def run(self, stopping: asyncio.Event) -> None:
        """Poll the table files every ``interval`` seconds until ``stopping`` is set."""
        while not await _stopped(stopping, self._interval):
            current = snapshot(self._directory)
            if current != self._seen:
                # Editors save in several steps; wait one short beat for the last write.
                if await _stopped(stopping, min(0.5, self._interval)):
                    return
                if self._runner is not None and not self._runner.done():
                    continue  # a requested reload is pending or under way: it reads the change
                await self.reload("file change")


async def _stopped(stopping: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


def update_term_gauge(inspector: object, metrics: Metrics) -> None:
    """``dlp_scope_terms`` from the inspector's ``term_count`` when it offers one."""
    count = getattr(inspector, "term_count", None)
    if isinstance(count, int):
        metrics.scope_terms.set(count)


_TASKS: set[asyncio.Task[bool]] = set()
_COALESCE = 0.3  # seconds: reload requests closer together than this make one reload
_COALESCE_MAX = 3.0  # ... unless they go on for longer than this
