"""The fake upstream smarthost: a real aiosmtpd server on loopback, in its own thread.

It records what it received (envelope, bytes, MAIL options) and answers as a test tells it:
``rcpt_replies`` per address, ``replies`` (a queue of forced DATA answers, used first),
``data_reply`` (every DATA), ``data_delay`` (a slow smarthost). Running in its own thread, it
serves in-process gateways (the test's event loop) and ``dlp-gateway serve`` processes alike.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    mail_from: str  # "" for the gateway's own notices (null sender)
    rcpt_to: list[str]
    data: bytes
    mail_options: list[str] = field(default_factory=list)


@dataclass
class Upstream:
    """What the upstream received, and how it should answer."""

    messages: list[Received] = field(default_factory=list)
    connections: int = 0
    data_reply: str | None = None  # e.g. "550 5.7.1 refused" or "451 4.3.0 later"
    replies: list[str] = field(default_factory=list)  # forced DATA answers, used first
    data_delay: float = 0.0  # seconds before answering DATA
    in_data: int = 0  # DATA transactions started
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def handler(self) -> Upstream:
        """The same object (older tests read ``sink.handler.delivered()``)."""
        return self

    def to(self, address: str) -> list[Received]:
        return [m for m in list(self.messages) if address in m.rcpt_to]

    def delivered(self) -> list[Received]:
        """Messages that are not the gateway's own notices (those have a null sender)."""
        return [m for m in list(self.messages) if m.mail_from not in ("", "<>")]

    def notices(self) -> list[Received]:
        return [m for m in list(self.messages) if m.mail_from in ("", "<>")]

    async def wait_for(self, count: int, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.messages) < count:
                await asyncio.sleep(0.02)

    def wait_for_sync(self, count: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"upstream got {len(self.messages)} of {count} messages")
            time.sleep(0.02)

    # -- the aiosmtpd handler ------------------------------------------------------------------

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.in_data += 1
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self._lock:
            if self.replies:
                return self.replies.pop(0)
        if self.data_reply:
            return self.data_reply
        data = envelope.original_content or envelope.content or b""
        received = Received(
            "" if envelope.mail_from in (None, "<>") else str(envelope.mail_from),
            list(envelope.rcpt_tos),
            bytes(data) if isinstance(data, bytes | bytearray) else str(data).encode(),
            list(envelope.mail_options),
        )
        with self._lock:
            self.messages.append(received)
            count = len(self.messages)
        return f"250 2.0.0 Ok: queued as SINK{count:04d}"


class _CountingSMTP(SMTP):
    def __init__(self, upstream: Upstream, **kwargs: Any) -> None:
        super().__init__(upstream, **kwargs)
        self._upstream = upstream

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._upstream.connections += 1
        super().connection_made(transport)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Controller(Controller):
    def __init__(self, upstream: Upstream) -> None:
        super().__init__(upstream, hostname="127.0.0.1", port=_free_port())
        self._upstream = upstream

    def factory(self) -> SMTP:
        return _CountingSMTP(self._upstream, enable_SMTPUTF8=True, hostname="sink.test")


class RunningUpstream:
    """Start and stop an :class:`Upstream` (``with RunningUpstream() as upstream: ...``)."""

    def __init__(self) -> None:
        self.upstream = Upstream()
        self._controller = _Controller(self.upstream)

    def __enter__(self) -> Upstream:
        self._controller.start()
        self.upstream.port = int(self._controller.port)
        self.upstream.connections = 0  # the controller's own readiness probe does not count
        return self.upstream

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
