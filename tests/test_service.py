"""``dlp-gateway serve`` as an operator runs it: a child process, signals, settings, outbox."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import sqlite3
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.cli import main
from tests.fixtures_smtp import (
    CLEAN_TEXT,
    SCOPE,
    SENSITIVE_TEXT,
    GatewayProcess,
    Sink,
    message,
    process_config,
    submit,
    submit_sync,
    write_config,
)
from tests.support.addresses import EXTERNAL, SENDER

pytestmark = pytest.mark.slow

Start = Callable[..., GatewayProcess]


async def start(gateway_process: Start, config: Path) -> GatewayProcess:
    return await asyncio.to_thread(gateway_process, config)


def metrics(gw: GatewayProcess) -> str:
    url = f"http://127.0.0.1:{gw.console_port}/metrics"
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode())


def count_cases(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "dlp-gateway.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(db.execute("SELECT count(*) FROM cases").fetchone()[0])


def kept_versions(data_dir: Path) -> list[str]:
    """``loaded_by`` of the kept scope versions, oldest first."""
    with sqlite3.connect(data_dir / "dlp-gateway.sqlite3") as db:
        rows = db.execute("SELECT loaded_by FROM scope_versions ORDER BY loaded_at").fetchall()
    return [str(r[0]) for r in rows]


async def test_sigterm_drains_the_message_in_flight_and_exits_0(
    tmp_path: Path, upstream: Sink, gateway_process: Start
) -> None:
    upstream.data_delay = 2.0  # a slow smarthost keeps the transaction open
    gw = await start(
        gateway_process, write_config(tmp_path / "gw.toml", process_config(tmp_path, upstream.port))
    )
    sending = asyncio.create_task(submit(gw.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT)))
    async with asyncio.timeout(30):
        while upstream.in_data == 0:
            await asyncio.sleep(0.05)

    gw.signal(signal.SIGTERM)
    answer = await sending

    assert answer.code == 250 and answer.text.startswith("2.0.0 relayed")
    assert await asyncio.to_thread(gw.wait) == 0
    assert len(upstream.messages) == 1
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", gw.smtp_port), timeout=5).close()


async def test_sigkill_during_data_leaves_no_250_and_a_consistent_store(
    tmp_path: Path, upstream: Sink, gateway_process: Start
) -> None:
    config = write_config(tmp_path / "gw.toml", process_config(tmp_path, upstream.port))
    gw = await start(gateway_process, config)

    def half_a_message() -> tuple[socket.socket, bytes]:
        sock = socket.create_connection(("127.0.0.1", gw.smtp_port), timeout=30)
        reader = sock.makefile("rb")
        reader.readline()
        for command in (
            b"EHLO mta.example.gov.cn",
            f"MAIL FROM:<{SENDER}>".encode(),
            f"RCPT TO:<{EXTERNAL}>".encode(),
            b"DATA",
        ):
            sock.sendall(command + b"\r\n")
            line = reader.readline()
            while line[3:4] == b"-":
                line = reader.readline()
        assert line.startswith(b"354")
        sock.sendall(message(SENSITIVE_TEXT)[:200])  # no final "." yet
        gw.signal(signal.SIGKILL)
        gw.wait()
        try:
            rest = reader.read()
        except ConnectionResetError:  # the kernel's answer for a killed peer: also no 250
            rest = b""
        reader.close()
        return sock, rest

    sock, rest = await asyncio.to_thread(half_a_message)
    sock.close()
    assert b"250" not in rest  # the client's MTA keeps the message and retries
    assert count_cases(tmp_path / "var") == 0

    # The same data directory serves again, and takes the retried message.
    gw2 = await start(gateway_process, config)
    answer = await submit(gw2.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))
    assert answer.code == 250 and answer.text.startswith("2.6.0 held for review as ")
    assert count_cases(tmp_path / "var") == 1


async def test_sighup_and_table_edits_during_traffic_lose_nothing(
    tmp_path: Path, upstream: Sink, gateway_process: Start
) -> None:
    scope = tmp_path / "scope"
    shutil.copytree(SCOPE, scope)
    values = process_config(tmp_path, upstream.port, scope_dir=str(scope))
    gw = await start(gateway_process, write_config(tmp_path / "gw.toml", values))
    done = threading.Event()

    def traffic(worker: int) -> list[str]:
        texts = []
        for n in range(10):
            text = SENSITIVE_TEXT if n % 4 == 0 else CLEAN_TEXT
            raw = message(f"{text}\n{worker}-{n}\n")
            answer = submit_sync(gw.smtp_port, SENDER, [f"w{worker}n{n}@example.com"], raw)
            texts.append(f"{answer.code} {answer.text}")
        return texts

    async def reloads() -> None:
        for n in range(4):
            await asyncio.sleep(0.3)
            gw.signal(signal.SIGHUP)
            land = scope / "land.toml"
            land.write_text(land.read_text(encoding="utf-8") + f"\n# edit {n}\n", encoding="utf-8")

    results = await asyncio.gather(*(asyncio.to_thread(traffic, w) for w in range(4)), reloads())
    done.set()
    answers = [a for batch in results[:4] for a in batch]

    assert len(answers) == 40 and all(a.startswith("250 ") for a in answers), answers
    held = [a for a in answers if "held for review" in a]
    assert len(held) == 12
    assert len(upstream.messages) - len([m for m in upstream.messages if m.mail_from == ""]) == 28
    await asyncio.to_thread(gw.wait_for_line, "scope reloaded")
    text = await asyncio.to_thread(metrics, gw)
    assert 'dlp_scope_reloads_total{result="ok"}' in text
    assert count_cases(tmp_path / "var") == 12
    # table history: the start and the edited tables (a reload may still be finishing)
    for _ in range(100):
        loaded = kept_versions(tmp_path / "var")
        if len(loaded) >= 2:
            break
        await asyncio.sleep(0.1)
    assert loaded[0].endswith(" start") and len(loaded) >= 2, loaded
    assert all(by.endswith((" SIGHUP", " start", " file change")) for by in loaded)


def _children(pid: int) -> set[int]:
    """The process's child pids (its inspection workers, among others), from /proc."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


