"""Many sample files through one ``dlp-gateway scan --format json`` run (the detection family
tests: one process start and one table compile for dozens of samples)."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gateway.cli import main


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


def assert_held(result: dict[str, Any], category: str, family: str) -> None:
    """Held (or rejected, for a table that rejects), and under ``category`` (a table id with
    ``_`` for ``-``)."""
    reached = [c["id"] for c in result["categories"] if c["score"] >= c["threshold"]]
    assert result["verdict"] in ("quarantine", "reject"), (family, result["categories"])
    assert category.replace("_", "-") in reached, (family, result["categories"])
