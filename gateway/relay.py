"""Outbound delivery: the only module that speaks SMTP outbound.

``Relay`` is the seam (like httpx's ``BaseTransport``): ``SmtpRelay`` talks to the configured
smarthost with aiosmtplib; ``OutboxRelay`` writes ``.eml`` files to ``<data_dir>/outbox`` when no
upstream is configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Relay(Protocol):
    async def send(self, mail_from: str, rcpt_to: Sequence[str], raw: bytes) -> str:
        """Deliver ``raw`` byte for byte; return upstream's reply text (its queue id).

        Raises ``TemporaryRelayError`` (4xx, unreachable, timeout) or ``PermanentRelayError``
        (5xx) carrying upstream's code and message.
        """
        ...

    async def close(self) -> None: ...
