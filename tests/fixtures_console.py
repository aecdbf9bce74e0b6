"""Fixtures for the console tests: a real store (SQLite file or PostgreSQL), a real SMTP sink,
officer accounts, realistic held cases, and the console served by uvicorn on loopback."""

from __future__ import annotations

import asyncio
import functools
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
import uvicorn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.console.app import create_app
from gateway.metrics import Metrics
from gateway.notify import Notifier
from gateway.relay import SmtpRelay, make_relay
from gateway.review import Review
from gateway.settings import Settings
from gateway.store import cases as store_cases
from gateway.store.accounts import hash_password
from gateway.store.engine import make_engine, make_sessionmaker
from gateway.store.migrations import upgrade
from gateway.store.models import Case, User
from tests.conftest import require_tool
from tests.support.cases import hold_message
from tests.support.messages import message
from tests.support.settings import AUDIT_KEY as AUDIT_KEY
from tests.support.settings import make_settings as support_settings
from tests.support.upstream import Received as Received
from tests.support.upstream import RunningUpstream, Upstream

T = TypeVar("T")
PASSWORD = "correct-horse-9"
SENDER = "zhang.san@gov.example.cn"
EXTERNAL = "partner@qq.com"

# name -> (role, own addresses)
OFFICERS: dict[str, tuple[str, list[str]]] = {
    "shen": ("reviewer", ["shen@gov.example.cn"]),  # 审核
    "li": ("approver", ["li@gov.example.cn"]),  # 审批
    "wang": ("approver", ["wang@gov.example.cn"]),
    "zhang": ("reviewer", [SENDER]),  # the sender of the test mail: may not review it
    "auditor": ("auditor", []),
    "admin": ("admin", []),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- PostgreSQL --------------------------------------------------------------------------------


@dataclass
class PgServer:
    bindir: Path
    port: int
    as_postgres: list[str]

    def new_database(self) -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        subprocess.run(
            [
                *self.as_postgres,
                str(self.bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                name,
            ],
            check=True,
            capture_output=True,
        )
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PgServer]:
    """A throw-away PostgreSQL on loopback (Debian ``postgresql``), run as the postgres user."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = require_tool(found[-1] if found else "initdb", "the PostgreSQL run of the store tests")
    bindir = Path(initdb).parent
    # Not under pytest's tmp dir: the postgres user cannot enter root's 0700 directories.
    root = Path(tempfile.mkdtemp(prefix="dlp-test-pg-"))
    data = root / "data"
    as_postgres: list[str] = []
    if os.getuid() == 0:
        shutil.chown(root, "postgres")
        root.chmod(0o700)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield PgServer(bindir, port, as_postgres)
    finally:
        subprocess.run(
            [
                *as_postgres,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed: {done.stderr or done.stdout}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store's URL: a SQLite file, then a fresh PostgreSQL database (same tests, both)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}"
    server: PgServer = request.getfixturevalue("postgres_server")
    return server.new_database()


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await upgrade(db_url)
    engine = make_engine(db_url)
    try:
        yield make_sessionmaker(engine, audit_key=AUDIT_KEY)
    finally:
        await engine.dispose()


# -- the upstream smarthost: a real aiosmtpd sink ------------------------------------------------


Sink = Upstream  # the one fake upstream (tests/support/upstream.py)
SinkHandler = Upstream  # ``sink.handler`` is the upstream itself


@pytest.fixture
def sink() -> Iterator[Upstream]:
    with RunningUpstream() as running:
        yield running


def make_settings(tmp_path: Path, db_url: str, sink_port: int | None, **extra: Any) -> Settings:
    """The support settings builder, as the console tests use it: the test sender's domain
    internal (only internal senders hear of their mail), no officers' mailbox, short release
    retries."""
    values: dict[str, Any] = {
        "internal_domains": [SENDER.rpartition("@")[2]],
        "notify": {"officers": [], "sender": "dlp-gateway@localhost"},
        "quarantine": {"release_retry_seconds": [60, 300]},
        **extra,
    }
    return support_settings(tmp_path, sink_port, database_url=db_url, **values)


# -- accounts and cases ------------------------------------------------------------------------


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


async def add_officers(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """The test accounts, inserted directly (argon2 once per session keeps the tests quick)."""
    now = datetime.now(UTC)
    async with sessions() as session, session.begin():
        for name, (role, emails) in OFFICERS.items():
            session.add(
                User(
                    name=name,
                    role=role,
                    emails=emails,
                    password_hash=_password_hash(),
                    disabled=False,
                    failed_logins=0,
                    created_at=now,
                    password_changed_at=now,
                )
            )


BODY = "各位领导：\n现将《某某村征地拆迁补偿方案》报送审阅，补偿标准见附件。\n"
#: The attachment of a two-person case: a 干部人事 list (two-person in the console tables).
DOC_TEXT = "干部调整建议名单\n拟提拔：王某某 任办公室副主任\n考察对象：李某某\n"
#: The attachment of a single case: more of the same 征地拆迁 matter.
SINGLE_DOC = "附件：东湖片区青苗补偿标准测算表（按亩计算）。\n"
SUBJECT = "关于征地拆迁补偿方案的请示"


def build_raw(
    subject: str,
    body: str,
    attachment_name: str,
    mail_from: str,
    rcpt: list[str],
    doc: str = DOC_TEXT,
) -> bytes:
    return message(
        body,
        subject=subject,
        sender=mail_from,
        to=", ".join(rcpt),
        display_name="张三",
        attachment=(attachment_name, doc.encode("utf-8"), DOCX),
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def insert_case(
    sessions: async_sessionmaker[AsyncSession],
    *,
    two_person: bool = False,
    subject: str = SUBJECT,
    body: str = BODY,
    attachment_name: str = "拆迁补偿方案.docx",
    mail_from: str = SENDER,
    rcpt: list[str] | None = None,
    received_at: datetime | None = None,
    state: str = "pending",
    review: Review | None = None,
) -> Case:
    """A held case made the way production makes it: the message is inspected (console tables:
    征地拆迁 single, 干部人事 two-person) and held by ``Quarantine.hold``. A ``two_person`` case
    carries the 干部人事 list as its attachment. ``state`` ``released`` or ``rejected`` is then
    reached through the officers' real actions on ``review`` (:func:`decide_case`)."""
    rcpt = rcpt or [EXTERNAL]
    doc = DOC_TEXT if two_person else SINGLE_DOC
    raw = build_raw(subject, body, attachment_name, mail_from, rcpt, doc)
    case = await hold_message(
        sessions, raw, sender=mail_from, rcpt=tuple(rcpt), received_at=received_at
    )
    expected = "two-person" if two_person else "single"
    assert case.release_mode == expected, f"insert_case: held as {case.release_mode}"
    if state == "pending":
        return case
    if review is None:
        raise TypeError("insert_case: a decided case needs the review whose officers decide it")
    return await decide_case(sessions, review, case, state)


RELEASE_REASON = "经核实为已公开的补偿标准，同意发出"
REJECT_REASON = "含未公开的征地拆迁方案，不得外发"


async def decide_case(
    sessions: async_sessionmaker[AsyncSession], review: Review, case: Case, state: str
) -> Case:
    """Decide a held case as officers do: ``released`` by shen (a two-person case: shen 审核,
    then li 审批 and 放行), ``rejected`` by shen; the release is delivered through the review's
    relay. Returns the stored case with its timeline."""
    if state == "released":
        if case.release_mode == "two-person":
            await review.release(case.id, "shen", RELEASE_REASON)
            done = await review.release(case.id, "li", RELEASE_REASON)
        else:
            done = await review.release(case.id, "shen", RELEASE_REASON)
    elif state == "rejected":
        done = await review.reject(case.id, "shen", REJECT_REASON)
    else:
        raise ValueError(f"decide_case: officers do not decide a case into {state!r}")
    assert done.state.value == state, f"decide_case: {done.message}"
    decided = await store_cases.case_with_timeline(sessions, case.id)
    assert decided is not None
    return decided


async def outbox_review(sessions: async_sessionmaker[AsyncSession], data_dir: Path) -> Review:
    """The officers and a Review over ``sessions`` whose relay is the outbox under ``data_dir``
    (no upstream): for store tests that need decided cases."""
    settings = make_settings(data_dir, "sqlite+aiosqlite://", None)
    await add_officers(sessions, settings)
    relay = make_relay(settings)
    metrics = Metrics()
    notifier = Notifier(relay, settings, metrics, sessionmaker=sessions)
    return Review(sessions, relay, notifier, metrics, settings)


# -- services around the store -------------------------------------------------------------------


@dataclass
class Services:
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    review: Review
    metrics: Metrics
    relay: SmtpRelay
    sink: SinkHandler


@pytest.fixture
async def services(
    store: async_sessionmaker[AsyncSession], sink: Sink, db_url: str, tmp_path: Path
) -> AsyncIterator[Services]:
    settings = make_settings(tmp_path, db_url, sink.port)
    relay = SmtpRelay(settings.relay)
    metrics = Metrics()
    notifier = Notifier(relay, settings, metrics, sessionmaker=store)
    await add_officers(store, settings)
    try:
        yield Services(
            store,
            settings,
            Review(store, relay, notifier, metrics, settings),
            metrics,
            relay,
            sink.handler,
        )
    finally:
        await relay.close()


# -- the console on a real port ------------------------------------------------------------------


class LiveConsole:
    """The console app under uvicorn on 127.0.0.1:<ephemeral>, in its own thread and loop.

    Sync tests (browser, requests, schemathesis) talk to it over HTTP and seed the store with
    :meth:`call`, which runs a coroutine in the server's loop.
    """

    def __init__(self, tmp_path: Path, sink_port: int, **settings: Any) -> None:
        self.db_path = tmp_path / "console.sqlite3"
        self.db_url = f"sqlite+aiosqlite:///{self.db_path}"
        self.settings = make_settings(tmp_path, self.db_url, sink_port, **settings)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._server: uvicorn.Server | None = None
        self._thread = threading.Thread(target=self._run, name="live-console", daemon=True)
        self.sessions: async_sessionmaker[AsyncSession] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveConsole:
        self._thread.start()
        if not self._ready.wait(30) or self._failed is not None:
            raise RuntimeError(f"console did not start: {self._failed!r}")
        return self

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to start()
            self._failed = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        await upgrade(self.db_url)
        engine = make_engine(self.db_url)
        self.sessions = make_sessionmaker(engine, audit_key=AUDIT_KEY)
        relay = SmtpRelay(self.settings.relay)
        metrics = Metrics()
        notifier = Notifier(relay, self.settings, metrics, sessionmaker=self.sessions)
        self.review = Review(self.sessions, relay, notifier, metrics, self.settings)
        app = create_app(self.settings, self.sessions, relay, metrics, notifier)
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if task.done():
                await task
            await asyncio.sleep(0.02)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await task
        finally:
            await relay.close()
            await engine.dispose()

    def call(self, factory: Callable[[async_sessionmaker[AsyncSession]], Awaitable[T]]) -> T:
        assert self._loop is not None and self.sessions is not None
        sessions = self.sessions

        async def run() -> T:
            return await factory(sessions)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(60)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(30)


@pytest.fixture
def live_console(tmp_path: Path, sink: Sink) -> Iterator[LiveConsole]:
    console = LiveConsole(tmp_path, sink.port).start()
    console.call(lambda s: add_officers(s, console.settings))
    try:
        yield console
    finally:
        console.stop()


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(base_url: str, name: str, password: str = PASSWORD) -> requests.Session:
    """A browser-like HTTP session signed in through the login form."""
    http = requests.Session()
    form = http.get(f"{base_url}/login", timeout=10)
    reply = http.post(
        f"{base_url}/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(form.text), "next": "/"},
        timeout=30,
    )
    assert reply.status_code == 200 and "login" not in reply.url, reply.text[:500]
    return http


@pytest.fixture(autouse=True)
def _sender_rate_limit_fresh() -> None:
    """Each test starts with the sender pages' per-client counter empty (one process, one
    client address for every test)."""
    from gateway.console import sender_pages

    sender_pages._posts.clear()
