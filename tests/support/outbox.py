"""The gateway's outbox as a reader sees it: with no ``relay.host`` every outgoing message (mail
and notices) is a ``.eml`` file under ``<data_dir>/outbox`` (``gateway.relay.OutboxRelay``), its
envelope in ``Return-Path`` and ``X-Envelope-To``. Parsed as MIME, bodies decoded."""

from __future__ import annotations

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path

# the sender's release-request link in a held notice
REQUEST_LINK = re.compile(r"https?://\S+?/request/[\w.-]+")


def read(path: Path) -> EmailMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def body_text(message: EmailMessage) -> str:
    """The decoded text/plain body (any transfer encoding, any charset)."""
    body = message.get_body(("plain",))
    assert body is not None, "no text/plain body"
    return str(body.get_content())  # type: ignore[attr-defined]


def wait_for(directory: Path, rcpt: str, subject_has: str, timeout: float = 30.0) -> EmailMessage:
    """The first outbox message to ``rcpt`` whose subject contains ``subject_has`` (the
    gateway writes notices after its SMTP reply, so wait for it)."""
    deadline = time.monotonic() + timeout
    while True:
        for path in sorted(directory.glob("*.eml")):
            message = read(path)
            if rcpt in str(message["X-Envelope-To"]) and subject_has in str(message["Subject"]):
                return message
        if time.monotonic() > deadline:
            names = sorted(p.name for p in directory.glob("*.eml")) if directory.is_dir() else []
            raise AssertionError(f"no message to {rcpt} ({subject_has}) in {directory}: {names}")
        time.sleep(0.1)
