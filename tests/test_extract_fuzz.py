"""Property-based fuzzing of the MIME entry point: any bytes give an answer, never an escape."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.extract import extract_message
from gateway.settings import LimitSettings
from tests.fixtures_extract import zip_of
from tests.support.messages import multipart_message as message

LIMITS = LimitSettings(timeout=10)

_HEADERS = st.lists(
    st.sampled_from(
        [
            b"Content-Type: multipart/mixed; boundary=B\r\n",
            b"Content-Type: message/rfc822\r\n",
            b"Content-Type: text/plain; charset=gb2312\r\n",
            b'Content-Type: text/html; charset="big5"\r\n',
            b"Content-Transfer-Encoding: base64\r\n",
            b"Content-Transfer-Encoding: quoted-printable\r\n",
            b"Content-Transfer-Encoding: x-uuencode\r\n",
            b"Content-Disposition: attachment; filename*=gb2312''%B8%C9.zip\r\n",
            b"Subject: =?gb2312?B?\r\n",
            b"Subject: \xb8\xc9\xb2\xbf\r\n",
            b"--B\r\n",
            b"--B--\r\n",
            b"\r\n",
            b"begin 644 a.txt\r\n",
        ]
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(headers=_HEADERS, body=st.binary(max_size=2048))
def test_structured_garbage_never_escapes(headers: list[bytes], body: bytes) -> None:
    raw = b"From: a@b\r\n" + b"".join(headers) + b"\r\n" + body
    result = extract_message(raw, LIMITS)
    assert isinstance(result.segments, tuple)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096))
def test_random_bytes_never_escape(data: bytes) -> None:
    extract_message(data, LIMITS)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blob=st.binary(max_size=1024), cut=st.integers(min_value=0, max_value=4000))
def test_truncated_attachments_are_held_or_read_never_escape(blob: bytes, cut: int) -> None:
    archive = zip_of([("a.txt", blob), ("b.bin", blob[::-1])])
    raw = message(attachments=[("资料.zip", archive[:cut] if cut else archive)])
    result = extract_message(raw, LIMITS)
    statuses = {p.status for p in result.parts}
    assert statuses <= {"scanned", "image", "unscannable", "empty"}


_MAGIC = [
    b"PK\x03\x04",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"%PDF-1.7\n",
    b"{\\rtf1\\ansi\\ansicpg936 ",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07\x01\x00",
    b"Rar!\x1a\x07\x00",
    b"\x1f\x8b\x08\x00",
    b"BZh9",
    b"\xfd7zXZ\x00",
    b"\x78\x9f\x3e\x22\x01\x00",
    b"\x85\x02\x0c\x03",
    b"0\x82\x01\x00\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02",
    b"From: a@b\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n",
    b"<html><body>",
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(magic=st.sampled_from(_MAGIC), rest=st.binary(max_size=2048))
def test_documents_with_real_magic_and_garbage_never_escape(magic: bytes, rest: bytes) -> None:
    from gateway.extract import extract_document

    result = extract_document(magic + rest, "x", LIMITS)
    assert result.parts[0].status in {"scanned", "image", "unscannable", "empty"}
