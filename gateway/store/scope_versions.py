"""Table history (issue 11): every scope version's tables, stored once by their version hash.

The hash is computed exactly as :func:`matchers.scope.load_scope` computes the version cases
record (file name, NUL, bytes, NUL, for ``*.toml`` sorted by name), from the bytes read here: the
stored text always belongs to the hash it is stored under, even if a file changed meanwhile.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gateway.errors import StoreError
from gateway.store.engine import Sessions, store_errors
from gateway.store.models import ScopeVersion


def read_tables(directory: Path) -> tuple[str, list[dict[str, str]]]:
    """``(version, [{name, text}])`` of the ``*.toml`` tables in ``directory`` (OSError)."""
    digest = hashlib.sha256()
    files: list[dict[str, str]] = []
    for path in sorted(Path(directory).glob("*.toml")):
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        files.append({"name": path.name, "text": raw.decode("utf-8", "replace")})
    return digest.hexdigest(), files


async def record(sessions: Sessions, directory: Path, loaded_by: str) -> str:
    """Store the tables now in ``directory`` under their version unless already stored."""
    version, files = read_tables(directory)
    with store_errors():
        async with sessions() as session:
            if await session.get(ScopeVersion, version) is not None:
                return version
    try:
        with store_errors():
            async with sessions() as session, session.begin():
                session.add(
                    ScopeVersion(
                        version=version,
                        loaded_at=datetime.now(UTC),
                        loaded_by=loaded_by,
                        files=files,
                    )
                )
    except StoreError as exc:
        if not isinstance(exc.__cause__, IntegrityError):  # another instance stored it first
            raise
    return version


async def get(sessions: Sessions, version: str) -> ScopeVersion | None:
    with store_errors():
        async with sessions() as session:
            return await session.get(ScopeVersion, version)


async def history(sessions: Sessions, limit: int = 200) -> list[ScopeVersion]:
    """Stored versions, newest first."""
    with store_errors():
        async with sessions() as session:
            rows = await session.scalars(
                select(ScopeVersion).order_by(ScopeVersion.loaded_at.desc()).limit(limit)
            )
            return list(rows.all())


def diff(older: ScopeVersion, newer: ScopeVersion) -> str:
    """A unified diff of two versions, file by file (added and removed files included)."""
    old = {f["name"]: f["text"] for f in older.files}
    new = {f["name"]: f["text"] for f in newer.files}
    out: list[str] = []
    for name in sorted(old.keys() | new.keys()):
        out += difflib.unified_diff(
            old.get(name, "").splitlines(keepends=True),
            new.get(name, "").splitlines(keepends=True),
            fromfile=f"{older.version[:12]}/{name}" if name in old else "/dev/null",
            tofile=f"{newer.version[:12]}/{name}" if name in new else "/dev/null",
        )
    return "".join(out)


@dataclass(frozen=True, slots=True)
class RuleSource:
    """Where a finding's rule is written in the tables that decided the case."""

    file: str
    line: int
    text: str


def rule_source(version: ScopeVersion, finding: dict[str, Any]) -> RuleSource | None:
    """The table line holding a finding's rule, in the file of its category (best effort)."""
    category = str(finding.get("category", ""))
    rule = str(finding.get("rule", ""))
    if not rule:
        return None
    for item in version.files:
        text = str(item.get("text", ""))
        if f'id = "{category}"' not in text and f"id = '{category}'" not in text:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if rule in line:
                return RuleSource(str(item["name"]), number, line.strip())
        return RuleSource(str(item["name"]), 0, "")
    return None
