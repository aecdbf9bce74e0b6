"""Outbound delivery: the only module that speaks SMTP outbound.

``Relay`` is the seam (like httpx's ``BaseTransport``): ``SmtpRelay`` talks to the configured
smarthost with aiosmtplib; ``OutboxRelay`` writes ``.eml`` files to ``<data_dir>/outbox`` when no
upstream is configured. ``make_relay`` picks one from the settings.

Delivery is all-or-nothing: every recipient must be accepted at RCPT before DATA is sent, so a
single ``send`` either reaches upstream for all its recipients or for none (a partly refused
transaction is reset, RFC 5321 §4.1.1.5). The caller can then answer its own client with one
reply that is true for the whole message.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import ssl
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import aiosmtplib

from gateway.errors import PermanentRelayError, TemporaryRelayError
from gateway.settings import RelaySettings, Settings

log = logging.getLogger("dlp_gateway.relay")

__all__ = ["OutboxRelay", "Relay", "SmtpRelay", "make_relay"]


class Relay(Protocol):
    async def send(self, mail_from: str, rcpt_to: Sequence[str], raw: bytes) -> str:
        """Deliver ``raw`` byte for byte; return upstream's reply text (its queue id).

        Raises ``TemporaryRelayError`` (4xx, unreachable, timeout) or ``PermanentRelayError``
        (5xx) carrying upstream's code and message.
        """
        ...

    async def close(self) -> None: ...


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _needs_smtputf8(mail_from: str, rcpt_to: Sequence[str], raw: bytes) -> bool:
    """RFC 6531 §3.4: non-ASCII addresses or header fields need the SMTPUTF8 extension."""
    if not all(a.isascii() for a in (mail_from, *rcpt_to)):
        return True
    head, _, _ = raw.partition(b"\r\n\r\n")
    return not head.isascii()


class SmtpRelay:
    """Deliver to the smarthost; idle connections are kept and reused (up to ``pool_size``)."""

    def __init__(
        self,
        settings: RelaySettings,
        *,
        pool_size: int = 8,
        max_connections: int = 16,
        local_hostname: str | None = None,
    ) -> None:
        if settings.host is None:
            raise ValueError("SmtpRelay needs relay.host")
        self._settings = settings
        self._host = settings.host
        self._pool_size = pool_size
        self._local_hostname = local_hostname
        self._idle: list[aiosmtplib.SMTP] = []
        # Bound the connections we open at once: a burst of clients must not turn into a
        # burst of upstream connections past what a smarthost allows one peer.
        self._slots = asyncio.Semaphore(max_connections)
        self._closed = False

    @property
    def target(self) -> str:
        return f"{self._host}:{self._settings.port}"

    async def send(self, mail_from: str, rcpt_to: Sequence[str], raw: bytes) -> str:
        if not rcpt_to:
            raise ValueError("send() needs at least one recipient")
        async with self._slots:
            return await self._send(mail_from, rcpt_to, raw)

    async def _send(self, mail_from: str, rcpt_to: Sequence[str], raw: bytes) -> str:
        client, reused = await self._acquire()
        try:
            reply = await self._transaction(client, reused, mail_from, rcpt_to, raw)
        except _StaleConnection:
            # The upstream dropped an idle connection before our MAIL (RFC 5321 §4.5.3.2.7
            # lets it); nothing was sent, so one retry on a fresh connection is safe.
            await self._discard(client)
            client, _ = await self._acquire(fresh=True)
            try:
                reply = await self._transaction(client, False, mail_from, rcpt_to, raw)
            except BaseException:
                await self._discard(client)
                raise
        except BaseException:
            await self._discard(client)
            raise
        self._release(client)
        return reply

    async def _transaction(
        self,
        client: aiosmtplib.SMTP,
        reused: bool,
        mail_from: str,
        rcpt_to: Sequence[str],
        raw: bytes,
    ) -> str:
        utf8 = _needs_smtputf8(mail_from, rcpt_to, raw)
        options: list[str] = []
        encoding = "ascii"
        try:
            if utf8:
                if not client.supports_extension("smtputf8"):
                    raise PermanentRelayError(
                        553, "5.6.7 upstream does not support SMTPUTF8 (RFC 6531)"
                    )
                options.append("SMTPUTF8")
                encoding = "utf-8"
            if not raw.isascii() and client.supports_extension("8bitmime"):
                options.append("BODY=8BITMIME")  # RFC 6152
            try:
                response = await _command(client, b"MAIL FROM:", mail_from, options, encoding)
            except aiosmtplib.SMTPServerDisconnected as exc:
                if reused:
                    raise _StaleConnection from exc
                raise
            if response.code != 250:
                raise aiosmtplib.SMTPSenderRefused(response.code, response.message, mail_from)
            refused: list[tuple[int, str]] = []
            for rcpt in rcpt_to:
                response = await _command(client, b"RCPT TO:", rcpt, [], encoding)
                if response.code not in (250, 251):
                    refused.append((response.code, f"{response.message} (recipient {rcpt})"))
            if refused:
                with contextlib.suppress(aiosmtplib.SMTPException):
                    await client.rset()
                code, text = min(refused, key=lambda r: 0 if r[0] >= 500 else 1)
                raise _map_response(code, text)
            # A connection lost after the final dot is ambiguous: upstream may have taken the
            # message. We answer 4xx and the client retries, accepting a possible duplicate
            # over a possible loss (RFC 1047; RFC 5321 §4.1.1.4 and §6.1).
            response = await client.data(raw)
        except (PermanentRelayError, TemporaryRelayError, _StaleConnection):
            raise
        except aiosmtplib.SMTPResponseException as exc:
            with contextlib.suppress(aiosmtplib.SMTPException):
                await client.rset()
            raise _map_response(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TemporaryRelayError(
                451, f"4.4.2 connection to upstream lost ({type(exc).__name__})"
            ) from exc
        return _one_line(response.message)

    async def _acquire(self, *, fresh: bool = False) -> tuple[aiosmtplib.SMTP, bool]:
        while self._idle and not fresh:
            client = self._idle.pop()
            if client.is_connected:
                return client, True
        return await self._connect(), False

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self._settings
        context: ssl.SSLContext | None = None
        if s.starttls:
            context = ssl.create_default_context()
            if not s.tls_verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
        client = aiosmtplib.SMTP(
            hostname=self._host,
            port=s.port,
            timeout=s.timeout,
            start_tls=s.starttls,
            validate_certs=s.tls_verify,
            tls_context=context,
            local_hostname=self._local_hostname,
        )
        try:
            await client.connect()
            if client.is_ehlo_or_helo_needed:
                # Learn the extensions (SMTPUTF8, 8BITMIME) before the first MAIL.
                try:
                    await client.ehlo()
                except aiosmtplib.SMTPHeloError:
                    await client.helo()
            if s.username:
                password = s.password.get_secret_value() if s.password else ""
                await client.login(s.username, password)
        except aiosmtplib.SMTPAuthenticationError as exc:
            await _quietly_close(client)
            # Wrong credentials will not fix themselves, but the message is fine: keep it
            # queued at the sender (4xx) while the operator fixes relay.username/password.
            raise TemporaryRelayError(
                451, f"4.7.0 upstream refused our login ({exc.code})"
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            await _quietly_close(client)
            raise _map_response(exc.code, exc.message) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await _quietly_close(client)
            raise TemporaryRelayError(
                451, f"4.4.1 upstream {self.target} unreachable ({type(exc).__name__})"
            ) from exc
        return client

    def _release(self, client: aiosmtplib.SMTP) -> None:
        if self._closed or len(self._idle) >= self._pool_size or not client.is_connected:
            client.close()
            return
        self._idle.append(client)

    async def _discard(self, client: aiosmtplib.SMTP) -> None:
        await _quietly_close(client)

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for client in idle:
            await _quietly_close(client)


async def _command(
    client: aiosmtplib.SMTP, verb: bytes, address: str, options: list[str], encoding: str
) -> aiosmtplib.SMTPResponse:
    """MAIL/RCPT with the address exactly as our client gave it; ``""`` is the null path.

    aiosmtplib's ``mail()`` re-parses addresses and refuses ``<>`` (RFC 5321 §4.5.5), which
    bounces and notices need.
    """
    path = b"<" + address.encode(encoding) + b">"
    head, _, tail = verb.partition(b" ")
    args = [tail + path, *(o.encode("ascii") for o in options)]
    return await client.execute_command(head, *args)


class _StaleConnection(Exception):
    """A reused connection was gone before MAIL; internal to ``SmtpRelay``."""


async def _quietly_close(client: aiosmtplib.SMTP) -> None:
    if client.is_connected:
        try:
            await asyncio.wait_for(client.quit(), timeout=5)
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()
    else:
        client.close()


def _map_response(code: int, message: str) -> TemporaryRelayError | PermanentRelayError:
    text = _one_line(message)
    if 500 <= code <= 599:
        return PermanentRelayError(code, text)
    return TemporaryRelayError(code if 400 <= code <= 499 else 451, text)


class OutboxRelay:
    """Write each message to ``directory/<utc-timestamp>-<id>.eml`` (no upstream configured).

    The file appears atomically (temporary name, fsync, rename, fsync of the directory), so
    a reader never sees half a message and a 250 is only given for a file that is on disk.
    ``Return-Path`` and ``X-Envelope-To`` are prepended, as a final delivery does (RFC 5321
    §4.4), so the envelope is not lost; the message itself follows byte for byte.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, mail_from: str, rcpt_to: Sequence[str], raw: bytes) -> str:
        if not rcpt_to:
            raise ValueError("send() needs at least one recipient")
        return await asyncio.to_thread(self._write, mail_from, rcpt_to, raw)

    def _write(self, mail_from: str, rcpt_to: Sequence[str], raw: bytes) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        name = f"{stamp}-{secrets.token_hex(4)}.eml"
        envelope = (
            f"Return-Path: <{mail_from}>\r\nX-Envelope-To: {', '.join(rcpt_to)}\r\n"
        ).encode()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.directory / f".{name}.tmp"
            with open(tmp, "wb") as handle:
                handle.write(envelope)
                handle.write(raw)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.directory / name)
            fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise TemporaryRelayError(
                451, f"4.3.0 outbox {self.directory} not writable ({exc.strerror})"
            ) from exc
        return f"2.0.0 Ok: queued as {name}"

    async def close(self) -> None:
        return None


def make_relay(settings: Settings) -> SmtpRelay | OutboxRelay:
    """``SmtpRelay`` to ``relay.host`` or, with none configured, the outbox directory."""
    if settings.relay.host:
        return SmtpRelay(settings.relay, local_hostname=settings.smtp.hostname)
    return OutboxRelay(settings.outbox_dir)
