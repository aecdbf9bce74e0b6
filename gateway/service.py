"""``serve``: the running gateway — SMTP listener, console, scope reload and periodic jobs.

Everything shares one event loop: the SMTP server (aiosmtpd protocols), the console
(uvicorn ``Server`` on the same loop, its own signal handling switched off), the scope-file
poller and the quarantine jobs from ``gateway.review`` (release retries every 10 s, expiry and
gauges every 60 s, the officers' digest daily at ``notify.digest_hour``, an audit checkpoint every
``audit.checkpoint_seconds``, mailed to the auditors with ``audit.checkpoint_mail``).

Signals: SIGTERM/SIGINT stop listening, let transactions already in DATA finish (their
clients get their reply), close the rest with nothing accepted, and exit 0. SIGHUP reloads
the scope tables. ``Gateway`` is the same wiring without signals, for tests and embedding.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any

import uvicorn

from gateway.console.app import create_app
from gateway.console.health import Health
from gateway.errors import SettingsError, StoreError
from gateway.inspection import Inspector
from gateway.logs import setup_logging
from gateway.metrics import Metrics
from gateway.notify import Notifier
from gateway.relay import OutboxRelay, Relay, make_relay
from gateway.reload import ScopeWatcher, update_term_gauge
from gateway.review import Review
from gateway.review.checkpoint_mail import CheckpointMailer
from gateway.settings import Settings, check_writable
from gateway.smtp.pipeline import Inspecting, Pipeline
from gateway.smtp.server import Authenticator, SmtpServer, tls_context
from gateway.store import cases as store_cases
from gateway.store import claims, scope_versions
from gateway.store.audit import adopt_legacy, check_key, write_checkpoint
from gateway.store.engine import (
    AsyncEngine,
    Sessions,
    make_engine,
    make_sessionmaker,
    store_errors,
)
from gateway.store.keys import load_fingerprint_key, load_key, retired_keys
from gateway.store.migrations import upgrade
from gateway.store.quarantine import Quarantine
from gateway.store.registry import load_registrations, registry_version

log = logging.getLogger("dlp_gateway.service")

__all__ = ["Gateway", "serve"]

RELEASE_INTERVAL = 10.0
HOUSEKEEPING_INTERVAL = 60.0


class _ConsoleServer(uvicorn.Server):
    """uvicorn on our loop: the gateway owns the signals, not uvicorn."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SettingsError(
            [f"setting console.listen: cannot listen on {host}:{port} ({exc.strerror})"]
        ) from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


