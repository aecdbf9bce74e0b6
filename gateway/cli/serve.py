"""`dlp-gateway serve [--config FILE]`: run the SMTP gateway and the console until SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from gateway.settings import load_settings


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the SMTP gateway and the review console (embedded defaults without settings)",
        description="Run the SMTP gateway and the review console. SIGHUP reloads the scope "
        "tables; SIGTERM drains messages in progress and exits 0.",
    )
    # Accepted after `serve` too; a separate dest so the global --config is not overwritten.
    parser.add_argument("--config", dest="serve_config", metavar="FILE", help="settings TOML file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gateway.service import serve

    settings = load_settings(getattr(args, "serve_config", None) or args.config)
    return asyncio.run(serve(settings))
