"""Hostile input: bombs, quines, deep nesting and traversal names are held quickly, never
followed, and never written to disk."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from gateway.extract import extract_document, extract_message
from gateway.settings import LimitSettings
from tests.fixtures_extract import reasons, texts, zip_of
from tests.support.messages import multipart_message as message


def _reason_set(result: object) -> set[str]:
    return {u.reason.value for u in result.unscannable}  # type: ignore[attr-defined]


def test_zip_bomb_trips_the_ratio_limit_without_expanding(limits: LimitSettings) -> None:
    # 200 MB of zeros deflates to ~200 KB: far beyond 100:1
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("zeros.txt", "w") as fh:
        chunk = b"\x00" * (1 << 20)
        for _ in range(200):
            fh.write(chunk)
    result = extract_message(message(attachments=[("bomb.zip", buf.getvalue())]), limits)
    assert reasons(result) == {"附件 bomb.zip": "limit_ratio"}


def test_nested_zip_bomb_is_refused_from_declared_sizes_before_inflating_its_leaves(
    limits: LimitSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """42.zip-style: 16 zips of 16 members of 10 MB of zeros each (2.5 GB declared). Every
    inner zip is refused from its central directory; no leaf byte is ever inflated."""
    leaf = zip_of([(f"{n}.txt", b"\x00" * (10 << 20)) for n in range(16)])
    bomb = zip_of([(f"lib{n}.zip", leaf) for n in range(16)])
    inflated = 0
    read = zipfile.ZipExtFile.read

    def counting(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        nonlocal inflated
        chunk = read(self, n)
        inflated += len(chunk)
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    result = extract_message(message(attachments=[("42.zip", bomb)]), limits)
    assert _reason_set(result) == {"limit_ratio"}
    assert len(result.unscannable) == 16  # each inner zip, by name
    assert inflated == 16 * len(leaf)  # the inner zips themselves, nothing below them


def test_overlapping_zip_entries_are_refused_before_inflating(limits: LimitSettings) -> None:
    """Fifield's "better zip bomb": many central-directory entries share one compressed kernel."""
    data = bytearray(zip_of([("a.txt", "拟提拔人选".encode() * 100), ("b.txt", b"x" * 600)]))
    second = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)
    data[second + 42 : second + 46] = (0).to_bytes(4, "little")  # b's entry points at a's data
    result = extract_document(bytes(data), "overlap.zip", limits)
    assert reasons(result) == {"overlap.zip": "limit_ratio"}
    assert "重叠" in result.unscannable[0].detail


def test_total_expanded_size_limit() -> None:
    limits = LimitSettings(max_expanded_bytes=3 * 1024 * 1024, max_ratio=1_000_000)
    members = [(f"part{i}.txt", os.urandom(512 * 1024).hex().encode()) for i in range(5)]
    result = extract_document(zip_of(members), "big.zip", limits)
    assert reasons(result) == {"big.zip": "limit_size"}


def test_fifty_level_nested_zip_trips_the_depth_limit(limits: LimitSettings) -> None:
    data = "机密★10年 最里层".encode()
    for level in range(50):
        data = zip_of([(f"level{level}.zip" if level else "secret.txt", data)])
    result = extract_message(message(attachments=[("nested.zip", data)]), limits)
    assert _reason_set(result) == {"limit_depth"}
    (item,) = result.unscannable
    assert item.location.count(" › ") == limits.max_depth  # stopped at the first level too deep
    assert "最里层" not in "".join(s.text for s in result.segments)


def test_too_many_members(limits: LimitSettings) -> None:
    members = [(f"f{i}.txt", b"x") for i in range(limits.max_members + 1)]
    result = extract_document(zip_of(members), "many.zip", limits)
    assert reasons(result) == {"many.zip": "limit_members"}


def test_droste_zip_and_quine_gz_are_limit_depth(corpus: Path, limits: LimitSettings) -> None:
    for rel in ("tika/test-documents/droste.zip", "tika/test-documents/quine.gz"):
        result = extract_document((corpus / rel).read_bytes(), Path(rel).name, limits)
        assert _reason_set(result) == {"limit_depth"}, rel


@pytest.mark.parametrize(
    "rel",
    [
        "poi/test-data/spreadsheet/poc-xmlbomb.xlsx",
        "poi/test-data/spreadsheet/poc-xmlbomb-empty.xlsx",
        "poi/test-data/spreadsheet/54764.xlsx",
        "poi/test-data/spreadsheet/54764-2.xlsx",
        "poi/test-data/spreadsheet/poc-shared-strings.xlsx",
    ],
)
def test_xml_bomb_spreadsheets_are_limit_size(
    corpus: Path, limits: LimitSettings, rel: str
) -> None:
    result = extract_document((corpus / rel).read_bytes(), Path(rel).name, limits)
    assert _reason_set(result) == {"limit_size"}


def test_billion_laughs_in_a_docx_part_is_refused(limits: LimitSettings) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = zip_of([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", bomb.encode())])
    assert reasons(extract_document(data, "a.docx", limits)) == {"a.docx": "limit_size"}


def test_path_traversal_names_are_labels_and_nothing_is_written(
    tmp_path: Path, limits: LimitSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    members = [
        ("../../../../tmp/evil-dlp-test.txt", "维稳预案".encode()),
        ("/etc/evil-dlp-test.txt", b"x"),
        ("..\\..\\windows\\evil.txt", b"y"),
    ]
    before = set(tmp_path.rglob("*"))
    result = extract_document(zip_of(members), "slip.zip", limits)
    assert set(tmp_path.rglob("*")) == before
    assert not Path("/tmp/evil-dlp-test.txt").exists()
    assert texts(result)["slip.zip › ../../../../tmp/evil-dlp-test.txt"] == "维稳预案"


def test_deadline_turns_into_timeout(limits: LimitSettings) -> None:
    import time

    data = zip_of([(f"f{i}.txt", "正文".encode()) for i in range(50)])
    result = extract_document(data, "a.zip", limits, deadline=time.monotonic() - 1)
    assert reasons(result) == {"a.zip": "timeout"}


def test_encrypted_zip_member_is_encrypted(corpus: Path, limits: LimitSettings) -> None:
    data = (corpus / "tika/test-documents/testZipEncrypted.zip").read_bytes()
    assert "encrypted" in _reason_set(extract_document(data, "e.zip", limits))
