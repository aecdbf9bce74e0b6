"""The notices' way out: queued, sent in batches over one upstream session, retried when deferred.

Held mail under load makes many small notices (two per held case). Sent one by one from their
own tasks, each opened its own connection and wrote its own timeline event in its own
transaction (one fsync each). Here one task per process drains a queue:

- **Batches.** The first notice after a quiet spell goes at once; after a batch the next one
  waits until ``notify.batch_window`` has passed since the last began, so notices arriving
  meanwhile go together (at most ``notify.batch_size``). A batch is sent in order by this one
  task, so the relay's pooled connection carries all of it: one SMTP session, one transaction
  per notice (their recipients and texts differ). The batch's timeline events (``notified_*``,
  ``notify_failed``) are written in one store transaction.
- **Retries.** A notice upstream defers (4xx, unreachable) is tried again after
  ``notify.retry_seconds``, doubling, up to ``notify.retry_attempts`` attempts; each failed
  attempt is counted (``dlp_notify_failures_total``) and recorded on the case. A permanent
  refusal (5xx) is not retried. Retries live in this process only: ones not yet due when the
  process stops (the gateway, or the ``quarantine`` command that sent a notice) are given up,
  with a log line and a ``notify_failed`` event on the case saying no retry will come.

The mail itself never depends on any of this: a held case is committed before its 250, and a
notice that cannot be sent costs only the notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from gateway.errors import DlpError, PermanentRelayError, StoreError
from gateway.metrics import Metrics
from gateway.relay import Relay

log = logging.getLogger("dlp_gateway.notify")

__all__ = ["GIVEN_UP", "Notice", "NoticeQueue"]

#: The timeline's word for a deferred notice whose retry the stopping process gives up.
GIVEN_UP = "进程已退出，不再重试，该通知未发出"


class Timeline(Protocol):
    """Where a batch's events go (``gateway.store.quarantine.Quarantine``)."""

    async def add_events(self, events: Sequence[tuple[str, str, str]]) -> None: ...


@dataclass(slots=True)
class Notice:
    """One built notice; ``case_id`` None for the digest (no timeline)."""

    case_id: str | None
    audience: str  # "sender" | "officers"
    to: list[str]
    raw: bytes
    attempts: int = 0
    due: float = 0.0
    # resolved after the first attempt (sent or failed); retries go on without the caller
    answered: asyncio.Future[None] | None = field(default=None, repr=False)


