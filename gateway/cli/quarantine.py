"""`dlp-gateway quarantine list|show|release|reject`: the review queue for scripts.

The same rules and audit as the console (``gateway.review``): ``--actor`` must be a reviewer or
approver account and is authenticated with the account's password (prompted, or the first line
of stdin with ``--password-stdin``; failures count towards the console's lockout), a reason is
required for decisions, and every view and decision is audited with channel ``cli`` and the
operating-system user. A two-person release therefore needs two officers who each know their
own password, whichever channel each of them uses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from gateway.cli.auth import os_user, read_password
from gateway.metrics import Metrics
from gateway.notify import Notifier
from gateway.relay import make_relay
from gateway.review import STATE_LABELS, Actor, Channel, OfficerAction, Review
from gateway.review.feedback import FEEDBACK_LABELS
from gateway.settings import Settings, load_settings
from gateway.store.accounts import Accounts
from gateway.store.migrations import open_store
from gateway.store.models import Case, CaseState, Feedback
from gateway.store.queue import ALL, OPEN, QueueFilter, list_cases
from gateway.store.records import case_record


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "quarantine", help="list, show, release or reject held mail"
    )
    commands = parser.add_subparsers(dest="quarantine_command", metavar="ACTION", required=True)
    listing = commands.add_parser("list", help="held cases, oldest first")
    listing.add_argument(
        "--state",
        default=OPEN,
        choices=[OPEN, ALL, *(s.value for s in CaseState)],
        help="which cases (default: open = still waiting for an officer)",
    )
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.add_argument("--limit", type=int, default=200)
    listing.set_defaults(func=run)
    for action, text in (
        ("show", "show one case (audited as a view)"),
        ("release", "release a case (two-person: a reviewer's first release records the review)"),
        ("reject", "reject a case and notify the sender"),
    ):
        cmd = commands.add_parser(action, help=text)
        cmd.add_argument("case_id", metavar="CASE")
        cmd.add_argument("--actor", required=True, metavar="USER", help="the officer's account")
        cmd.add_argument("--reason", required=action != "show", default="", metavar="TEXT")
        if action != "show":
            cmd.add_argument(
                "--verdict",
                choices=["correct", "false-positive"],
                help="was the hold right? correct (确认涉密/应扣押) or false-positive (误报)",
            )
            cmd.add_argument(
                "--wrong",
                nargs="+",
                default=[],
                metavar="FINDING",
                help="with --verdict false-positive: the wrong findings as CATEGORY:KIND:RULE "
                "(as `quarantine show` prints them; default: every scoring finding)",
            )
        cmd.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the officer's password from the first line of stdin (else: prompt)",
        )
        cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    password = ""
    if args.quarantine_command != "list":
        password = read_password(args.password_stdin, f"{args.actor} 的密码 / password: ")
    return asyncio.run(_run(args, settings, password))


#: How long the command waits for queued notices before it exits.
_NOTICE_FLUSH_SECONDS = 30.0


async def _run(args: argparse.Namespace, settings: Settings, password: str) -> int:
    async with open_store(settings) as sessions:
        if args.quarantine_command == "list":
            page = await list_cases(sessions, QueueFilter(state=args.state), 1, args.limit)
            _print_list(page.cases, args.format)
            return 0
        client = os_user()
        await Accounts(sessions, settings.console).authenticate(
            args.actor, password, client, Channel.CLI.value
        )
        actor = Actor(args.actor, Channel.CLI, client)
        relay = make_relay(settings)
        metrics = Metrics()
        notifier = Notifier(relay, settings, metrics, sessionmaker=sessions)
        review = Review(sessions, relay, notifier, metrics, settings)
        try:
            if args.quarantine_command == "show":
                _print_case(await review.view(args.case_id, actor))
                return 0
            result = await review.decide(
                OfficerAction(args.quarantine_command),
                args.case_id,
                actor,
                args.reason,
                feedback=args.verdict,
                wrong=args.wrong,
            )
        finally:
            # a deferred notice cannot wait here for its retry: send what is queued, record the
            # given-up retries on the timeline, then exit (bounded)
            await notifier.close(_NOTICE_FLUSH_SECONDS)
            await relay.close()
        print(f"{result.case_id}: {result.state.value} ({result.message})")
        return 0


def _print_list(cases: list[Case], fmt: str) -> None:
    if fmt == "json":
        for case in cases:
            print(json.dumps(case_json(case), ensure_ascii=False))
        return
    if not cases:
        print("no cases")
        return
    for record in map(case_record, cases):
        names = ",".join(c.id for c in record.categories) or "unscannable"
        print(
            f"{record.id}  {record.state.value:<15} {record.received_at:%Y-%m-%d %H:%M}  "
            f"{record.mail_from or '<>'} -> {','.join(record.rcpt_to)}  [{names}]"
        )


def _print_case(stored: Case) -> None:
    case = case_record(stored)
    print(f"案件 {case.id}  {case.state.value}（{STATE_LABELS[case.state]}）")
    print(f"收到: {case.received_at:%Y-%m-%d %H:%M:%S} UTC   范围表版本: {case.scope_version}")
    print(f"发件人: {case.mail_from or '<>'}")
    print(f"收件人: {', '.join(case.rcpt_to)}")
    print(f"主题: {case.subject}")
    print(f"放行方式: {case.release_mode.value}   程度: {case.severity}")
    for cat in case.categories:
        print(f"类别 {cat.id} {cat.name}: {cat.score}/{cat.threshold}")
    for f in case.findings:
        print(f"  命中 [{f.category}:{f.kind}:{f.rule}] {f.location}: {f.match}")
    if stored.feedback:
        label = FEEDBACK_LABELS[Feedback(stored.feedback)]
        wrong = "、".join(str(w) for w in stored.wrong_findings or ())
        print(f"判定: {label}（{stored.feedback_by}）" + (f" 误报的命中: {wrong}" if wrong else ""))
    for u in case.unscannable:
        print(f"  无法检查 {u.location}: {u.reason.value} {u.detail}")
    for part in case.parts:
        print(
            f"  部分 {part.location}  {part.content_type}  {part.size} 字节  "
            f"{part.status} {part.reason}"
        )
    for event in stored.events:
        print(f"  {event.at:%Y-%m-%d %H:%M:%S} {event.actor} {event.action} {event.detail}")


def case_json(stored: Case) -> dict[str, Any]:
    """The DESIGN's ``quarantine list --format json`` object for one case."""
    case = case_record(stored)
    return {
        "id": case.id,
        "state": case.state.value,
        "mail_from": case.mail_from,
        "rcpt_to": list(case.rcpt_to),
        "categories": [
            {
                "id": c.id,
                "name": c.name,
                "score": c.score,
                "threshold": c.threshold,
                "action": c.action.value,
            }
            for c in case.categories
        ],
        "received_at": case.received_at.isoformat(),
    }
