"""A ``monitor`` scope table of the tests' own and the real engine on it, in this process
(trial mode, issue 11)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gateway.inspection import Inspection, inspect_message
from gateway.settings import LimitSettings
from matchers.engine import Engine
from matchers.scope import load_scope

TRIAL_TABLE = """\
id = "donghu"
name = "东湖片区（试运行）"
action = "monitor"
[[terms]]
words = ["东湖片区"]
weight = 100
"""


class EngineInspector:
    """The real engine on a scope directory of the test's own, in this process."""

    term_count = 1

    def __init__(self, scope: Path) -> None:
        self.engine = Engine.compile(load_scope(scope))
        self.version = self.engine.version
        self.limits = LimitSettings()

    async def inspect(self, raw: bytes) -> Inspection:
        return await asyncio.to_thread(inspect_message, raw, self.engine, self.limits)


def trial_scope(tmp_path: Path) -> Path:
    scope = tmp_path / "trial-scope"
    scope.mkdir()
    (scope / "donghu.toml").write_text(TRIAL_TABLE, encoding="utf-8")
    return scope
