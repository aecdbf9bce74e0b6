"""The SMTP listener (aiosmtpd): who may relay, limits, STARTTLS/AUTH, drain on shutdown.

Only this module (and the other ``gateway/smtp*.py``) imports aiosmtpd. What happens after
DATA is ``smtp_pipeline.Pipeline``; this module turns the session into an ``Envelope`` and the
pipeline's ``Reply`` into the line the client reads.

- Relaying: a client in ``smtp.allowed_networks`` or authenticated may relay; anyone else is
  refused at RCPT with ``554 5.7.1`` (no open relay).
- AUTH PLAIN/LOGIN is offered only over TLS (RFC 4954 §4); before STARTTLS it is answered
  ``530 5.7.0`` (RFC 3207 §4). Passwords are checked against argon2 hashes.
- Limits: SIZE (RFC 1870, ``552``), recipients per message (``452 4.5.3``, RFC 5321
  §4.5.3.1.10), the idle timeout (RFC 5321 §4.5.3.2.7).
- A fault in a hook is answered ``451 4.3.0`` without its text (aiosmtpd's default reply
  would quote the exception to the client).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import ipaddress
import logging
import re
import ssl
import time
from collections.abc import Iterable
from typing import Any, AnyStr

from aiosmtpd.smtp import SMTP, AuthResult, Session
from aiosmtpd.smtp import Envelope as SmtpEnvelope
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import SecretStr

from gateway.errors import SettingsError
from gateway.settings import SmtpSettings
from gateway.smtp.envelope import Envelope
from gateway.smtp.pipeline import INTERNAL_FAULT, Pipeline

log = logging.getLogger("dlp_gateway.smtp")

__all__ = ["Authenticator", "SmtpServer", "tls_context"]

_IDENT = "dlp-gateway ESMTP"
_RATE_GRACE = 10.0  # seconds of DATA before smtp.min_data_rate applies
INFLIGHT_FULL = "452 4.3.1 insufficient system storage, try again later"
TOO_MANY = b"421 4.7.0 too many connections, try again later\r\n"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
# <local@domain> with a dot-atom local part and a host name (RFC 5321 §4.1.2), nothing else
_PLAIN_PATH = re.compile(rf"<({_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>")
# "socket.accept() out of system resource" and the like: at most one line per this many seconds
_ACCEPT_LOG_INTERVAL = 10.0


def tls_context(settings: SmtpSettings) -> ssl.SSLContext | None:
    """Server context from ``smtp.tls_cert``/``tls_key``; a bad pair is a settings error."""
    if settings.tls_cert is None or settings.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(settings.tls_cert, settings.tls_key)
    except (ssl.SSLError, OSError) as exc:
        raise SettingsError(
            [f"setting smtp.tls_cert/smtp.tls_key: cannot load the certificate pair ({exc})"]
        ) from None
    return context


#: AUTH failures allowed per client address and per account within :data:`AUTH_WINDOW` seconds.
AUTH_MAX_FAILURES = 5
AUTH_WINDOW = 900.0
AUTH_THROTTLED = "454 4.7.0 Too many failed authentication attempts, try again later"


class Authenticator:
    """Checks AUTH credentials against ``smtp.auth_users`` (name → argon2 hash).

    argon2 is deliberately slow (tens of ms of CPU), so a check runs in a worker thread, at
    most two at a time: a client guessing passwords can neither stall the event loop nor
    take every core. A verified (user, password digest) pair is remembered so that an MTA
    logging in on every connection costs one argon2 run per process; a wrong password is
    never remembered.
    """

    def __init__(self, users: dict[str, SecretStr]) -> None:
        self._users = {name: secret.get_secret_value() for name, secret in users.items()}
        self._hasher = PasswordHasher()
        self._verified: set[tuple[str, str]] = set()
        self._slots = asyncio.Semaphore(2)
        # recent failures per client address and per account name (monotonic times)
        self._failures: dict[str, list[float]] = {}
        for name, hashed in self._users.items():
            if not hashed.startswith("$argon2"):
                raise SettingsError(
                    [
                        f"setting smtp.auth_users.{name}: not an argon2 hash"
                        ' (see docs/deployment.md, "SMTP AUTH")'
                    ]
                )

    @property
    def enabled(self) -> bool:
        return bool(self._users)

    def check(self, login: str, password: str) -> bool:
        """Blocking check (argon2); see :meth:`verify` for the event loop."""
        hashed = self._users.get(login)
        if hashed is None:
            return False
        digest = hashlib.sha256(f"{login}\0{password}".encode()).hexdigest()
        if (login, digest) in self._verified:
            return True
        try:
            self._hasher.verify(hashed, password)
        except (VerificationError, InvalidHashError):
            return False
        self._verified.add((login, digest))
        return True

    async def verify(self, login_bytes: bytes, password_bytes: bytes, peer: str) -> AuthResult:
        login = login_bytes.decode("utf-8", "replace")
        password = password_bytes.decode("utf-8", "replace")
        keys = (f"peer:{peer}", f"user:{login}")
        if any(self._throttled(key) for key in keys):
            # guessing is throttled per client and per account: no argon2 run, no answer as to
            # whether this password was right (RFC 4954 §6: 454 temporary failure)
            log.warning("auth throttled user=%s peer=%s", login, peer)
            return AuthResult(success=False, handled=False, message=AUTH_THROTTLED)
        async with self._slots:
            ok = await asyncio.to_thread(self.check, login, password)
        if ok:
            log.info("auth ok user=%s peer=%s", login, peer)
            return AuthResult(success=True, auth_data=login)
        now = time.monotonic()
        for key in keys:
            self._failures.setdefault(key, []).append(now)
        if len(self._failures) > 10_000:  # bounded memory under a spray of names and addresses
            self._failures.clear()
        log.warning("auth failed user=%s peer=%s", login, peer)
        return AuthResult(success=False, handled=False)

    def _throttled(self, key: str) -> bool:
        recent = [t for t in self._failures.get(key, ()) if time.monotonic() - t < AUTH_WINDOW]
        if recent:
            self._failures[key] = recent
        else:
            self._failures.pop(key, None)
        return len(recent) >= AUTH_MAX_FAILURES


def _peer_ip(session: Session) -> str:
    peer = session.peer
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "")


class _Handler:
    """aiosmtpd hooks; one instance serves every connection."""

    def __init__(self, server: SmtpServer) -> None:
        self._server = server

    async def handle_EHLO(
        self,
        smtp: SMTP,
        session: Session,
        envelope: SmtpEnvelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        if not self._server.authenticator.enabled:
            responses = [r for r in responses if not r[4:].startswith("AUTH")]
        return responses

    async def handle_MAIL(
        self,
        smtp: SMTP,
        session: Session,
        envelope: SmtpEnvelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        size = 0
        for option in mail_options:
            if option.upper().startswith("SIZE=") and option[5:].isdigit():
                size = int(option[5:])
        if isinstance(smtp, _GatewaySMTP) and not self._server.reserve(smtp, size):
            log.warning("MAIL refused: SIZE=%d beyond smtp.max_inflight_bytes", size)
            return INFLIGHT_FULL
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        smtp: SMTP,
        session: Session,
        envelope: SmtpEnvelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not session.authenticated and not self._server.allowed(_peer_ip(session)):
            log.warning("relay denied peer=%s rcpt=%s", _peer_ip(session), address)
            return f"554 5.7.1 <{address}>: relay access denied (client not allowed; authenticate over STARTTLS)"
        if len(envelope.rcpt_tos) >= self._server.settings.max_recipients:
            return "452 4.5.3 too many recipients, send the rest in another message"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: SmtpEnvelope) -> str:
        record = Envelope(
            # aiosmtpd keeps the null reverse-path as "<>"; we use "" (RFC 5321 §4.5.5).
            mail_from="" if envelope.mail_from in (None, "<>") else envelope.mail_from,
            rcpt_to=tuple(envelope.rcpt_tos),
            client_addr=_peer_ip(session),
            helo=session.host_name or "",
            tls=session.ssl is not None,
            auth_user=str(session.auth_data) if session.authenticated else None,
            smtputf8=bool(envelope.smtp_utf8),
        )
        raw = envelope.original_content or b""
        if isinstance(smtp, _GatewaySMTP):
            smtp._data_complete = True  # the whole message is here: the DATA watchdog stops
        reply = await self._server.pipeline.process(record, raw)
        return str(reply)

    async def handle_exception(self, error: Exception) -> str:
        log.error("SMTP session fault: %s", type(error).__name__, exc_info=error)
        return str(INTERNAL_FAULT)


class _GatewaySMTP(SMTP):
    """aiosmtpd's SMTP with our AUTH-before-TLS answer, shutdown and in-flight tracking."""

    def __init__(self, server: SmtpServer, handler: _Handler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._gateway = server
        self._refused = False
        self._data_bytes = 0
        self._data_complete = False
        self._in_data = False
        self._memory_capped = False
        self._watchdog: asyncio.TimerHandle | None = None
        self.reserved = 0  # the SIZE declared at MAIL for the transaction under way

    async def smtp_AUTH(self, arg: str) -> None:
        if not self._gateway.authenticator.enabled:
            await self.push("502 5.5.1 AUTH not available")
            return
        if self._tls_protocol is None:
            await self.push("530 5.7.0 Must issue a STARTTLS command first")
            return
        await super().smtp_AUTH(arg)

    # PLAIN (RFC 4616) and LOGIN as aiosmtpd parses them, but checked off the event loop.
    async def auth_PLAIN(self, _: Any, args: list[str]) -> AuthResult:
        data = await self._initial(args, "")
        if data is None:
            return AuthResult(success=False, handled=True)
        try:
            _authz, login, password = data.split(b"\x00")
        except ValueError:
            await self.push("501 5.5.2 Can't split auth value")
            return AuthResult(success=False, handled=True)
        return await self._gateway.authenticator.verify(login, password, self._peer())

    async def auth_LOGIN(self, _: Any, args: list[str]) -> AuthResult:
        login = await self._initial(args, self.AuthLoginUsernameChallenge)
        if login is None:
            return AuthResult(success=False, handled=True)
        password = await self.challenge_auth(self.AuthLoginPasswordChallenge)
        if not isinstance(password, bytes):
            return AuthResult(success=False, handled=True)
        return await self._gateway.authenticator.verify(login, password, self._peer())

    async def _initial(self, args: list[str], challenge: str) -> bytes | None:
        """The initial response (RFC 4954 §4), given inline or after a 334 challenge."""
        if len(args) > 1:
            return await self._b64(args[1])
        answer = await self.challenge_auth(challenge)
        if not isinstance(answer, bytes):  # "*" cancelled, or not base64: already answered
            return None
        return answer

    async def _b64(self, text: str) -> bytes | None:
        try:
            return base64.b64decode(text.encode(), validate=True)
        except (binascii.Error, ValueError):
            await self.push("501 5.5.2 Can't decode base64")
            return None

    def _peer(self) -> str:
        return _peer_ip(self.session) if self.session is not None else ""

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        """aiosmtpd parses every MAIL/RCPT path with the e-mail header parser, a visible share
        of a session's CPU; the common ``<dot-atom@domain>`` is read here to the same result
        and anything else (quoted local parts, literals, non-ASCII, ``<>``) goes to it."""
        match = _PLAIN_PATH.match(arg)
        rest = arg[match.end() :] if match is not None else ""
        if match is None or "(" in rest:  # a comment after the path: the parser's business
            return super()._getaddr(arg)
        address = match.group(1)
        if self.local_part_limit and len(address.rpartition("@")[0]) > self.local_part_limit:
            return None, None
        return address, rest.lstrip(" \t")

    async def smtp_MAIL(self, arg: str | None) -> None:
        if self._gateway.closing:
            # RFC 5321 §3.8: 421 when the service is shutting down; the client retries.
            await self.push("421 4.3.2 gateway shutting down, try again later")
            if self.transport is not None:
                self.transport.close()
            return
        await super().smtp_MAIL(arg)

    async def smtp_DATA(self, arg: str) -> None:
        self._gateway.inflight += 1
        self._data_bytes = 0
        self._data_complete = False
        # smtp.max_inflight_bytes: this message may use what the others in DATA or in the
        # pipeline leave; aiosmtpd discards what goes beyond, and push() turns its 552 into 452
        settings = self._gateway.settings
        room = settings.max_inflight_bytes - self._gateway.data_in_flight(self)
        self._memory_capped = room < settings.max_message_size
        self.data_size_limit = max(1, min(settings.max_message_size, room))
        self._in_data = True
        self._watch_data(time.monotonic())
        try:
            await super().smtp_DATA(arg)
        finally:
            if self._watchdog is not None:
                self._watchdog.cancel()
                self._watchdog = None
            self._in_data = False
            self.reserved = 0
            self.data_size_limit = settings.max_message_size
            self._gateway.inflight -= 1
            self._gateway.changed()

    async def push(self, status: AnyStr) -> None:
        if (
            isinstance(status, str)
            and status.startswith("552")
            and self._memory_capped
            and self._data_bytes <= self._gateway.settings.max_message_size
        ):
            # not too big in itself, only for now (RFC 5321 §4.5.3.1.10: 452, retry later)
            log.warning("DATA refused: in-flight bytes at smtp.max_inflight_bytes")
            await super().push(INFLIGHT_FULL)
            return
        await super().push(status)

    def _watch_data(self, started: float) -> None:
        """Cut a client that trickles DATA: the message must arrive within
        ``smtp.data_deadline`` and, after a short grace, at ``smtp.min_data_rate`` on average.
        aiosmtpd's idle timeout alone is reset by every byte (RFC 5321 §4.5.3.2.6 allows a
        server to give up on a DATA block that takes too long). Checked once a second by a
        timer (no task per message)."""
        settings = self._gateway.settings
        self._watchdog = None
        if self._data_complete:
            return
        elapsed = time.monotonic() - started
        too_slow = (
            settings.min_data_rate > 0
            and elapsed >= _RATE_GRACE
            and self._data_bytes < settings.min_data_rate * elapsed
        )
        if elapsed >= settings.data_deadline or too_slow:
            log.warning(
                "DATA too slow peer=%s bytes=%d seconds=%.0f",
                self._peer(),
                self._data_bytes,
                elapsed,
            )
            if isinstance(self.transport, asyncio.WriteTransport):
                self.transport.write(b"421 4.4.2 DATA too slow, closing connection\r\n")
                self.transport.close()
            return
        self._watchdog = asyncio.get_running_loop().call_later(1.0, self._watch_data, started)

    @property
    def data_bytes(self) -> int:
        return self._data_bytes if self._in_data else 0

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        self._data_bytes += len(data)
        super().data_received(data)

    def eof_received(self) -> bool | None:
        if self._refused:
            return False
        return super().eof_received()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self.transport is not None:  # STARTTLS: the same connection, already admitted
            super().connection_made(transport)
            return
        self._data_bytes = 0
        self._data_complete = False
        if self._gateway.closing_connection(self, transport):
            self._refused = True
            return
        self._refused = False
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        self._gateway.forget(self)
        if self._refused:
            return
        super().connection_lost(error)

    def close_now(self) -> None:
        if self.transport is not None:
            self.transport.close()


class SmtpServer:
    """Listens on ``smtp.listen``; ``stop()`` drains transactions already past DATA."""

    def __init__(
        self,
        settings: SmtpSettings,
        pipeline: Pipeline,
        *,
        host: str | None = None,
        port: int | None = None,
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self._networks = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]
        self._host, self._port = settings.host_port
        if host is not None:
            self._host = host
        if port is not None:
            self._port = port
        self.authenticator = Authenticator(settings.auth_users)
        self._tls = tls_context(settings)
        if self.authenticator.enabled and self._tls is None:
            log.warning(
                "smtp.auth_users is set but STARTTLS is not configured: AUTH is unavailable"
            )
        self._handler = _Handler(self)
        self._server: asyncio.Server | None = None
        self.connections: set[_GatewaySMTP] = set()
        self._peers: dict[_GatewaySMTP, str] = {}
        self._per_client: dict[str, int] = {}
        self._refused_count = 0
        self._refused_logged = -_ACCEPT_LOG_INTERVAL
        self.inflight = 0
        self.closing = False
        self._changed = asyncio.Event()

    def allowed(self, ip: str) -> bool:
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in net for net in self._networks)

    def _protocol(self) -> _GatewaySMTP:
        return _GatewaySMTP(
            self,
            self._handler,
            data_size_limit=self.settings.max_message_size,
            enable_SMTPUTF8=True,
            hostname=self.settings.hostname,
            ident=_IDENT,
            tls_context=self._tls,
            timeout=self.settings.timeout,
            auth_require_tls=True,
            auth_exclude_mechanism=_excluded_mechanisms(("PLAIN", "LOGIN")),
            loop=asyncio.get_running_loop(),
        )

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        _quiet_accept_errors()
        try:
            self._server = await loop.create_server(self._protocol, self._host, self._port)
        except OSError as exc:
            raise SettingsError(
                [
                    f"setting smtp.listen: cannot listen on {self._host}:{self._port} ({exc.strerror})"
                ]
            ) from None

    @property
    def port(self) -> int:
        assert self._server is not None and self._server.sockets
        return int(self._server.sockets[0].getsockname()[1])

    def changed(self) -> None:
        self._changed.set()

    def data_in_flight(self, besides: _GatewaySMTP | None = None) -> int:
        """Bytes of DATA held now (received by transactions in DATA or in the pipeline) or
        reserved by a SIZE declared at MAIL, over every connection but ``besides``."""
        return sum(max(c.reserved, c.data_bytes) for c in self.connections if c is not besides)

    def reserve(self, connection: _GatewaySMTP, size: int) -> bool:
        """RFC 1870 §6.1: a transaction declaring SIZE that would take the bytes in flight past
        ``smtp.max_inflight_bytes`` is refused at MAIL (452), before anything is sent."""
        if size and self.data_in_flight(connection) + size > self.settings.max_inflight_bytes:
            return False
        connection.reserved = size
        return True

    def closing_connection(
        self, connection: _GatewaySMTP, transport: asyncio.BaseTransport
    ) -> bool:
        """Admit a new connection, or answer ``421 4.7.0`` and close it when the total or this
        client address's share of ``smtp.max_connections`` is used (RFC 5321 §3.8)."""
        peer = transport.get_extra_info("peername")
        ip = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        per_client = self._per_client.get(ip, 0)
        if (
            len(self.connections) >= self.settings.max_connections
            or per_client >= self.settings.max_connections_per_client
        ):
            self._refused_count += 1
            now = time.monotonic()
            if now - self._refused_logged >= _ACCEPT_LOG_INTERVAL:
                log.warning(
                    "connection limit: refused peer=%s (%d refused since the last line)",
                    ip,
                    self._refused_count,
                )
                self._refused_logged, self._refused_count = now, 0
            assert isinstance(transport, asyncio.WriteTransport)
            transport.write(TOO_MANY)
            transport.close()
            return True
        self.connections.add(connection)
        self._peers[connection] = ip
        self._per_client[ip] = per_client + 1
        return False

    def forget(self, connection: _GatewaySMTP) -> None:
        self.connections.discard(connection)
        ip = self._peers.pop(connection, None)
        if ip is not None:
            left = self._per_client.get(ip, 1) - 1
            if left > 0:
                self._per_client[ip] = left
            else:
                self._per_client.pop(ip, None)

    async def stop(self, drain_timeout: float) -> None:
        """Stop listening, let transactions past DATA finish, then close every connection."""
        self.closing = True
        if self._server is not None:
            self._server.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + drain_timeout
        while self.inflight > 0 and loop.time() < deadline:
            self._changed.clear()
            try:
                await asyncio.wait_for(
                    self._changed.wait(), timeout=max(0.0, deadline - loop.time())
                )
            except TimeoutError:
                break
        if self.inflight:
            log.error(
                "shutdown: %d transactions still in DATA after %.0fs", self.inflight, drain_timeout
            )
        for connection in list(self.connections):
            connection.close_now()
        if self._server is not None:
            await self._server.wait_closed()


class _AcceptErrorFilter(logging.Filter):
    """asyncio logs every failed ``accept()`` (out of descriptors) and retries a second later;
    under a connection flood that is thousands of lines. Keep one per interval, with a count."""

    def __init__(self) -> None:
        super().__init__()
        self._last = -_ACCEPT_LOG_INTERVAL
        self._dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith("socket.accept() out of system resource"):
            return True
        now = time.monotonic()
        if now - self._last < _ACCEPT_LOG_INTERVAL:
            self._dropped += 1
            return False
        if self._dropped:
            record.msg = f"{record.msg} ({self._dropped} more since the last line)"
        self._last, self._dropped = now, 0
        record.exc_info = None  # the same OSError each time: no traceback per line
        return True


def _quiet_accept_errors() -> None:
    logger = logging.getLogger("asyncio")
    if not any(isinstance(f, _AcceptErrorFilter) for f in logger.filters):
        logger.addFilter(_AcceptErrorFilter())


def _excluded_mechanisms(offered: Iterable[str]) -> list[str]:
    """aiosmtpd also implements other mechanisms in handlers; offer only PLAIN and LOGIN."""
    known = {"PLAIN", "LOGIN", "CRAM-MD5"}
    return sorted(known - set(offered))
