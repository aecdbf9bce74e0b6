"""``dlp-gateway`` command line: one module per command group, registered here.

Each command module exposes ``register(subparsers)`` which adds its parser and sets
``func(args) -> int``. Exit status: 0 success, 1 "would be held" (scan), 2 error with one line
on stderr. No traceback ever reaches the user.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from gateway.cli import audit, config, quarantine, register, scan, scope, serve, stats, user
from gateway.errors import DlpError, SettingsError

log = logging.getLogger("dlp_gateway.cli")

COMMANDS = (serve, scan, scope, config, quarantine, stats, user, audit, register)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlp-gateway",
        description="Outbound-mail DLP gateway (工作秘密外发邮件检查网关)",
    )
    parser.add_argument("--config", metavar="FILE", help="settings TOML file (or DLP_CONFIG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        for line in exc.problems:
            print(f"dlp-gateway: {line}", file=sys.stderr)
        return 2
    except DlpError as exc:
        hint = getattr(exc, "cli_hint", "")
        print(f"dlp-gateway: {exc}" + (f"（{hint}）" if hint else ""), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: one line, never a traceback
        log.debug("unexpected error", exc_info=True)
        print(f"dlp-gateway: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
