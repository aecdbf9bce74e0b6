"""`dlp-gateway audit verify`: check the audit log's hash chain; exit 1 if it is broken."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from gateway.settings import load_settings
from gateway.store import audit
from gateway.store.migrations import migrated_store


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "audit", help="check the audit log", description="Check the audit log's hash chain."
    )
    commands = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = commands.add_parser(
        "verify",
        help="verify the hash chain; name the first entry altered, inserted or removed",
    )
    verify.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    result = asyncio.run(_verify(settings.effective_database_url))
    print(result.describe())
    return 0 if result.ok else 1


async def _verify(url: str) -> audit.VerifyResult:
    async with migrated_store(url) as sessions:
        return await audit.verify(sessions)
