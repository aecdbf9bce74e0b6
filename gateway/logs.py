"""Structured logging: one ``key=value`` line per event, one line per message answered.

Lines are logfmt (``ts=… level=… logger=… msg=… case=Q… verdict=quarantine …``) so that
journald, grep and log shippers read them alike. The per-message line carries ids, verdict,
category ids, sizes and timings, never matched text, subjects or file names: the log must not
become a second copy of the secrets the gateway holds back.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Mapping
from typing import Any, TextIO

MESSAGE_LOGGER = "dlp_gateway.message"

_RESERVED = set(vars(logging.makeLogRecord({})))
_SKIP = {"message", "asctime", "color_message"}  # uvicorn adds an ANSI-coloured copy


def _value(value: Any) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list | tuple | set | frozenset):
        value = ",".join(str(v) for v in value)
    text = str(value)
    if text == "" or any(c in text for c in ' "=\\\n\t'):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return text


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        fields: dict[str, Any] = {
            "ts": when.replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_") and key not in _SKIP:
                fields[key] = value
        line = " ".join(f"{k}={_value(v)}" for k, v in fields.items())
        if record.exc_info:
            # Tracebacks stay on following lines; they hold code paths, not message content.
            line += "\n" + self.formatException(record.exc_info)
        return line


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted, so a stderr replaced after
    set-up (a supervisor, a test's capture) is followed instead of a closed one written to."""

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Route every logger to one logfmt handler on stderr (idempotent)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_dlp", False):
            root.removeHandler(old)
    handler: logging.Handler = _Stderr() if stream is None else logging.StreamHandler(stream)
    handler.setFormatter(LogfmtFormatter())
    handler._dlp = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    # aiosmtpd logs every command line (addresses included) at INFO; keep that for DEBUG.
    logging.getLogger("mail.log").setLevel(max(logging.WARNING, root.level))


def log_message(fields: Mapping[str, Any], level: int = logging.INFO) -> None:
    """The one line for one answered message (see module docstring for what it may hold)."""
    logging.getLogger(MESSAGE_LOGGER).log(level, "message", extra=dict(fields))
