"""Under hostile load the gateway stays bounded: a saturated inspection queue answers 4xx
(clean mail is never held for waiting), connections are limited, trickling DATA is cut."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy import func, select

from gateway.inspection import Inspector
from gateway.settings import LimitSettings
from gateway.store.models import Case
from tests.fixtures_extract import HANG
from tests.fixtures_smtp import (
    CLEAN_TEXT,
    GatewayFactory,
    KeywordInspector,
    Sink,
    make_settings,
    message,
    submit,
)
from tests.support.messages import multipart_message as mail_with

HOOK = "tests.fixtures_extract:install_hostile_extractors"
SENDER = "zhang.san@example.gov.cn"


async def test_hostile_message_in_flight_makes_clean_mail_wait_4xx_not_held(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    """One worker busy with a message that never finishes (a bomb-like attachment): a clean
    message that finds no free worker within limits.queue_wait gets 451 4.3.2 — nothing is
    relayed or held for it — and the hostile one alone is held as a timeout."""
    limits = {"workers": 1, "timeout": 4.0, "queue_wait": 0.5}
    scope = make_settings(tmp_path, None).scope_dir
    inspector = Inspector(scope, LimitSettings(**limits), worker_init=HOOK)  # type: ignore[arg-type]
    await asyncio.wait_for(inspector.start(), 60)
    try:
        gateway = await start_gateway(
            make_settings(tmp_path, upstream.port, limits=limits), inspector=inspector
        )
        hostile = mail_with(attachments=[("a.txt", HANG + b" x")], subject="挂起")
        first = asyncio.create_task(submit(gateway.smtp_port, SENDER, ["a@example.com"], hostile))
        await asyncio.sleep(1.0)  # the hostile message now occupies the only worker
        started = time.monotonic()
        clean = await submit(
            gateway.smtp_port, SENDER, ["b@example.com"], message(CLEAN_TEXT, subject="例会")
        )
        waited = time.monotonic() - started
        held = await asyncio.wait_for(first, 30)
        # the worker is free again: the client's retry is relayed
        retry = await submit(
            gateway.smtp_port, SENDER, ["b@example.com"], message(CLEAN_TEXT, subject="例会")
        )
        assert gateway.sessionmaker is not None
        async with gateway.sessionmaker() as session:
            cases = await session.scalar(select(func.count()).select_from(Case))
    finally:
        await inspector.close()
    assert (clean.code, clean.text) == (451, "4.3.2 inspection queue full, try again later")
    assert waited < 3.0  # answered after queue_wait, not after the hostile message's timeout
    assert held.code == 250 and held.text.startswith("2.6.0 held for review as ")
    assert retry.code == 250 and retry.text.startswith("2.0.0 relayed")
    assert [m.rcpt_to for m in upstream.delivered()] == [["b@example.com"]]
    assert cases == 1


async def _connect(
    port: int, source: str
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, str]:
    """A raw SMTP connection from ``source`` (a loopback address) and its greeting line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    greeting = (await asyncio.wait_for(reader.readline(), 10)).decode()
    return reader, writer, greeting


async def test_client_over_connection_limits_gets_421_while_others_are_served(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    smtp = {"listen": "127.0.0.1:0", "max_connections": 4, "max_connections_per_client": 2}
    gateway = await start_gateway(make_settings(tmp_path, upstream.port, smtp=smtp))
    port = gateway.smtp_port
    opened: list[asyncio.StreamWriter] = []

    async def greeting(source: str) -> str:
        _, writer, line = await _connect(port, source)
        opened.append(writer)
        return line

    try:
        hog = [await greeting("127.0.0.2") for _ in range(2)]
        over_client = await greeting("127.0.0.2")
        # another client is still served while the first sits at its own limit
        served = await submit(port, SENDER, ["c@example.com"], message(CLEAN_TEXT))
        hog += [await greeting("127.0.0.3") for _ in range(2)]  # now 4 open in all
        over_total = await greeting("127.0.0.4")
        opened[0].close()  # one of 127.0.0.2's: a slot is free again
        await asyncio.sleep(0.2)
        after = await greeting("127.0.0.4")
    finally:
        for writer in opened:
            writer.close()
            await writer.wait_closed()
    assert over_client.startswith("421 4.7.0 too many connections")
    assert over_total.startswith("421 4.7.0 too many connections")
    assert [g[:4] for g in hog] == ["220 "] * 4 and after.startswith("220 ")
    assert served.code == 250 and served.text.startswith("2.0.0 relayed")


async def test_trickling_data_is_cut(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    smtp = {"listen": "127.0.0.1:0", "data_deadline": 2.0}
    gateway = await start_gateway(make_settings(tmp_path, upstream.port, smtp=smtp))
    reader, writer, greeting = await _connect(gateway.smtp_port, "127.0.0.1")
    for line in (
        b"EHLO mta.example.gov.cn",
        f"MAIL FROM:<{SENDER}>".encode(),
        b"RCPT TO:<d@example.com>",
        b"DATA",
    ):
        writer.write(line + b"\r\n")
    replies = []
    while not (replies and replies[-1].startswith(b"354")):
        replies.append(await asyncio.wait_for(reader.readline(), 10))
    started = time.monotonic()
    closed = b""
    for byte in b"Subject: x\r\n\r\n" + b"y" * 100:
        try:
            writer.write(bytes([byte]))
            await writer.drain()
            closed = await asyncio.wait_for(reader.read(1000), 0.5)
        except TimeoutError:
            continue
        except ConnectionError:
            break
        if closed or reader.at_eof():
            break
    cut_after = time.monotonic() - started
    writer.close()
    await writer.wait_closed()
    assert greeting.startswith("220 ")
    assert closed.startswith(b"421 4.4.2 DATA too slow")
    assert cut_after < 6.0
    assert upstream.delivered() == []


async def test_data_beyond_the_in_flight_byte_cap_gets_452_and_the_retry_is_relayed(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    smtp = {"listen": "127.0.0.1:0", "max_inflight_bytes": 1 << 20}
    slow = KeywordInspector(delay=2.0)  # keeps the first message's bytes in the pipeline
    gateway = await start_gateway(make_settings(tmp_path, upstream.port, smtp=smtp), inspector=slow)
    port = gateway.smtp_port
    big = message(CLEAN_TEXT + ("附" * 100 + "\n") * 2000)  # ~600 KB: two pass the 1 MiB cap
    first = asyncio.create_task(submit(port, SENDER, ["e@example.com"], big))
    await asyncio.sleep(1.0)
    second = await submit(port, SENDER, ["f@example.com"], big)  # no SIZE: refused after DATA
    sized = await submit(port, SENDER, ["f@example.com"], big, mail_options=(f"SIZE={len(big)}",))
    small = await submit(port, SENDER, ["g@example.com"], message(CLEAN_TEXT))
    done = await asyncio.wait_for(first, 30)
    retry = await submit(port, SENDER, ["f@example.com"], big)

    assert (second.code, second.text) == (452, "4.3.1 insufficient system storage, try again later")
    assert second.stage == "data"
    assert (sized.code, sized.stage) == (452, "mail")  # RFC 1870: refused before any data
    assert small.code == 250 and done.code == 250 and retry.code == 250
    assert sorted(r for m in upstream.delivered() for r in m.rcpt_to) == [
        "e@example.com",
        "f@example.com",
        "g@example.com",
    ]
