"""End to end through the real service: a message held over SMTP is reviewed in the console by
an account made with the CLI, released, and lands in the outbox; the audit chain stays intact."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.fixtures_console import csrf_of, free_port, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[dict[str, str], int, str]]:
    smtp_port, console_port = free_port(), free_port()
    env = {
        **os.environ,
        "DLP_DATA_DIR": str(tmp_path),
        "DLP_SMTP__LISTEN": f"127.0.0.1:{smtp_port}",
        "DLP_CONSOLE__LISTEN": f"127.0.0.1:{console_port}",
    }
    env.pop("DLP_DATABASE_URL", None)
    add = subprocess.run(
        [
            sys.executable,
            "-m",
            "gateway",
            "user",
            "add",
            "shen",
            "--role",
            "reviewer",
            "--email",
            "shen@gov.example.cn",
            "--password-stdin",
        ],
        input="officer-pass-1\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert add.returncode == 0, add.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{console_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/login", timeout=2)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve did not start: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.2)
        yield env, smtp_port, base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def test_held_over_smtp_then_released_from_the_console_to_the_outbox(
    service: tuple[dict[str, str], int, str], tmp_path: Path
) -> None:
    env, smtp_port, base = service
    message = EmailMessage()
    message["From"] = "zhang.san@gov.example.cn"
    message["To"] = "partner@qq.com"
    message["Subject"] = "请示"
    message.set_content("现将某村征地拆迁补偿方案报送审阅。\n")
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=60) as client:
        client.ehlo()
        client.mail("zhang.san@gov.example.cn")
        client.rcpt("partner@qq.com")
        code, reply = client.data(message.as_bytes())
    assert code == 250 and b"held for review as " in reply
    case_id = reply.decode().rsplit(" ", 1)[-1]
    outbox = tmp_path / "outbox"
    before = {p.name for p in outbox.glob("*.eml")}  # the sender's notice

    http = sign_in(base, "shen", "officer-pass-1")
    page = http.get(f"{base}/cases/{case_id}", timeout=10).text
    assert '<mark class="hit"' in page and "征地拆迁补偿方案" in page
    done = http.post(
        f"{base}/cases/{case_id}/action",
        data={"csrf_token": csrf_of(page), "action": "release", "reason": "已核实"},
        timeout=60,
    )
    assert "上游服务器已接收" in done.text

    released = [
        p
        for p in outbox.glob("*.eml")
        if p.name not in before and b"partner@qq.com" in p.read_bytes()
    ]
    [path] = released
    relayed = message_from_bytes(path.read_bytes(), policy=default)
    assert "征地拆迁补偿方案" in relayed.get_body().get_content()  # type: ignore[union-attr]
    listing = subprocess.run(
        [sys.executable, "-m", "gateway", "quarantine", "list", "--state", "released"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert listing.stdout.startswith(f"{case_id}  released")
    verify = subprocess.run(
        [sys.executable, "-m", "gateway", "audit", "verify"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0 and verify.stdout.startswith("OK: audit chain intact")
