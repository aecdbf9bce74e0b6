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