async def test_sighup_burst_makes_one_reload_and_unchanged_tables_keep_their_workers(
    tmp_path: Path, upstream: Sink, gateway_process: Start
) -> None:
    values = process_config(tmp_path, upstream.port)
    gw = await start(gateway_process, write_config(tmp_path / "gw.toml", values))
    workers = _children(gw.proc.pid)
    for _ in range(20):
        gw.signal(signal.SIGHUP)
        await asyncio.sleep(0.03)
    line = await asyncio.to_thread(gw.wait_for_line, "scope reloaded")
    await asyncio.sleep(1.5)  # time for any further (wrong) reloads to show
    answer = await submit(gw.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))

    assert "tables unchanged, workers kept" in line
    assert len([x for x in gw.lines if "scope reloaded" in x]) == 1
    assert _children(gw.proc.pid) == workers  # no worker started or stopped
    text = await asyncio.to_thread(metrics, gw)
    assert 'dlp_scope_reloads_total{result="ok"} 1.0' in text
    assert answer.text.startswith("2.6.0 held for review as ")


async def test_broken_table_keeps_the_old_engine(
    tmp_path: Path, upstream: Sink, gateway_process: Start
) -> None:
    scope = tmp_path / "scope"
    shutil.copytree(SCOPE, scope)
    values = process_config(tmp_path, upstream.port, scope_dir=str(scope))
    gw = await start(gateway_process, write_config(tmp_path / "gw.toml", values))

    (scope / "zz_broken.toml").write_text('id = "broken"\nname = "坏表"\nseverity = "extreme"\n')
    gw.signal(signal.SIGHUP)
    line = await asyncio.to_thread(gw.wait_for_line, "scope reload failed")

    assert "zz_broken.toml" in line
    answer = await submit(gw.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))
    assert answer.text.startswith("2.6.0 held for review as ")  # the old tables still decide
    text = await asyncio.to_thread(metrics, gw)
    assert 'dlp_scope_reloads_total{result="error"} 1.0' in text
    assert len(kept_versions(tmp_path / "var")) == 1  # a table that did not load is not kept


