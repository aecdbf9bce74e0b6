"""Shared fixtures. Each area keeps its own fixtures in ``tests/fixtures_<area>.py``."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures_matchers",
    "tests.fixtures_extract",
    "tests.fixtures_smtp",
    "tests.fixtures_console",
]

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SCOPE_DIR = ROOT / "config" / "scope"
CORPUS = Path(os.environ.get("DLP_CORPUS", ROOT.parent / "shared" / "corpus"))
REQUIRE_SYSTEM = os.environ.get("DLP_TEST_REQUIRE_SYSTEM") == "1"


def require_tool(path_or_name: str, why: str) -> str:
    """Return the tool's path, or skip (fail in CI, where ``.ci/run`` must install it)."""
    found = path_or_name if os.path.exists(path_or_name) else shutil.which(path_or_name)
    if found:
        return found
    message = f"{path_or_name} is not installed ({why}); `make test` as root installs it"
    if REQUIRE_SYSTEM:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-world corpus (``../shared/corpus``); skip if this checkout lacks it."""
    if not (CORPUS / "MANIFEST.md").is_file():
        pytest.skip(f"shared corpus not found at {CORPUS} (clone with ../shared beside the repo)")
    return CORPUS


@pytest.fixture(scope="session")
def scope_dir() -> Path:
    return SCOPE_DIR


@pytest.fixture(autouse=True)
def _logging_left_as_found() -> Iterator[None]:
    """``serve`` routes the root logger to stderr for its process; a test that runs it in-process
    must not leave that handler (or its level) to the tests after it."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
