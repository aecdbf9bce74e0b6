"""Fixtures for the SMTP tests: a real aiosmtpd sink as upstream, a running gateway, a client.

Everything listens on 127.0.0.1 with ephemeral ports. The gateway and the sink run in the
test's event loop; the smtplib client runs in a thread (it blocks), as a real MTA would be a
separate process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import smtplib
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gateway import inspection
from gateway.inspection import Inspection
from gateway.service import Gateway
from gateway.settings import Settings
from matchers.model import Action, CategoryScore, Decision, Release, Segment, Severity, Verdict
from tests.support.messages import message as message
from tests.support.settings import SCOPE as SCOPE
from tests.support.settings import make_settings as support_settings
from tests.support.upstream import Received as Received
from tests.support.upstream import RunningUpstream, Upstream

ROOT = Path(__file__).resolve().parent.parent

CLEAN_TEXT = "各位同事：\n\n下周二上午九点在三楼会议室召开季度工作例会，请准时参加。\n\n办公室\n"
SENSITIVE_TEXT = "请查收附件：关于东湖片区征地拆迁补偿方案的初步测算，务必注意保存。\n"
SECRET_TEXT = "秘密★10年\n\n关于重点人员管控的工作部署\n"


Sink = Upstream  # the one fake upstream (tests/support/upstream.py)


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """A real aiosmtpd server standing in for the upstream smarthost."""
    with RunningUpstream() as running:
        yield running


def free_port() -> int:
    """A port nobody listens on (bound, then released): an upstream that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_settings(tmp_path: Path, upstream_port: int | None, **overrides: Any) -> Settings:
    """The support settings builder with the data dir under ``tmp_path/var``."""
    return support_settings(tmp_path / "var", upstream_port, **overrides)


GatewayFactory = Callable[..., Any]


@pytest.fixture
async def start_gateway(tmp_path: Path, shared_inspector: Any) -> AsyncIterator[GatewayFactory]:
    """``await start_gateway(settings, **kwargs)`` → a running in-process Gateway.

    Unless the test gives its own ``inspector``, the session's shared real Inspector (default
    scope tables) is used: starting its worker processes takes seconds.
    """
    started: list[Gateway] = []

    async def factory(settings: Settings, **kwargs: Any) -> Gateway:
        kwargs.setdefault("inspector", shared_inspector)
        gateway = Gateway(settings, **kwargs)
        await gateway.start()
        started.append(gateway)
        return gateway

    yield factory
    for gateway in started:
        await gateway.stop()


class KeywordInspector:
    """A controllable inspector for tests of the SMTP paths (slow, broken, keyword verdicts)."""

    version = "standin-0001"
    term_count = 2

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.reloads = 0

    async def inspect(self, raw: bytes) -> Inspection:
        if self.delay:
            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        text = raw.decode("utf-8", "replace")
        for part in parsed.walk():
            if part.get_content_maintype() == "text":
                text += str(part.get_content())  # type: ignore[attr-defined]
        categories = []
        if "征地拆迁补偿方案" in text:
            categories.append(
                CategoryScore(
                    "land", "征地拆迁", 100, 100, Action.QUARANTINE, Severity.HIGH, Release.SINGLE
                )
            )
        if "秘密★" in text:
            categories.append(
                CategoryScore(
                    "secret_marking",
                    "密级标志",
                    100,
                    100,
                    Action.REJECT,
                    Severity.CRITICAL,
                    Release.TWO_PERSON,
                )
            )
        verdict = Verdict.PASS
        if any(c.action == Action.QUARANTINE for c in categories):
            verdict = Verdict.QUARANTINE
        if any(c.action == Action.REJECT for c in categories):
            verdict = Verdict.REJECT
        decision = Decision(verdict, tuple(categories), (), (), self.version)
        return Inspection(decision, (), (Segment("正文", text),), "", "", 1)

    async def reload(self) -> str:
        self.reloads += 1
        return self.version

    async def close(self) -> None:
        return None


@pytest.fixture(scope="session")
def shared_inspector() -> Iterator[Any]:
    """One real Inspector (default tables, one worker) for every in-process gateway test.

    It is loop-agnostic (each call talks to its worker on the running loop), so a session-wide instance
    serves each test's own event loop.
    """
    from gateway.settings import LimitSettings

    shared = inspection.Inspector(SCOPE, LimitSettings(workers=1, timeout=20.0))
    asyncio.run(shared.start())
    yield shared
    asyncio.run(shared.close())


@pytest.fixture
async def smtp_gateway(upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory) -> Gateway:
    """The gateway with default scope tables (the real Inspector), relaying to ``upstream``."""
    result: Gateway = await start_gateway(make_settings(tmp_path, upstream.port))
    return result


@dataclass
class Answer:
    code: int
    text: str
    stage: str  # "rcpt" | "mail" | "data" | "connect" | "auth"