class NoticeQueue:
    def __init__(
        self,
        relay: Relay,
        metrics: Metrics,
        timeline: Timeline | None,
        *,
        window: float = 0.2,
        batch_size: int = 50,
        retry_seconds: float = 60.0,
        retry_attempts: int = 5,
    ) -> None:
        self._relay = relay
        self._metrics = metrics
        self._timeline = timeline
        self._window = window
        self._batch_size = max(1, batch_size)
        self._retry_seconds = retry_seconds
        self._retry_attempts = max(1, retry_attempts)
        self._ready: deque[Notice] = deque()
        self._later: list[Notice] = []
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_batch = float("-inf")
        self._closing = False
        #: SMTP batches sent (for tests and the benchmark's curiosity)
        self.batches = 0

    @property
    def waiting_retries(self) -> int:
        return len(self._later)

    async def send(self, notices: Sequence[Notice]) -> None:
        """Queue ``notices`` and wait until each has had its first attempt."""
        if not notices:
            return
        loop = asyncio.get_running_loop()
        for notice in notices:
            notice.answered = loop.create_future()
            self._ready.append(notice)
        self._running(loop)
        assert self._wake is not None
        self._wake.set()
        # shielded: a cancelled caller does not cancel the notice, only its own wait
        await asyncio.shield(
            asyncio.gather(*(n.answered for n in notices if n.answered is not None))
        )

    def _running(self, loop: asyncio.AbstractEventLoop) -> None:
        task = self._task
        if task is None or task.done() or task.get_loop() is not loop:
            self._closing = False
            self._wake = asyncio.Event()
            self._task = loop.create_task(self._drain(), name="notices")

    async def close(self, timeout: float) -> None:
        """Send what is queued now; give up retries that are not due yet, saying so on each
        case's timeline (which had promised them)."""
        self._closing = True
        task = self._task
        if task is not None and not task.done():
            assert self._wake is not None
            self._wake.set()
            done, _ = await asyncio.wait([task], timeout=timeout)
            if not done:
                task.cancel()
        if self._later:
            log.warning("stopping: %d notices waiting for a retry are given up", len(self._later))
            given_up = [
                (n.case_id, "notify_failed", f"{n.audience}: {GIVEN_UP}")
                for n in self._later
                if n.case_id is not None
            ]
            self._later.clear()
            # the timeline promised a retry: say it will not come (bounded like the drain)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._record(given_up), timeout=max(timeout, 1.0))
        for notice in self._ready:  # only after a timeout: answer their callers
            _answer(notice)
        self._ready.clear()

    async def _drain(self) -> None:
        assert self._wake is not None
        wake = self._wake
        while True:
            now = time.monotonic()
            due = [n for n in self._later if n.due <= now]
            if due:
                self._later = [n for n in self._later if n.due > now]
                self._ready.extend(due)
            if not self._ready:
                if self._closing or not self._later:
                    return  # nothing to do: the next send() starts a new drain
                wake.clear()
                wait = min(n.due for n in self._later) - now
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=max(0.0, wait))
                continue
            pause = self._last_batch + self._window - time.monotonic()
            if pause > 0 and not self._closing and len(self._ready) < self._batch_size:
                await asyncio.sleep(pause)  # collect what arrives meanwhile into this batch
            self._last_batch = time.monotonic()
            batch = [self._ready.popleft() for _ in range(min(self._batch_size, len(self._ready)))]
            try:
                await self._send_batch(batch)
            except Exception:  # never let the drain die: answer the callers, carry on
                log.exception("notice batch failed")
                for notice in batch:
                    _answer(notice)

    async def _send_batch(self, batch: list[Notice]) -> None:
        events: list[tuple[str, str, str]] = []
        for notice in batch:
            notice.attempts += 1
            try:
                # Null reverse-path (RFC 3834 §3.3, RFC 5321 §4.5.5): a notice never bounces.
                reply = await self._relay.send("", notice.to, notice.raw)
            except (DlpError, OSError, ValueError) as exc:
                self._metrics.notify_failures_total.inc()
                again = (
                    not isinstance(exc, PermanentRelayError | ValueError)
                    and notice.attempts < self._retry_attempts
                    and not self._closing
                )
                detail = f"{notice.audience}: {exc}"
                if again:
                    delay = self._retry_seconds * 2 ** (notice.attempts - 1)
                    notice.due = time.monotonic() + delay
                    self._later.append(notice)
                    detail += f"（{delay:g} 秒后第 {notice.attempts + 1} 次尝试）"
                log.warning(
                    "notice failed case=%s audience=%s attempt=%d error=%s",
                    notice.case_id or "-",
                    notice.audience,
                    notice.attempts,
                    exc,
                )
                if notice.case_id is not None:
                    events.append((notice.case_id, "notify_failed", detail))
            else:
                log.info(
                    "notice sent case=%s audience=%s upstream=%r",
                    notice.case_id or "-",
                    notice.audience,
                    reply,
                )
                if notice.case_id is not None:
                    action = (
                        "notified_sender" if notice.audience == "sender" else "notified_officers"
                    )
                    events.append((notice.case_id, action, "、".join(notice.to)))
        self.batches += 1
        await self._record(events)
        for notice in batch:
            _answer(notice)

    async def _record(self, events: list[tuple[str, str, str]]) -> None:
        if not events or self._timeline is None:
            return
        try:
            await self._timeline.add_events(events)
        except StoreError:  # the timeline is a courtesy here; the notices themselves are done
            log.warning("could not record %d notice events", len(events), exc_info=True)


def _answer(notice: Notice) -> None:
    if notice.answered is not None and not notice.answered.done():
        notice.answered.set_result(None)
