"""Outbound delivery: the smarthost relay (reuse, all-or-nothing) and the outbox."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from gateway.errors import PermanentRelayError, TemporaryRelayError
from gateway.relay import OutboxRelay, SmtpRelay, make_relay
from gateway.settings import RelaySettings, Settings
from tests.fixtures_smtp import CLEAN_TEXT, Sink, free_port, message

RAW = message(CLEAN_TEXT)


async def test_relay_reuses_its_connection(upstream: Sink) -> None:
    relay = SmtpRelay(RelaySettings(host="127.0.0.1", port=upstream.port))
    try:
        for n in range(3):
            reply = await relay.send("a@example.gov.cn", ["b@example.com"], RAW)
            assert reply == f"2.0.0 Ok: queued as SINK{n + 1:04d}"
    finally:
        await relay.close()
    assert upstream.connections == 1
    assert [m.data for m in upstream.messages] == [RAW] * 3


async def test_relay_recovers_when_upstream_dropped_the_idle_connection(upstream: Sink) -> None:
    relay = SmtpRelay(RelaySettings(host="127.0.0.1", port=upstream.port))
    try:
        await relay.send("a@example.gov.cn", ["b@example.com"], RAW)
        for client in relay._idle:  # what an upstream idle timeout does to us
            client.close()
        await relay.send("a@example.gov.cn", ["b@example.com"], RAW)
    finally:
        await relay.close()
    assert len(upstream.messages) == 2 and upstream.connections == 2


async def test_relay_errors_carry_upstream_code(upstream: Sink) -> None:
    relay = SmtpRelay(RelaySettings(host="127.0.0.1", port=upstream.port))
    try:
        upstream.data_reply = "554 5.6.0 content rejected"
        with pytest.raises(PermanentRelayError) as perm:
            await relay.send("a@example.gov.cn", ["b@example.com"], RAW)
        assert (perm.value.code, perm.value.message) == (554, "5.6.0 content rejected")

        upstream.data_reply = "421 4.3.2 closing"
        with pytest.raises(TemporaryRelayError) as temp:
            await relay.send("a@example.gov.cn", ["b@example.com"], RAW)
        assert temp.value.code == 421
    finally:
        await relay.close()


async def test_unreachable_upstream_is_temporary() -> None:
    relay = SmtpRelay(RelaySettings(host="127.0.0.1", port=free_port(), timeout=5))
    with pytest.raises(TemporaryRelayError) as info:
        await relay.send("a@example.gov.cn", ["b@example.com"], RAW)
    await relay.close()
    assert info.value.code == 451 and info.value.message.startswith("4.4.1 upstream 127.0.0.1:")


async def test_outbox_writes_whole_files_with_the_envelope(tmp_path: Path) -> None:
    outbox = OutboxRelay(tmp_path / "outbox")
    replies = await asyncio.gather(
        *(outbox.send("", ["b@example.com", "c@example.com"], RAW) for _ in range(5))
    )
    files = sorted((tmp_path / "outbox").iterdir())
    assert len(files) == 5 and all(f.suffix == ".eml" for f in files)
    assert {r.rsplit(" ", 1)[1] for r in replies} == {f.name for f in files}
    data = files[0].read_bytes()
    assert data == b"Return-Path: <>\r\nX-Envelope-To: b@example.com, c@example.com\r\n" + RAW


async def test_outbox_unwritable_is_temporary(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with pytest.raises(TemporaryRelayError) as info:
        await OutboxRelay(blocker / "outbox").send("a@x", ["b@y"], RAW)
    assert info.value.message.startswith("4.3.0 outbox ")


def test_make_relay_picks_outbox_without_upstream(tmp_path: Path) -> None:
    no_upstream = Settings(data_dir=tmp_path)
    relay = make_relay(no_upstream)
    assert isinstance(relay, OutboxRelay) and relay.directory == tmp_path / "outbox"
    upstream = Settings(data_dir=tmp_path, relay={"host": "smtp.example", "port": 2525})
    assert isinstance(make_relay(upstream), SmtpRelay)
    assert os.listdir(tmp_path) == []  # nothing created until the first message
