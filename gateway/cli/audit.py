"""`dlp-gateway audit verify|checkpoint`: check the keyed audit chain; anchor its head.

``verify`` walks the chain under the audit key and holds it against the signed checkpoints
(``audit.checkpoint_file``); exit 1 if anything does not fit, naming the first bad entry or the
missing range. ``checkpoint`` appends a signed checkpoint now (``serve`` does it every
``audit.checkpoint_seconds`` and at shutdown).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from gateway.settings import Settings, load_settings
from gateway.store import audit
from gateway.store.migrations import open_store


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "audit", help="check the audit log", description="Check the keyed audit chain."
    )
    commands = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = commands.add_parser(
        "verify",
        help="verify the chain and the checkpoints; name the first entry altered, inserted or "
        "removed, or the missing range",
    )
    verify.add_argument(
        "--checkpoints",
        metavar="FILE",
        type=Path,
        help="checkpoint file to hold the chain against (default: audit.checkpoint_file)",
    )
    verify.set_defaults(func=run_verify)
    checkpoint = commands.add_parser("checkpoint", help="append a signed checkpoint of the head")
    checkpoint.set_defaults(func=run_checkpoint)


def run_verify(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    result = asyncio.run(_verify(settings, args.checkpoints or settings.audit_checkpoint_file))
    print(result.describe())
    return 0 if result.ok else 1


async def _verify(settings: Settings, checkpoints: Path) -> audit.VerifyResult:
    async with open_store(settings, writing=False) as sessions:
        return await audit.verify(sessions, checkpoints)


def run_checkpoint(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    point = asyncio.run(_checkpoint(settings))
    if point is None:
        print("no new entries since the last checkpoint")
    else:
        print(f"checkpoint: entry {point.seq} head {point.head}")
    return 0


async def _checkpoint(settings: Settings) -> audit.Checkpoint | None:
    async with open_store(settings, writing=False) as sessions:
        return await audit.write_checkpoint(sessions, settings.audit_checkpoint_file)
