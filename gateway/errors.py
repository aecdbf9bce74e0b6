"""Gateway faults, extending the root in ``matchers/errors.py``::

    DlpError                     (matchers.errors)
    ├── ScopeError               (matchers.errors) a scope table failed to load
    ├── SettingsError            wrong settings; ``problems`` holds one line per problem
    ├── ExtractionError          an extractor fault; becomes Unscannable, never a crash
    ├── StoreError               the quarantine store is unavailable (→ 451 4.3.0)
    ├── RelayError               upstream did not take the message
    │   ├── TemporaryRelayError  4xx, unreachable, timeout (→ 451, retry later)
    │   └── PermanentRelayError  5xx (→ upstream's code to the client)
    ├── ReviewError              an officer action the rules forbid (wrong role, own mail, …)
    └── AccountError             a console account change that cannot be made (duplicate, …)

Policy outcomes (pass / quarantine / reject / unscannable) are values, not exceptions.
"""

from __future__ import annotations

from matchers.errors import DlpError, ScopeError

__all__ = [
    "AccountError",
    "DlpError",
    "ExtractionError",
    "PermanentRelayError",
    "RelayError",
    "ReviewError",
    "ScopeError",
    "SettingsError",
    "StoreError",
    "TemporaryRelayError",
]


class SettingsError(DlpError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class ExtractionError(DlpError):
    pass


class StoreError(DlpError):
    pass


class RelayError(DlpError):
    """Upstream did not take the message. ``code``/``message`` are upstream's reply if any."""

    def __init__(self, code: int, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code} {message}")


class TemporaryRelayError(RelayError):
    pass


class PermanentRelayError(RelayError):
    pass


class ReviewError(DlpError):
    pass


class AccountError(DlpError):
    """The Chinese one-line reason (shown by the console and the CLI alike); ``cli_hint``, if
    given, names the command-line way out and is added by the CLI only."""

    def __init__(self, message: str, *, cli_hint: str = "") -> None:
        super().__init__(message)
        self.cli_hint = cli_hint
