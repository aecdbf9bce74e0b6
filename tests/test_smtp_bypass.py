"""Decoding holes, tried as an attacker would, over real SMTP: every variant must be held.

A single invalid byte, a cp1252 smart quote or a multibyte character cut off by a truncating
client must not hide ``拆迁补偿方案`` (a mail client shows it all the same); nor may a padded or
commented Content-Transfer-Encoding leave a body encoded; nor UTF-16 without a BOM.
"""

from __future__ import annotations

import base64
import quopri

import pytest

from gateway.service import Gateway
from tests.fixtures_smtp import Sink, submit
from tests.support.addresses import EXTERNAL, SENDER

PHRASE = "关于某村拆迁补偿方案的说明"
UTF8 = PHRASE.encode()
DAMAGED = {
    "stray 0xFF": UTF8 + b" \xff",
    "cp1252 smart quote": b"\x93" + UTF8 + b"\x94",
    "last character cut": UTF8 + "。好".encode()[:-1],
    "GBK line among UTF-8 lines": "第一行说明\n".encode() + PHRASE.encode("gbk") + b"\n" + UTF8[:6],
}


def _mail(headers: list[str], body: bytes) -> bytes:
    head = "\r\n".join(
        [f"From: <{SENDER}>", f"To: <{EXTERNAL}>", "Message-ID: <bypass@example.gov.cn>", *headers]
    )
    return head.encode() + b"\r\n\r\n" + body + b"\r\n"


def _multipart(part_headers: list[str], body: bytes) -> bytes:
    boundary = "b0undary"
    return _mail(
        [
            "Subject: files",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/mixed; boundary="{boundary}"',
        ],
        b"--b0undary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee attachment\r\n"
        + b"--b0undary\r\n"
        + "\r\n".join(part_headers).encode()
        + b"\r\n\r\n"
        + body
        + b"\r\n--b0undary--",
    )


def variants() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for name, data in DAMAGED.items():
        out[f"body, {name}"] = _mail(
            ["Subject: hi", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
             "Content-Transfer-Encoding: 8bit"], data,
        )  # fmt: skip
        out[f"undeclared body, {name}"] = _mail(["Subject: hi"], data)
        out[f"html, {name}"] = _mail(
            ["Subject: hi", "MIME-Version: 1.0", "Content-Type: text/html; charset=utf-8",
             "Content-Transfer-Encoding: 8bit"], b"<html><body><p>" + data + b"</p></body></html>",
        )  # fmt: skip
        b64 = base64.b64encode(data).decode()
        out[f"subject, {name}"] = _mail([f"Subject: =?utf-8?B?{b64}?="], b"see subject")
        for filename, ctype in (("note.txt", "text/plain"), ("list.csv", "text/csv")):
            out[f"{filename}, {name}"] = _multipart(
                [f"Content-Type: {ctype}; charset=utf-8", "Content-Transfer-Encoding: base64",
                 f'Content-Disposition: attachment; filename="{filename}"'],
                base64.encodebytes(data),
            )  # fmt: skip
    encoded = {
        "base64": base64.encodebytes(UTF8),
        "quoted-printable": quopri.encodestring(UTF8),
    }
    for cte, token in [
        ("base64", "base64 "),
        ("base64", "BASE64"),
        ("base64", "base64 (padded)"),
        ("base64", '"base64"'),
        ("quoted-printable", "quoted-printable "),
        ("quoted-printable", "Quoted-Printable\t"),
        ("quoted-printable", "x-made-up"),
        ("base64", "x-made-up"),
    ]:
        out[f"transfer encoding {token!r} ({cte})"] = _mail(
            ["Subject: hi", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
             f"Content-Transfer-Encoding: {token}"], encoded[cte],
        )  # fmt: skip
    for codec in ("utf-16-le", "utf-16-be"):
        out[f"attachment in {codec} without BOM"] = _multipart(
            ["Content-Type: text/plain", "Content-Transfer-Encoding: base64",
             'Content-Disposition: attachment; filename="note.txt"'],
            base64.encodebytes(PHRASE.encode(codec)),
        )  # fmt: skip
    return out


@pytest.mark.slow
async def test_no_decoding_hole_lets_the_phrase_past(smtp_gateway: Gateway, upstream: Sink) -> None:
    passed = []
    for name, raw in variants().items():
        answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)
        assert answer.code == 250, (name, answer)
        if not answer.text.startswith("2.6.0 held for review"):
            passed.append(name)
    await smtp_gateway.wait_background()
    assert passed == []
    assert upstream.to(EXTERNAL) == []  # only notices went out, never one of these messages
