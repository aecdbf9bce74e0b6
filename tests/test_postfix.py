"""A real Postfix with the gateway as its ``relayhost`` (DESIGN: the mail administrator's setup).

The test writes a private Postfix instance (own main.cf/master.cf, queue and data directories,
no inet listener, no chroot) whose ``relayhost`` is the gateway on an ephemeral loopback port,
submits with Postfix's ``sendmail -C DIR`` (postdrop → pickup → cleanup → qmgr → smtp), and
checks where each message ends up: clean mail at the upstream sink, sensitive mail in the
quarantine and nowhere else. Needs root (Postfix's master) and Debian's postfix package.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.service import Gateway
from gateway.store.models import Case
from tests.conftest import require_tool
from tests.fixtures_smtp import CLEAN_TEXT, SENSITIVE_TEXT, Sink, message

pytestmark = [pytest.mark.postfix, pytest.mark.slow]

# Only the services the sendmail → relayhost path needs; chroot off so nothing has to be
# copied into the queue directory.
MASTER_CF = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class PostfixInstance:
    def __init__(self, root: Path, relay_port: int) -> None:
        self.root = root
        self.conf = root / "conf"
        self.log = root / "maillog"
        for sub in ("conf", "queue", "data"):
            (root / sub).mkdir()
        shutil.chown(root / "data", "postfix")
        (self.conf / "master.cf").write_text(MASTER_CF)
        (self.conf / "main.cf").write_text(
            "\n".join(
                [
                    "compatibility_level = 3.6",
                    f"queue_directory = {root / 'queue'}",
                    f"data_directory = {root / 'data'}",
                    "command_directory = /usr/sbin",
                    "daemon_directory = /usr/lib/postfix/sbin",
                    "meta_directory = /etc/postfix",
                    "shlib_directory = /usr/lib/postfix",
                    "mail_owner = postfix",
                    "setgid_group = postdrop",
                    "inet_interfaces = loopback-only",
                    "inet_protocols = ipv4",
                    "myhostname = mta.example.gov.cn",
                    "mydomain = example.gov.cn",
                    "myorigin = $myhostname",
                    "mydestination =",
                    f"relayhost = [127.0.0.1]:{relay_port}",
                    "smtp_tls_security_level = none",
                    f"maillog_file = {self.log}",
                    f"maillog_file_prefixes = {root}",
                    "alias_maps =",
                    "alias_database =",
                    "syslog_name = postfix-dlptest",
                ]
            )
            + "\n"
        )

    def postfix(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["postfix", "-c", str(self.conf), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def sendmail(self, sender: str, rcpt: str, raw: bytes) -> None:
        subprocess.run(
            ["sendmail", "-C", str(self.conf), "-i", "-f", sender, rcpt],
            input=raw,
            timeout=60,
            check=True,
        )

    def maillog(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@pytest.fixture
def postfix_root() -> Iterator[Path]:
    require_tool("/usr/sbin/postfix", "the real-Postfix relayhost test")
    require_tool("/usr/sbin/sendmail", "the real-Postfix relayhost test")
    if os.geteuid() != 0:
        pytest.skip("a private Postfix master must start as root")
    # Not under pytest's 0700 tmp dir: Postfix's unprivileged daemons must reach it.
    root = Path(tempfile.mkdtemp(prefix="dlp-postfix-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


async def test_postfix_relayhost_clean_passes_sensitive_is_held(
    smtp_gateway: Gateway, upstream: Sink, postfix_root: Path
) -> None:
    instance = PostfixInstance(postfix_root, smtp_gateway.smtp_port)
    started = await asyncio.to_thread(instance.postfix, "start")
    assert started.returncode == 0, started.stderr + instance.maillog()
    try:
        clean = message(CLEAN_TEXT, to="partner@example.com")
        sensitive = message(SENSITIVE_TEXT, to="other@example.com")
        await asyncio.to_thread(
            instance.sendmail, "zhang.san@example.gov.cn", "partner@example.com", clean
        )
        await asyncio.to_thread(
            instance.sendmail, "zhang.san@example.gov.cn", "other@example.com", sensitive
        )

        assert smtp_gateway.sessionmaker is not None
        held: list[Case] = []
        async with asyncio.timeout(90):
            while not (upstream.to("partner@example.com") and held):
                await asyncio.sleep(0.2)
                async with smtp_gateway.sessionmaker() as session:
                    held = list((await session.scalars(select(Case))).all())
    except TimeoutError:
        pytest.fail("mail did not arrive; Postfix log:\n" + instance.maillog())
    finally:
        await asyncio.to_thread(instance.postfix, "stop")

    [delivered] = upstream.to("partner@example.com")
    assert delivered.mail_from == "zhang.san@example.gov.cn"
    body = delivered.data.replace(b"\r\n", b"\n")
    assert CLEAN_TEXT.encode() in body
    # Ours on top, Postfix's below it: the path the message took (RFC 5321 §4.4).
    assert body.startswith(b"Received: from mta.example.gov.cn")
    assert b"by mta.example.gov.cn (Postfix" in body

    [case] = held
    assert case.rcpt_to == ["other@example.com"] and case.state == "pending"
    assert upstream.to("other@example.com") == []
    log = instance.maillog()
    assert "250 2.6.0 held for review as " + case.id in log
