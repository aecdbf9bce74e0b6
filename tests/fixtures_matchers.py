"""Fixtures for the matchers tests: the default engine and small hand-written scope tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from matchers.engine import Engine, load_engine
from matchers.scope import load_scope

ROOT = Path(__file__).resolve().parent.parent

# GB 11643-1999 §8.2, written out here rather than imported so the tests do not reuse the
# implementation they check.
_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def resident_id(first17: str) -> str:
    """Complete 17 digits with their ISO 7064 MOD 11-2 check character."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The engine over the default tables in ``config/scope``."""
    return load_engine(ROOT / "config" / "scope")


@pytest.fixture
def compile_table(tmp_path: Path) -> Callable[[str], Engine]:
    """Write one TOML table into a fresh scope directory and compile it."""

    def build(text: str) -> Engine:
        directory = tmp_path / "scope"
        directory.mkdir(exist_ok=True)
        (directory / "table.toml").write_text(text, encoding="utf-8")
        return Engine.compile(load_scope(directory))

    return build


@pytest.fixture(scope="session")
def large_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The default tables plus 3,000 real words (an alphabet large enough for two-symbol codes)."""
    import shutil

    import jieba

    directory = tmp_path_factory.mktemp("scope")
    for table in (ROOT / "config" / "scope").glob("*.toml"):
        shutil.copy(table, directory)
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    words = [line.split(" ", 1)[0] for line in dictionary.read_text("utf-8").splitlines()]
    chosen = [w for w in words if len(w) >= 3][::50][:3000]
    quoted = ", ".join(f'"{w}"' for w in chosen)
    (directory / "large.toml").write_text(
        f'id = "large"\nname = "大表"\naction = "monitor"\n[[terms]]\nwords = [{quoted}]\n',
        encoding="utf-8",
    )
    return Engine.compile(load_scope(directory))