async def test_without_upstream_mail_lands_in_the_outbox_and_says_so(
    tmp_path: Path, gateway_process: Start
) -> None:
    gw = await start(
        gateway_process, write_config(tmp_path / "gw.toml", process_config(tmp_path, None))
    )

    warning = await asyncio.to_thread(gw.wait_for_line, "WARNING: no upstream configured")
    assert str(tmp_path / "var" / "outbox") in warning
    answer = await submit(gw.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT))
    assert answer.code == 250 and "queued as " in answer.text
    [eml] = (tmp_path / "var" / "outbox").glob("*.eml")
    assert eml.name in answer.text
    assert eml.read_bytes().endswith(message(CLEAN_TEXT)[-60:])
    gw.signal(signal.SIGTERM)
    assert await asyncio.to_thread(gw.wait) == 0


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """``serve`` configures the root logger; give the other tests theirs back."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_bad_settings_are_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(
        tmp_path / "gw.toml",
        process_config(tmp_path, None, smtp={"allowed_networks": ["10.0.0.0/33"]}),
    )
    assert main(["serve", "--config", str(config)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "dlp-gateway: setting smtp.allowed_networks: '10.0.0.0/33' is not a CIDR network"
        " (example: 10.0.0.0/8) (got ['10.0.0.0/33'])"
    ]


def test_unwritable_data_dir_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    values = process_config(tmp_path, None)
    values["data_dir"] = str(blocker / "var")
    config = write_config(tmp_path / "gw.toml", values)
    assert main(["--config", str(config), "serve"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(
        f"dlp-gateway: setting data_dir: directory {blocker / 'var'} is not writable"
    )


def test_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    from gateway.settings import load_settings

    for key in [k for k in os.environ if k.startswith("DLP_")]:
        monkeypatch.delenv(key)
    settings = load_settings(SCOPE.parent / "gateway.example.toml")
    assert settings.relay.host == "smtp.example.net"
    assert settings.smtp.allowed_networks[-1] == "10.20.0.0/16"
    assert settings.notify.officers == ["baomi@example.gov.cn"]


@pytest.mark.usefixtures("keep_logging")
def test_start_up_problems_are_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "cert.pem"
    garbage.write_text("not a certificate")
    config = write_config(
        tmp_path / "tls.toml",
        process_config(tmp_path, None, smtp={"tls_cert": str(garbage), "tls_key": str(garbage)}),
    )
    assert main(["serve", "--config", str(config)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(
        "dlp-gateway: setting smtp.tls_cert/smtp.tls_key: cannot load the certificate pair"
    )
    assert not any("Traceback" in line for line in err)

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = write_config(
            tmp_path / "port.toml",
            process_config(tmp_path, None, smtp={"listen": f"127.0.0.1:{port}"}),
        )
        assert main(["serve", "--config", str(config)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(
        f"dlp-gateway: setting smtp.listen: cannot listen on 127.0.0.1:{port}"
    )

    scope = tmp_path / "scope"
    shutil.copytree(SCOPE, scope)
    (scope / "zz_broken.toml").write_text('id = "broken"\nname = "坏表"\nseverity = "extreme"\n')
    config = write_config(
        tmp_path / "scope.toml", process_config(tmp_path, None, scope_dir=str(scope))
    )
    assert main(["serve", "--config", str(config)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("dlp-gateway: ") and "zz_broken.toml" in err[-1]
