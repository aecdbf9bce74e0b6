"""`dlp-gateway audit verify|checkpoint|rotate-key`: check the keyed audit chain; anchor it.

``verify`` walks the chain under the audit key (and the retired keys, across rotations) and holds
it against the signed checkpoints (``audit.checkpoint_file``) and any auditor's copy of the mailed
checkpoints (``--auditor-copy``); exit 1 if anything does not fit, naming the first bad entry or
the missing range. ``checkpoint`` appends a signed checkpoint now (``serve`` does it every
``audit.checkpoint_seconds`` and at shutdown). ``rotate-key`` (an admin's password) re-anchors
the chain under a new key and keeps the old one read-only for verification.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from gateway.cli.auth import os_user, read_password
from gateway.errors import AccountError
from gateway.settings import Settings, load_settings
from gateway.store import audit, keys
from gateway.store.accounts import Accounts
from gateway.store.checkpoints import read_copy
from gateway.store.migrations import open_store
from gateway.store.models import Role


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
    verify.add_argument(
        "--auditor-copy",
        metavar="FILE",
        type=Path,
        action="append",
        default=[],
        help="an auditor's copy of mailed checkpoints (saved mails, a mailbox or pasted lines); "
        "may be repeated",
    )
    verify.set_defaults(func=run_verify)
    checkpoint = commands.add_parser("checkpoint", help="append a signed checkpoint of the head")
    checkpoint.set_defaults(func=run_checkpoint)
    rotate = commands.add_parser(
        "rotate-key",
        help="re-anchor the chain under a new audit key (admin); the old key is kept read-only",
    )
    rotate.add_argument("--actor", required=True, metavar="USER", help="an admin account")
    rotate.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the admin's password from the first line of stdin (else: prompt)",
    )
    rotate.add_argument(
        "--new-key-file",
        metavar="FILE",
        type=Path,
        help="where to write the new key when the key comes from audit.key (DLP_AUDIT__KEY)",
    )
    rotate.set_defaults(func=run_rotate)


def run_verify(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    copies = [(path, read_copy(path)) for path in args.auditor_copy]
    checkpoints = args.checkpoints or settings.audit_checkpoint_file
    result = asyncio.run(_verify(settings, checkpoints, copies))
    print(result.describe())
    return 0 if result.ok else 1


async def _verify(
    settings: Settings, checkpoints: Path, copies: list[tuple[Path, list[audit.Checkpoint]]]
) -> audit.VerifyResult:
    async with open_store(settings, writing=False) as sessions:
        return await audit.verify(sessions, checkpoints, copies=copies)


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


def run_rotate(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    password = read_password(args.password_stdin, f"{args.actor} 的密码 / password: ")
    asyncio.run(_rotate(args, settings, password))
    return 0


async def _rotate(args: argparse.Namespace, settings: Settings, password: str) -> None:
    async with open_store(settings) as sessions:
        client = os_user()
        accounts = Accounts(sessions, settings.console)
        await accounts.authenticate(args.actor, password, client, "cli")
        user = await accounts.get(args.actor)
        if user is None or user.role != Role.ADMIN:
            raise AccountError(f"account {args.actor!r} may not rotate the audit key (admin)")
        # anchor the chain as the old key left it (the last checkpoint it signs)
        await audit.write_checkpoint(sessions, settings.audit_checkpoint_file)
        old = keys.load_key(settings, create=False)
        files = keys.prepare_rotation(settings, old, args.new_key_file)
        try:
            rotated, started = await audit.rotate(
                sessions, files.new_key, args.actor, {"channel": "cli", "client": client}
            )
        except BaseException:
            keys.abandon_rotation(files)
            raise
    where = keys.finish_rotation(settings, files)
    print(f"audit key rotated: entry {rotated} (key {files.old_id}) hands over to entry {started}")
    print(f"old key {files.old_id} kept read-only in {files.retired} (for `audit verify`)")
    if files.fingerprint is not None:
        print(f"registered-secrets key pinned in {files.fingerprint}")
    print(f"new key {files.new_id} in {where}")
    shared = [str(where), str(files.retired)]
    if files.fingerprint is not None:
        shared.append(str(files.fingerprint))
    if settings.audit.key is not None:
        print("set DLP_AUDIT__KEY to the new key on every instance and restart them")
    print(
        "copy " + ", ".join(shared) + " to every instance sharing this database and restart them: "
        "an instance still holding the old key refuses to write the audit log"
    )