def submit_sync(
    port: int,
    mail_from: str,
    rcpts: list[str],
    raw: bytes,
    *,
    mail_options: tuple[str, ...] = (),
    starttls: bool = False,
    login: tuple[str, str] | None = None,
) -> Answer:
    """One SMTP transaction with smtplib; the first refusal or the DATA reply."""
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        client.ehlo("mta.example.gov.cn")
        if starttls:
            import ssl

            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            client.starttls(context=context)
            client.ehlo("mta.example.gov.cn")
        if login:
            try:
                client.login(*login)
            except smtplib.SMTPAuthenticationError as exc:
                return Answer(exc.smtp_code, exc.smtp_error.decode(), "auth")
        code, text = client.mail(mail_from, list(mail_options))
        if code != 250:
            return Answer(code, text.decode(), "mail")
        for rcpt in rcpts:
            code, text = client.rcpt(rcpt)
            if code not in (250, 251):
                return Answer(code, text.decode(), "rcpt")
        code, text = client.data(raw)
        return Answer(code, text.decode(), "data")


async def submit(port: int, mail_from: str, rcpts: list[str], raw: bytes, **kwargs: Any) -> Answer:
    return await asyncio.to_thread(submit_sync, port, mail_from, rcpts, raw, **kwargs)


@pytest.fixture(scope="session")
def smtp_tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost (made here, never checked in)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dlp-gateway.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "cert.pem"
    key_path = directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def no_dlp_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep a developer's DLP_* variables out of settings built by the tests."""
    import os

    for key in list(os.environ):
        if key.startswith("DLP_") and key != "DLP_TEST_REQUIRE_SYSTEM":
            monkeypatch.delenv(key)
    yield


# -- the gateway as a separate process (signals: SIGTERM, SIGHUP, SIGKILL) -----------------


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(path: Path, values: dict[str, Any]) -> Path:
    """A settings TOML file: top-level keys first, then one [section] per dict."""
    lines = [f"{k} = {toml_value(v)}" for k, v in values.items() if not isinstance(v, dict)]
    for section, table in values.items():
        if isinstance(table, dict):
            lines.append(f"\n[{section}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in table.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class GatewayProcess:
    """``dlp-gateway serve --config FILE`` as a child process; stderr collected line by line."""

    def __init__(self, config: Path, env: dict[str, str] | None = None) -> None:
        import os
        import subprocess
        import sys
        import threading

        full_env = {k: v for k, v in os.environ.items() if not k.startswith("DLP_")}
        full_env.update(env or {})
        self.lines: list[str] = []
        self._seen = threading.Condition()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gateway", "serve", "--config", str(config)],
            cwd=ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.smtp_port = 0
        self.console_port = 0

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()
        self.proc.stderr.close()
        with self._seen:
            self._seen.notify_all()

    def wait_for_line(self, needle: str, timeout: float = 60.0) -> str:
        import time

        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for line in self.lines:
                    if needle in line:
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"{needle!r} not seen; stderr:\n" + "\n".join(self.lines))
                self._seen.wait(timeout=min(left, 0.5))

    def started(self) -> GatewayProcess:
        import re

        line = self.wait_for_line("dlp-gateway: SMTP on ")
        match = re.search(r"SMTP on [^:]+:(\d+), console on http://[^:]+:(\d+)/", line)
        assert match, line
        self.smtp_port, self.console_port = int(match.group(1)), int(match.group(2))
        return self

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def wait(self, timeout: float = 60.0) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code

    def close(self) -> None:
        import signal as signals

        if self.proc.poll() is None:
            self.proc.send_signal(signals.SIGKILL)
        self.wait()


@pytest.fixture
def gateway_process() -> Iterator[Callable[..., GatewayProcess]]:
    """``gateway_process(config_path, env=None)`` → a started child; killed at teardown."""
    started: list[GatewayProcess] = []

    def factory(
        config: Path, env: dict[str, str] | None = None, wait: bool = True
    ) -> GatewayProcess:
        process = GatewayProcess(config, env)
        started.append(process)
        return process.started() if wait else process

    yield factory
    for process in started:
        process.close()


def process_config(tmp_path: Path, upstream_port: int | None, **sections: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "data_dir": str(tmp_path / "var"),
        "scope_dir": str(SCOPE),
        "internal_domains": ["example.gov.cn"],
        "smtp": {"listen": "127.0.0.1:0"},
        "console": {"listen": "127.0.0.1:0"},
        "notify": {"officers": ["baomi@example.gov.cn"], "sender": "dlp@example.gov.cn"},
        "limits": {"workers": 1},
    }
    if upstream_port:
        values["relay"] = {"host": "127.0.0.1", "port": upstream_port, "timeout": 10}
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
    return values
