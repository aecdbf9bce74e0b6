"""Many sample files through one ``dlp-gateway scan --format json`` run (the detection family
tests: one process start and one table compile for dozens of samples)."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from gateway.cli import main
from gateway.service import Gateway
from matchers.context import internal_markers
from matchers.normalize import fold
from tests.fixtures_smtp import Sink, submit
from tests.support.addresses import EXTERNAL, SENDER


def scan_files(directory: Path, files: Iterable[tuple[str, bytes]]) -> dict[str, dict[str, Any]]:
    """Write ``files`` (name, bytes) into ``directory``, scan them all, results by file name."""
    paths = []
    for name, data in files:
        (directory / name).write_bytes(data)
        paths.append(str(directory / name))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["scan", "--format", "json", *paths])
    results = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return {Path(r["path"]).name: r for r in results}


#: family → (category, file name, content) of samples that must be held under their category
Sensitive = dict[str, tuple[str, str, bytes]]
#: family → (file name, content) of published or ordinary samples that must pass
Public = dict[str, tuple[str, bytes]]


def scan_families(
    directory: Path, sensitive: Sensitive, public: Public
) -> dict[str, dict[str, Any]]:
    """Every sample of a family module through one scan run, by file name (names distinct)."""
    files = [(name, data) for _, name, data in sensitive.values()] + list(public.values())
    assert len({name for name, _ in files}) == len(files), "two samples share a file name"
    return scan_files(directory, files)


def family_tests(label: str, sensitive: Sensitive, public: Public) -> tuple[Any, Any, Any]:
    """What a family module needs, to assign to ``scanned, test_…_held, test_…_passes``: the
    module's one scan run as a fixture, every sensitive family held under its category and
    every public or harmless form passed, one test per family."""

    @pytest.fixture(scope="module", name="scanned")
    def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
        return scan_families(tmp_path_factory.mktemp(label), sensitive, public)

    @pytest.mark.parametrize("family", list(sensitive))
    def held(scanned: dict[str, dict[str, Any]], family: str) -> None:
        category, name, _ = sensitive[family]
        assert_held(scanned[name], category, family)

    @pytest.mark.parametrize("family", list(public))
    def passes(scanned: dict[str, dict[str, Any]], family: str) -> None:
        name, _ = public[family]
        assert scanned[name]["verdict"] == "pass", (family, scanned[name]["categories"])

    return scanned, held, passes


def evidence_test(sensitive: Sensitive, evidence: dict[str, str]) -> Any:
    """A test, one per family of ``evidence``: the officer reads that evidence (a part of the
    sum, "表决比分（模式） 50") in the held category's explanation. Needs the ``scanned``
    fixture of :func:`family_tests`."""

    @pytest.mark.parametrize("family", list(evidence))
    def reads_why(scanned: dict[str, dict[str, Any]], family: str) -> None:
        category, name, _ = sensitive[family]
        held = [c for c in scanned[name]["categories"] if c["score"] >= c["threshold"]]
        sums = [c["explain"] for c in held if c["id"] == category.replace("_", "-")]
        assert any(evidence[family] in explain for explain in sums), held

    return reads_why


def marker_words(text: str) -> list[str]:
    """The internal markers the context module reads in ``text`` (after folding), as words."""
    return [word for *_, word in internal_markers(fold(text).text)]


def detectors_of(result: dict[str, Any]) -> set[str]:
    """The detectors among a scanned file's findings (roster_sensitive, work_secret_statement …)."""
    return {f["rule"] for f in result["findings"] if f["kind"] == "detector"}


def as_mails(sensitive: Sensitive, families: Iterable[str], attach: Any) -> dict[str, bytes]:
    """The raw messages of ``families``: a mail as it is, a document attached to a short one."""
    mails = {}
    for family in families:
        _, name, data = sensitive[family]
        mails[family] = data if name.endswith(".eml") else attach(name, data)
    return mails


def assert_held(result: dict[str, Any], category: str, family: str) -> None:
    """Held (or rejected, for a table that rejects), and under ``category`` (a table id with
    ``_`` for ``-``)."""
    reached = [c["id"] for c in result["categories"] if c["score"] >= c["threshold"]]
    assert result["verdict"] in ("quarantine", "reject"), (family, result["categories"])
    assert category.replace("_", "-") in reached, (family, result["categories"])


async def held_then_relayed(
    gateway: Gateway, upstream: Sink, held: dict[str, bytes], relayed: bytes
) -> None:
    """Over real SMTP: each of ``held`` (family → raw message) is held for review (250 2.6.0),
    ``relayed`` is relayed (250 2.0.0), and only that one reaches upstream."""
    for family, raw in held.items():
        answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], raw)
        assert answer.code == 250 and answer.text.startswith("2.6.0 held for review"), (
            family,
            answer,
        )
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], relayed)
    assert (answer.code, answer.text.startswith("2.0.0")) == (250, True), answer
    await gateway.wait_background()
    assert len(upstream.to(EXTERNAL)) == 1  # the relayed one, nothing else