class Gateway:
    """The whole service, started and stopped in-process.

    ``inspector`` and ``relay`` may be given (tests inject a sink relay or, for the one
    inspection-timeout test, a slow inspector); by default they come from the settings.
    ``smtp_port``/``console_port`` override the listen ports (0 = ephemeral).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        inspector: Inspecting | None = None,
        relay: Relay | None = None,
        smtp_port: int | None = None,
        console_port: int | None = None,
        scope_poll_seconds: float = 2.0,
    ) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self._given_inspector = inspector
        self._given_relay = relay
        self._smtp_port = smtp_port
        self._console_port = console_port
        self._scope_poll = scope_poll_seconds
        self._fingerprint_key = b""
        self._tasks: list[asyncio.Task[Any]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._stopping = asyncio.Event()
        self._engine: AsyncEngine | None = None
        self._console: _ConsoleServer | None = None
        self._console_sock: socket.socket | None = None
        self._owns_inspector = inspector is None
        self.inspector: Any = inspector
        self.relay: Relay | None = relay
        self.smtp: SmtpServer | None = None
        self.watcher: ScopeWatcher | None = None
        self.sessionmaker: Sessions | None = None
        self.review: Review | None = None
        self.notifier: Notifier | None = None
        self._checkpoint_mail: CheckpointMailer | None = None
        # names this process in cluster-wide claims (several instances share one database)
        self.instance_id = f"{settings.smtp.hostname}:{socket.gethostname()}:{os.getpid()}"

    # -- start / stop -----------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        s = self.settings
        tls_context(s.smtp)  # a bad certificate pair fails now, before anything starts
        Authenticator(s.smtp.auth_users)
        check_writable(s)  # the first thing that creates anything (data_dir, outbox)
        url = s.effective_database_url
        audit_key = load_key(s)
        await upgrade(url)
        self._engine = make_engine(url)
        self.sessionmaker = make_sessionmaker(
            self._engine, audit_key=audit_key, retired_keys=retired_keys(s)
        )
        with store_errors():
            await adopt_legacy(self.sessionmaker)
            await check_key(self.sessionmaker)
        if self.relay is None:
            self.relay = make_relay(s)
        if isinstance(self.relay, OutboxRelay):
            message = (
                f"no upstream configured (relay.host): clean and released mail is written to "
                f"{self.relay.directory.resolve()}/ instead of being sent"
            )
            log.warning(message)
            print(f"dlp-gateway: WARNING: {message}", file=sys.stderr, flush=True)
        self._fingerprint_key = load_fingerprint_key(s)  # pinned across key rotations
        if self.inspector is None:
            inspector = Inspector(s.scope_dir, s.limits)
            with store_errors():
                inspector.registrations = await load_registrations(
                    self.sessionmaker, self._fingerprint_key
                )
            await inspector.start()
            self.inspector = inspector
        update_term_gauge(self.inspector, self.metrics)
        if hasattr(self.inspector, "on_worker_restart"):
            self.inspector.on_worker_restart = self.metrics.worker_restarts_total.inc
        await self._record_scope("start")
        self.notifier = Notifier(self.relay, s, self.metrics, sessionmaker=self.sessionmaker)
        if s.audit.checkpoint_mail:
            self._checkpoint_mail = CheckpointMailer(
                s, self.sessionmaker, self.relay, self.notifier, self.metrics
            )
        quarantine = Quarantine(self.sessionmaker, gateway_id=s.smtp.hostname)
        self.review = Review(self.sessionmaker, self.relay, self.notifier, self.metrics, s)
        pipeline = Pipeline(
            settings=s,
            inspector=self.inspector,
            relay=self.relay,
            quarantine=quarantine,
            notifier=self.notifier,
            metrics=self.metrics,
            background=self._spawn,
        )
        self.smtp = SmtpServer(s.smtp, pipeline, port=self._smtp_port)
        await self.smtp.start()
        await self._start_console()
        if hasattr(self.inspector, "reload"):
            self.watcher = ScopeWatcher(
                self.inspector,
                s.scope_dir,
                self.metrics,
                interval=self._scope_poll,
                on_loaded=self._record_scope,
            )
            self._tasks.append(
                asyncio.create_task(self.watcher.run(self._stopping), name="scope-watch")
            )
            self._tasks.append(
                asyncio.create_task(
                    self._every(self._scope_poll, self._registry_job), name="registry-watch"
                )
            )
        self._tasks += [
            asyncio.create_task(self._every(RELEASE_INTERVAL, self._release_job), name="release"),
            asyncio.create_task(
                self._every(HOUSEKEEPING_INTERVAL, self._housekeeping_job), name="housekeeping"
            ),
            asyncio.create_task(self._digest_loop(), name="digest"),
            asyncio.create_task(
                self._every(s.audit.checkpoint_seconds, self.checkpoint), name="audit-checkpoint"
            ),
        ]
        log.info(
            "gateway started",
            extra={
                "smtp": f"{s.smtp.host_port[0]}:{self.smtp_port}",
                "console": f"{s.console.host_port[0]}:{self.console_port}",
                "scope": getattr(self.inspector, "version", "")[:12],
                "relay": s.relay.host or "outbox",
            },
        )

    async def _record_scope(self, trigger: str) -> None:
        """Keep the loaded tables' text under their version (table history); a failure costs
        only the history entry."""
        assert self.sessionmaker is not None
        try:
            await scope_versions.record(
                self.sessionmaker,
                self.settings.scope_dir,
                f"{self.settings.smtp.hostname} {trigger}",
            )
        except (OSError, StoreError) as exc:
            log.warning("scope tables not kept in the history: %s", exc)

    async def _start_console(self) -> None:
        assert self.sessionmaker is not None and self.relay is not None
        assert self.notifier is not None
        host, port = self.settings.console.host_port
        if self._console_port is not None:
            port = self._console_port
        app = create_app(self.settings, self.sessionmaker, self.relay, self.metrics, self.notifier)
        app.state.health = Health(self.sessionmaker, self.inspector, self.relay)
        self._console_sock = _bind(host, port)
        config = uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="on", server_header=False
        )
        self._console = _ConsoleServer(config)
        self._tasks.append(
            asyncio.create_task(self._console.serve(sockets=[self._console_sock]), name="console")
        )
        while not self._console.started:
            task = self._tasks[-1]
            if task.done():
                task.result()  # surfaces the console's start-up error
                raise SettingsError(["console: could not start"])
            await asyncio.sleep(0.01)

    @property
    def smtp_port(self) -> int:
        assert self.smtp is not None
        return self.smtp.port

    @property
    def console_port(self) -> int:
        assert self._console_sock is not None
        return int(self._console_sock.getsockname()[1])

    async def stop(self) -> None:
        """Drain SMTP transactions in DATA, finish notices, close everything (idempotent)."""
        s = self.settings
        if self.smtp is not None:
            await self.smtp.stop(drain_timeout=s.limits.timeout + s.relay.timeout + 10)
            self.smtp = None
        if self._background:
            await asyncio.wait(list(self._background), timeout=s.relay.timeout + 5)
        self._stopping.set()
        if self._console is not None:
            self._console.should_exit = True
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=s.relay.timeout + 10)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=5)
        self._tasks = []
        if self.notifier is not None:
            await self.notifier.close(timeout=s.relay.timeout + 5)
        self._console = None
        if self._console_sock is not None:
            self._console_sock.close()
        if self._engine is not None:
            try:  # anchors the entries of this run (tail-cut detection), while the relay is up
                await self.checkpoint()
            except Exception:
                log.exception("audit checkpoint at shutdown failed")
        if self._owns_inspector and self.inspector is not None:
            await self.inspector.close()
            self.inspector = None
        if self.relay is not None and self._given_relay is None:
            await self.relay.close()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    # -- background work ----------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def wait_background(self) -> None:
        """For tests: wait until the notices of answered messages are sent."""
        while self._background:
            await asyncio.wait(list(self._background))

    async def _pause(self, seconds: float) -> bool:
        """Sleep unless stopping; True when the gateway is stopping."""
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    async def _every(self, seconds: float, job: Callable[[], Awaitable[None]]) -> None:
        # Jobs are never cancelled half-way (a cancelled database call can leave a
        # connection or a claim behind); stop() sets ``_stopping`` and waits for them.
        while not self._stopping.is_set():
            try:
                await job()
            except Exception:
                log.exception("periodic job %s failed; retrying later", job.__name__)
            if await self._pause(seconds):
                return

    async def _registry_job(self) -> None:
        """Registered secrets take effect without restart: reload when their set changed."""
        inspector = self.inspector
        if self.sessionmaker is None or not isinstance(inspector, Inspector):
            return
        with store_errors():
            version = await registry_version(self.sessionmaker)
            current = inspector.registrations.version if inspector.registrations else ""
            if version == current:
                return
            registrations = await load_registrations(self.sessionmaker, self._fingerprint_key)
        if await inspector.set_registrations(registrations):
            log.info("registered secrets reloaded", extra={"version": registrations.version})

    async def _release_job(self) -> None:
        assert self.review is not None
        delivered = await self.review.deliver_pending()
        if delivered:
            log.info("released cases delivered", extra={"count": delivered})

    async def checkpoint(self) -> None:
        """Append a signed checkpoint of the audit chain's head outside the database (and mail
        it to the auditors with ``audit.checkpoint_mail``)."""
        if self.sessionmaker is None:
            return
        point = await write_checkpoint(self.sessionmaker, self.settings.audit_checkpoint_file)
        if self._checkpoint_mail is not None:  # the new point, or a retry of an unsent one
            await self._checkpoint_mail.tick(point, self.instance_id)

    async def _housekeeping_job(self) -> None:
        assert self.review is not None
        expired, purged = await self.review.expire_and_purge()
        if expired or purged:
            log.info("quarantine housekeeping", extra={"expired": expired, "purged": purged})
        await self.review.refresh_gauges()

    async def _digest_loop(self) -> None:
        while True:
            now = dt.datetime.now().astimezone()
            due = now.replace(
                hour=self.settings.notify.digest_hour, minute=0, second=0, microsecond=0
            )
            if due <= now:
                due += dt.timedelta(days=1)
            if await self._pause((due - now).total_seconds()):
                return
            try:
                await self.daily_digest(due.date())
            except Exception:
                log.exception("daily digest failed")

    async def daily_digest(self, day: dt.date) -> bool:
        """Send the digest of ``day`` unless another instance of the cluster has claimed it."""
        assert self.sessionmaker is not None
        period = day.isoformat()
        if not await claims.claim(self.sessionmaker, "digest", period, self.instance_id):
            log.info("daily digest already claimed by another instance", extra={"day": period})
            return False
        try:
            await self.send_digest()
        except BaseException:
            await claims.release(self.sessionmaker, "digest", period)
            raise
        return True

    async def send_digest(self) -> None:
        assert self.sessionmaker is not None and self.notifier is not None
        await self.notifier.digest(await store_cases.open_cases(self.sessionmaker))


async def serve(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT; 0 after a clean drain."""
    setup_logging(settings.log_level)
    gateway = Gateway(settings)
    await gateway.start()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if gateway.watcher is not None:
        watcher = gateway.watcher
        loop.add_signal_handler(signal.SIGHUP, watcher.trigger)
    smtp_host = settings.smtp.host_port[0]
    console_host = settings.console.host_port[0]
    print(
        f"dlp-gateway: SMTP on {smtp_host}:{gateway.smtp_port}, "
        f"console on http://{console_host}:{gateway.console_port}/",
        file=sys.stderr,
        flush=True,
    )
    try:
        await stop.wait()
        log.info("shutting down: draining transactions in progress")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            loop.remove_signal_handler(sig)
        await gateway.stop()
    log.info("stopped")
    return 0
