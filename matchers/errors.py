"""The project's error hierarchy.

The root lives here because ``matchers`` may not import ``gateway``; the gateway extends it
in ``gateway/errors.py``::

    DlpError
    ├── ScopeError            a scope table failed to load (file, line, key, problem)
    └── (gateway/errors.py)
        ├── SettingsError     a wrong setting (one line per problem)
        ├── ExtractionError   an extractor fault (becomes Unscannable, never a crash)
        ├── StoreError        the quarantine store is unavailable (→ 451 4.3.0)
        ├── RelayError        upstream refused or unreachable (temporary / permanent)
        └── ReviewError       an officer action the rules forbid
"""

from __future__ import annotations


class DlpError(Exception):
    """Root of every error this project raises on purpose."""


class ScopeError(DlpError):
    """A scope table is broken. ``str()`` is the one-line ``file: key: problem`` message."""

    def __init__(self, file: str, key: str, problem: str, line: int | None = None) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        self.line = line
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {key}: {problem}")
