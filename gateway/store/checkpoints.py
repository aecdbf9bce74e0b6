"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint is ``{"seq", "head", "at", "mac"}``: the newest entry's number and hash, the time
(UTC) and an HMAC over them under the key that signed that entry. The gateway appends one line
per checkpoint to its checkpoint file (append-only, 0600) and may mail it to the auditors; an
auditor's saved copy — the mail as an ``.eml`` or mailbox file, or the lines pasted into a text
file — is read by :func:`read_copy`, which picks out every checkpoint line and ignores the rest.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from gateway.errors import StoreError

# The JSON line as :meth:`Checkpoint.line` writes it, found anywhere in a saved mail or paste.
_LINE = re.compile(
    r'\{"seq":(\d+),"head":"([0-9a-f]{64})","at":"([0-9T:.Z-]{10,40})","mac":"([0-9a-f]{64})"\}'
)
MAX_COPY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    head: str
    at: str
    mac: str

    @staticmethod
    def sign(key: bytes, seq: int, head: str, at: str) -> Checkpoint:
        message = f"dlp-audit-checkpoint:{seq}:{head}:{at}".encode()
        return Checkpoint(seq, head, at, hmac.new(key, message, hashlib.sha256).hexdigest())

    def valid(self, key: bytes) -> bool:
        return hmac.compare_digest(Checkpoint.sign(key, self.seq, self.head, self.at).mac, self.mac)

    def line(self) -> str:
        return json.dumps(
            {"seq": self.seq, "head": self.head, "at": self.at, "mac": self.mac},
            separators=(",", ":"),
        )


def read_checkpoints(path: Path) -> list[Checkpoint | str]:
    """Every line of the gateway's checkpoint file: a Checkpoint, or the line's problem as text."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"audit checkpoints {path}: {_why(exc)}") from exc
    found: list[Checkpoint | str] = []
    for number, line in enumerate(lines, 1):
        try:
            data = json.loads(line)
            found.append(
                Checkpoint(int(data["seq"]), str(data["head"]), str(data["at"]), str(data["mac"]))
            )
        except (ValueError, KeyError, TypeError):
            found.append(f"line {number} is not a checkpoint")
    return found


def read_copy(path: Path) -> list[Checkpoint]:
    """The checkpoints in an auditor's copy (saved mails, a mailbox, pasted lines), oldest first.

    Mail bodies are decoded (base64, quoted-printable) before the lines are looked for, so a
    copy saved by any mail client reads the same. A file without a checkpoint is an error.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_COPY_BYTES + 1)
    except OSError as exc:
        raise StoreError(f"auditor's copy {path}: {_why(exc)}") from exc
    if len(raw) > MAX_COPY_BYTES:
        raise StoreError(f"auditor's copy {path}: larger than 64 MiB")
    texts = [raw.decode("utf-8", errors="replace")]
    for chunk in re.split(rb"(?m)^From .*\r?\n", raw):  # mbox: one message per "From " line
        texts.extend(_mail_texts(chunk))
    found: dict[tuple[int, str], Checkpoint] = {}
    for text in texts:
        for seq, head, at, mac in _LINE.findall(text):
            point = Checkpoint(int(seq), head, at, mac)
            found[(point.seq, point.mac)] = point
    if not found:
        raise StoreError(f"auditor's copy {path}: no checkpoint line found in it")
    return sorted(found.values(), key=lambda p: (p.seq, p.at))


def _mail_texts(raw: bytes) -> list[str]:
    if b":" not in raw[:200]:
        return []
    message = email.message_from_bytes(raw, policy=email.policy.default)
    texts = []
    for part in message.walk() if isinstance(message, EmailMessage) else ():
        if part.get_content_maintype() == "text":
            try:
                texts.append(str(part.get_content()))
            except (LookupError, ValueError):
                continue
    return texts


def append_line(path: Path, point: Checkpoint) -> None:
    """Append one checkpoint to the gateway's checkpoint file, durably."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(point.line() + "\n")
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise StoreError(f"audit checkpoints {path}: {_why(exc)}") from exc


def _why(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return "not UTF-8 text"
