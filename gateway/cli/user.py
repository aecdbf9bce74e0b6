"""`dlp-gateway user add|passwd|role|email|unlock|disable|enable|list`: accounts and roles.

Passwords are prompted (twice, without echo) or read from the first line of stdin with
``--password-stdin`` for scripts; they never appear on the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import re
import sys
from typing import Any

from gateway.cli.auth import os_user
from gateway.errors import AccountError
from gateway.settings import Settings, load_settings
from gateway.store.accounts import Accounts, check_emails, parse_role
from gateway.store.migrations import open_store
from gateway.store.models import Role


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "user", help="console accounts and roles", description="Manage console accounts."
    )
    parser.add_argument(
        "--actor",
        default=None,
        help="who makes the change, for the audit log (default cli:<login>)",
    )
    commands = parser.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument(
        "--email",
        action="extend",
        nargs="+",
        default=[],
        metavar="ADDR",
        help="the user's own mail addresses: they may not review mail sent from them "
        "(required for reviewer and approver; asked for when missing on a terminal)",
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=run)

    passwd = commands.add_parser("passwd", help="set a new password (ends the user's sessions)")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    passwd.set_defaults(func=run)

    for action, text in (("disable", "disable an account"), ("enable", "enable an account")):
        cmd = commands.add_parser(action, help=text)
        cmd.add_argument("name")
        cmd.set_defaults(func=run)

    role = commands.add_parser("role", help="change an account's role")
    role.add_argument("name")
    role.add_argument("role", choices=[r.value for r in Role])
    role.set_defaults(func=run)

    email = commands.add_parser("email", help="set an account's own mail addresses")
    email.add_argument("name")
    email.add_argument("emails", nargs="+", metavar="ADDR")
    email.set_defaults(func=run)

    unlock = commands.add_parser("unlock", help="end a lockout after wrong passwords")
    unlock.add_argument("name")
    unlock.set_defaults(func=run)

    listing = commands.add_parser("list", help="list accounts")
    listing.set_defaults(func=run)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    else:
        try:
            password = getpass.getpass("新密码 / new password: ")
            again = getpass.getpass("再次输入 / again: ")
        except EOFError:
            raise AccountError("没有输入密码", cli_hint="脚本中请用 --password-stdin") from None
        if password != again:
            raise AccountError("两次输入的密码不一致，未作修改")
    if not password:
        raise AccountError("密码为空，未作修改")
    return password


def _ask_emails(args: argparse.Namespace) -> None:
    """Officers must have their own addresses: ask on a terminal when ``--email`` is missing."""
    if args.email or args.role not in (Role.REVIEWER.value, Role.APPROVER.value):
        return
    if args.password_stdin or not sys.stdin.isatty():
        return  # Accounts.add refuses with the reason
    print(f"{args.name} 本人的邮箱地址（多个用逗号分隔）/ own mail address(es): ", file=sys.stderr)
    answer = sys.stdin.readline()
    args.email = [a for a in re.split(r"[\s,;，；]+", answer) if a]


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    if args.user_command == "add":
        _ask_emails(args)
        check_emails(args.email, parse_role(args.role))
    password = _password(args) if args.user_command in ("add", "passwd") else ""
    return asyncio.run(_run(args, settings, password))


async def _run(args: argparse.Namespace, settings: Settings, password: str) -> int:
    client = os_user()
    actor = args.actor or f"cli:{client.removeprefix('os:')}"
    via = {"channel": "cli", "client": client}
    async with open_store(settings) as sessions:
        accounts = Accounts(sessions, settings.console)
        command = args.user_command
        if command == "add":
            await accounts.add(args.name, args.role, password, args.email, actor, **via)
            print(f"account {args.name} created (role {args.role})")
        elif command == "passwd":
            await accounts.passwd(args.name, password, actor, **via)
            print(f"password of {args.name} changed; their sessions were ended")
        elif command == "role":
            await accounts.set_role(args.name, args.role, actor, **via)
            print(f"account {args.name} is now {args.role}")
        elif command == "email":
            await accounts.set_emails(args.name, args.emails, actor, **via)
            print(f"addresses of {args.name} set")
        elif command == "unlock":
            await accounts.unlock(args.name, actor, **via)
            print(f"account {args.name} unlocked")
        elif command in ("disable", "enable"):
            await accounts.set_disabled(args.name, command == "disable", actor, **via)
            print(f"account {args.name} {command}d")
        else:
            users = await accounts.list()
            if not users:
                print("no accounts (create one with `dlp-gateway user add NAME --role reviewer`)")
            for user in users:
                state = "disabled" if user.disabled else "active"
                emails = ",".join(user.emails or ()) or "-"
                print(f"{user.name}\t{user.role}\t{state}\t{emails}")
    return 0
