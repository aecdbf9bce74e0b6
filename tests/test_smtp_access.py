"""Who may relay and the protocol limits: networks, STARTTLS/AUTH, SIZE, recipients, UTF-8."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from pathlib import Path

from argon2 import PasswordHasher

from gateway.service import Gateway
from tests.fixtures_smtp import (
    CLEAN_TEXT,
    GatewayFactory,
    Sink,
    make_settings,
    message,
    submit,
)
from tests.support.addresses import EXTERNAL, SENDER


async def test_client_outside_allowed_networks_is_refused(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    settings = make_settings(tmp_path, upstream.port, smtp={"allowed_networks": ["10.0.0.0/8"]})
    gateway = await start_gateway(settings)
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT))

    assert (answer.stage, answer.code) == ("rcpt", 554)
    assert answer.text.startswith("5.7.1 <partner@example.com>: relay access denied")
    assert upstream.messages == []


async def _tls_gateway(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory, smtp_tls_files: tuple[Path, Path]
) -> Gateway:
    cert, key = smtp_tls_files
    hashed = PasswordHasher().hash("correct horse")
    settings = make_settings(
        tmp_path,
        upstream.port,
        smtp={
            "allowed_networks": ["10.0.0.0/8"],  # loopback is NOT trusted: AUTH is the only way
            "tls_cert": cert,
            "tls_key": key,
            "auth_users": {"mta": hashed},
        },
    )
    gateway: Gateway = await start_gateway(settings)
    return gateway


async def test_auth_before_starttls_is_refused(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory, smtp_tls_files: tuple[Path, Path]
) -> None:
    gateway = await _tls_gateway(tmp_path, upstream, start_gateway, smtp_tls_files)

    def attempt() -> tuple[bool, tuple[int, bytes]]:
        with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30) as client:
            client.ehlo("mta.example.gov.cn")
            offered = client.has_extn("auth")
            return offered, client.docmd("AUTH", "PLAIN AG10YQBjb3JyZWN0IGhvcnNl")

    offered, (code, text) = await asyncio.to_thread(attempt)
    assert not offered  # RFC 4954 §4: not advertised before TLS
    assert (code, text) == (530, b"5.7.0 Must issue a STARTTLS command first")


async def test_auth_after_starttls_relays_from_anywhere(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory, smtp_tls_files: tuple[Path, Path]
) -> None:
    gateway = await _tls_gateway(tmp_path, upstream, start_gateway, smtp_tls_files)
    raw = message(CLEAN_TEXT)

    wrong = await submit(
        gateway.smtp_port, SENDER, [EXTERNAL], raw, starttls=True, login=("mta", "wrong")
    )
    assert (wrong.stage, wrong.code) == ("auth", 535)
    anonymous = await submit(gateway.smtp_port, SENDER, [EXTERNAL], raw, starttls=True)
    assert (anonymous.stage, anonymous.code) == ("rcpt", 554)

    answer = await submit(
        gateway.smtp_port, SENDER, [EXTERNAL], raw, starttls=True, login=("mta", "correct horse")
    )
    assert answer.code == 250, answer
    [got] = upstream.messages
    assert b"with ESMTPSA id" in got.data.split(b"\r\n\r\n")[0]  # RFC 3848

    def login_mechanism(password: str) -> int:
        with smtplib.SMTP("127.0.0.1", smtp_gateway_port, timeout=30) as client:
            client.ehlo("mta.example.gov.cn")
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            client.starttls(context=context)
            client.ehlo("mta.example.gov.cn")
            client.user, client.password = "mta", password
            try:
                return client.auth("LOGIN", client.auth_login)[0]
            except smtplib.SMTPAuthenticationError as exc:
                return exc.smtp_code

    smtp_gateway_port = gateway.smtp_port
    assert await asyncio.to_thread(login_mechanism, "correct horse") == 235
    assert await asyncio.to_thread(login_mechanism, "nope") == 535


async def test_password_guessing_is_throttled(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory, smtp_tls_files: tuple[Path, Path]
) -> None:
    """21 wrong passwords in a row, then the right one: the guesser never gets in."""
    gateway = await _tls_gateway(tmp_path, upstream, start_gateway, smtp_tls_files)
    raw = message(CLEAN_TEXT)
    codes = []
    for attempt in range(21):
        answer = await submit(
            gateway.smtp_port,
            SENDER,
            [EXTERNAL],
            raw,
            starttls=True,
            login=("mta", f"guess{attempt}"),
        )
        codes.append(answer.code)
    # smtplib tries PLAIN then LOGIN: each connection is up to two guesses
    first = codes.index(454)
    assert codes[0] == 535 and set(codes[:first]) == {535} and set(codes[first:]) == {454}
    assert first <= 5  # no more than five guesses are ever checked (RFC 4954 §6: 454, try later)
    right = await submit(
        gateway.smtp_port, SENDER, [EXTERNAL], raw, starttls=True, login=("mta", "correct horse")
    )
    assert (right.stage, right.code) == ("auth", 454)
    assert upstream.messages == []


async def test_oversize_message_gets_552(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    settings = make_settings(tmp_path, upstream.port, smtp={"max_message_size": 20_000})
    gateway = await start_gateway(settings)

    declared = await submit(
        gateway.smtp_port, SENDER, [EXTERNAL], b"x", mail_options=("SIZE=50000",)
    )
    assert (declared.stage, declared.code) == ("mail", 552)

    big = message(CLEAN_TEXT + "补充材料。\n" * 3000)
    sent = await submit(gateway.smtp_port, SENDER, [EXTERNAL], big)
    assert (sent.stage, sent.code) == ("data", 552)
    assert upstream.messages == []


async def test_too_many_recipients_gets_452(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    settings = make_settings(tmp_path, upstream.port, smtp={"max_recipients": 3})
    gateway = await start_gateway(settings)

    def attempt() -> list[int]:
        with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30) as client:
            client.ehlo("mta.example.gov.cn")
            client.mail(SENDER)
            codes = [client.rcpt(f"user{i}@example.com")[0] for i in range(4)]
            codes.append(client.data(message(CLEAN_TEXT))[0])
            return codes

    # RFC 5321 §4.5.3.1.10: 452 for the extra ones; the first three still get the message.
    assert await asyncio.to_thread(attempt) == [250, 250, 250, 452, 250]
    [got] = upstream.messages
    assert got.rcpt_to == ["user0@example.com", "user1@example.com", "user2@example.com"]


async def test_smtputf8_and_8bitmime_are_carried_upstream(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    raw = message(CLEAN_TEXT, sender="张三@例子.政务.cn")
    answer = await submit(
        smtp_gateway.smtp_port,
        "张三@例子.政务.cn",
        ["合作方@example.com"],
        raw,
        mail_options=("SMTPUTF8", "BODY=8BITMIME"),
    )

    assert answer.code == 250, answer
    [got] = upstream.messages
    assert got.mail_from == "张三@例子.政务.cn" and got.rcpt_to == ["合作方@example.com"]
    assert "SMTPUTF8" in got.mail_options and "BODY=8BITMIME" in got.mail_options
    assert b"with UTF8SMTP id" in got.data
    assert got.data.endswith(raw)


async def test_starttls_is_offered_and_works(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory, smtp_tls_files: tuple[Path, Path]
) -> None:
    cert, key = smtp_tls_files
    settings = make_settings(tmp_path, upstream.port, smtp={"tls_cert": cert, "tls_key": key})
    gateway = await start_gateway(settings)

    def attempt() -> str | None:
        with smtplib.SMTP("127.0.0.1", gateway.smtp_port, timeout=30) as client:
            client.ehlo("mta.example.gov.cn")
            assert client.has_extn("starttls")
            context = ssl.create_default_context(cafile=str(cert))
            context.check_hostname = False
            client.starttls(context=context)
            sock = client.sock
            assert isinstance(sock, ssl.SSLSocket)
            return sock.version()

    assert await asyncio.to_thread(attempt) in {"TLSv1.2", "TLSv1.3"}
