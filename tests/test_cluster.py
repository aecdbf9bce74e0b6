"""Several gateway instances on one PostgreSQL behind one relay sink act as one gateway.

Two real ``dlp-gateway serve`` processes: both receive; a case held by one is released from the
other's console; concurrent audited actions on both leave one chain that verifies; killing one
instance loses nothing and the other carries on. Cluster-wide jobs: one digest per day; expiry,
purge and release retries act once per case with two instances racing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, update

from gateway.metrics import Metrics
from gateway.notify import Notifier
from gateway.relay import SmtpRelay
from gateway.review import Review
from gateway.store import audit
from gateway.store.accounts import Accounts
from gateway.store.engine import make_engine, make_sessionmaker
from gateway.store.migrations import upgrade
from gateway.store.models import AuditEntry, Case, CaseState
from tests.fixtures_console import (
    AUDIT_KEY,
    PgServer,
    Sink,
    add_officers,
    csrf_of,
    days_ago,
    free_port,
    insert_case,
    make_settings,
    sign_in,
)
from tests.fixtures_smtp import GatewayFactory
from tests.fixtures_smtp import Sink as AsyncSink
from tests.fixtures_smtp import make_settings as gateway_settings

ROOT = Path(__file__).resolve().parent.parent
OFFICER_PASSWORD = "officer-pass-1"
SENSITIVE = "现将某村征地拆迁补偿方案报送审阅。\n"


def _message(text: str, subject: str = "请示") -> bytes:
    message = EmailMessage()
    message["From"] = "zhang.san@gov.example.cn"
    message["To"] = "partner@qq.com"
    message["Subject"] = subject
    message.set_content(text)
    return message.as_bytes()


def _send(port: int, text: str, subject: str = "请示") -> tuple[int, str]:
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        client.ehlo()
        client.mail("zhang.san@gov.example.cn")
        client.rcpt("partner@qq.com")
        code, reply = client.data(_message(text, subject))
    return code, reply.decode()


class Instance:
    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env
        self.smtp_port = int(env["DLP_SMTP__LISTEN"].rsplit(":", 1)[1])
        self.base = f"http://{env['DLP_CONSOLE__LISTEN']}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while True:
            try:
                requests.get(f"{self.base}/login", timeout=2)
                return
            except requests.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    err = self.proc.stderr.read() if self.proc.stderr else ""
                    pytest.fail(f"{self.name} did not start: {err}")
                time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def cluster(
    postgres_server: PgServer, sink: Sink, tmp_path: Path
) -> Iterator[tuple[Instance, Instance]]:
    database = postgres_server.new_database()
    envs = []
    for name in ("gw-a", "gw-b"):
        env = {
            **os.environ,
            "DLP_DATA_DIR": str(tmp_path / name),
            "DLP_DATABASE_URL": database,
            "DLP_AUDIT__KEY": AUDIT_KEY.decode(),
            "DLP_RELAY__HOST": "127.0.0.1",
            "DLP_RELAY__PORT": str(sink.port),
            "DLP_SMTP__HOSTNAME": name,
            "DLP_SMTP__LISTEN": f"127.0.0.1:{free_port()}",
            "DLP_CONSOLE__LISTEN": f"127.0.0.1:{free_port()}",
            "DLP_LIMITS__WORKERS": "1",
        }
        envs.append(env)
    for user, role in (("shen", "reviewer"), ("li", "approver")):
        added = _cli(
            envs[0],
            *("user", "add", user, "--role", role, "--email", f"{user}@gov.example.cn"),
            "--password-stdin",
            stdin=f"{OFFICER_PASSWORD}\n",
        )
        assert added.returncode == 0, added.stderr
    instances = (Instance("gw-a", envs[0]), Instance("gw-b", envs[1]))
    try:
        for instance in instances:
            instance.wait_ready()
        yield instances
    finally:
        for instance in instances:
            instance.stop()


def _release(base: str, case_id: str) -> str:
    http = sign_in(base, "li", OFFICER_PASSWORD)
    page = http.get(f"{base}/cases/{case_id}", timeout=30).text
    done = http.post(
        f"{base}/cases/{case_id}/action",
        data={"csrf_token": csrf_of(page), "action": "release", "reason": "已核实"},
        timeout=60,
    )
    return done.text


@pytest.mark.slow
def test_two_serve_processes_share_one_store(
    cluster: tuple[Instance, Instance], sink: Sink
) -> None:
    a, b = cluster
    # both receive: clean mail through either instance reaches the sink
    assert _send(a.smtp_port, "季度例会通知\n", "例会 A")[0] == 250
    assert _send(b.smtp_port, "季度例会通知\n", "例会 B")[0] == 250
    assert len(sink.handler.delivered()) == 2

    # held by A, released from B's console
    code, reply = _send(a.smtp_port, SENSITIVE)
    assert code == 250 and "held for review as " in reply
    held_by_a = reply.rsplit(" ", 1)[-1]
    assert "上游服务器已接收" in _release(b.base, held_by_a)
    assert sum(b"\xe6\x8b\x86\xe8\xbf\x81" in m.data for m in sink.handler.delivered()) == 1

    # audited actions on both instances at once: one chain
    cases = []
    for port in (a.smtp_port, b.smtp_port) * 2:
        code, reply = _send(port, SENSITIVE)
        assert code == 250
        cases.append(reply.rsplit(" ", 1)[-1])
    sessions = {x.base: sign_in(x.base, "shen", OFFICER_PASSWORD) for x in (a, b)}

    def view(pair: tuple[str, str]) -> int:
        base, case_id = pair
        return sessions[base].get(f"{base}/cases/{case_id}", timeout=60).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(view, [(x.base, c) for x in (a, b) for c in cases] * 2))
    assert codes == [200] * len(codes)

    # killing B right after it answered 250 loses nothing: A releases B's case
    code, reply = _send(b.smtp_port, SENSITIVE)
    held_by_b = reply.rsplit(" ", 1)[-1]
    b.proc.send_signal(signal.SIGKILL)
    b.proc.wait(30)
    assert "上游服务器已接收" in _release(a.base, held_by_b)
    assert _send(a.smtp_port, "季度例会通知\n", "例会 A2")[0] == 250
    delivered = len(sink.handler.delivered())
    assert delivered == 2 + 1 + 1 + 1  # two clean, two released, one clean after the kill

    verify = _cli(a.env, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith("OK: audit chain intact")


async def test_one_digest_per_cluster_per_day(
    postgres_server: PgServer,
    upstream: AsyncSink,
    tmp_path: Path,
    start_gateway: GatewayFactory,
) -> None:
    database = postgres_server.new_database()
    gateways = [
        await start_gateway(
            gateway_settings(
                tmp_path / name,
                upstream.port,
                database_url=database,
                audit={"key": AUDIT_KEY.decode()},
            )
        )
        for name in ("a", "b")
    ]
    today = dt.date(2026, 12, 5)
    won = await asyncio.gather(*(g.daily_digest(today) for g in gateways))
    assert sorted(won) == [False, True]
    assert not await gateways[0].daily_digest(today)  # and not again later that day
    assert await gateways[1].daily_digest(today + dt.timedelta(days=1))  # the next day: again
    digests = [m for m in upstream.messages if m.rcpt_to == ["baomi@example.gov.cn"]]
    assert len(digests) == 2


async def test_expiry_purge_and_retries_act_once_per_case(
    db_url: str, sink: Sink, tmp_path: Path
) -> None:
    """Two instances (two engines and two Reviews) run the periodic jobs at the same moment."""
    settings = make_settings(tmp_path, db_url, sink.port)
    engines = [make_engine(db_url) for _ in range(2)]
    relays: list[SmtpRelay] = []
    try:
        stores = [make_sessionmaker(e, audit_key=AUDIT_KEY) for e in engines]
        await upgrade(db_url)
        reviews = []
        for store in stores:
            relay = SmtpRelay(settings.relay)
            relays.append(relay)
            metrics = Metrics()
            notifier = Notifier(relay, settings, metrics, sessionmaker=store)
            reviews.append(Review(store, relay, notifier, metrics, settings))
        await add_officers(stores[0], settings)
        stale = [await insert_case(stores[0], received_at=days_ago(30)) for _ in range(3)]
        old = [
            await insert_case(
                stores[0], received_at=days_ago(200), state="rejected", review=reviews[0]
            )
            for _ in range(2)
        ]
        due = [await insert_case(stores[0]) for _ in range(3)]
        sink.handler.replies = ["451 4.3.0 try again later"] * len(due)  # released, deferred
        for case in due:
            done = await reviews[0].release(case.id, "shen", "经核实可以发出")
            assert done.state is CaseState.RELEASE_PENDING, done.message
        async with stores[0]() as session, session.begin():  # the retry time has come
            await session.execute(
                update(Case)
                .where(Case.id.in_([c.id for c in due]))
                .values(next_release_at=days_ago(1))
            )

        results = await asyncio.gather(*(r.expire_and_purge() for r in reviews))
        assert sorted(results) == [(0, 0), (len(stale), len(old))]
        delivered = await asyncio.gather(*(r.deliver_pending() for r in reviews))
        assert sum(delivered) == len(due)
        assert len(sink.handler.delivered()) == len(due)

        async with stores[1]() as session:
            counts = dict(
                (
                    await session.execute(
                        select(AuditEntry.action, func.count()).group_by(AuditEntry.action)
                    )
                ).all()
            )
        assert counts["expire"] == len(stale) and counts["purge"] == len(old)
        assert counts["release_delivered"] == len(due)
        assert (await audit.verify(stores[1])).ok
    finally:
        for relay in relays:
            await relay.close()
        for engine in engines:
            await engine.dispose()


async def test_serve_anchors_the_audit_chain_at_shutdown(
    upstream: AsyncSink, tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    settings = gateway_settings(tmp_path / "gw", upstream.port)
    gateway = await start_gateway(settings)
    assert gateway.sessionmaker is not None
    await Accounts(gateway.sessionmaker, settings.console).add(
        "shen", "reviewer", "long-enough-1", ["shen@example.gov.cn"], "cli:root"
    )
    sessions = gateway.sessionmaker
    await gateway.checkpoint()
    await gateway.checkpoint()  # nothing new: no second line
    await Accounts(sessions, settings.console).passwd("shen", "long-enough-2", "cli:root")
    await gateway.stop()
    lines = settings.audit_checkpoint_file.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2]
    engine = make_engine(settings.effective_database_url)
    try:
        result = await audit.verify(
            make_sessionmaker(engine, audit_key=AUDIT_KEY), settings.audit_checkpoint_file
        )
    finally:
        await engine.dispose()
    assert result.describe() == "OK: audit chain intact, 2 entries, 2 checkpoints match"
