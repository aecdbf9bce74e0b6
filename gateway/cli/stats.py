"""`dlp-gateway stats [--since DATE] [--until DATE] [--format text|json|csv]`: tuning figures.

Per category and per rule (term, near rule, pattern, detector): hits, holds it contributed to,
confirmed holds, false positives, false-positive rate and last seen, over a period of local dates
(the unit's ``timezone``; default the last 30 days), worst offenders first
(:mod:`gateway.store.stats`). Reads only case metadata: no officer account is needed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from typing import Any

from gateway.errors import DlpError
from gateway.settings import load_settings
from gateway.store.migrations import open_store
from gateway.store.stats import (
    KINDS,
    SORT_KEYS,
    Stats,
    category_names,
    period,
    rule_stats,
    sort_rows,
    to_csv,
)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "stats",
        help="hits, holds, confirmed and false positives per category and rule",
        description="Tuning statistics per category, term, near rule, pattern and detector.",
    )
    parser.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="first day (local)")
    parser.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="last day (local)")
    parser.add_argument("--kind", choices=KINDS, help="only rows of this kind")
    parser.add_argument("--sort", choices=SORT_KEYS, default="worst", help="order (default worst)")
    parser.add_argument("--format", choices=["text", "json", "csv"], default="text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    try:
        since, until = period(args.since, args.until, settings.zone)
    except ValueError as exc:
        raise DlpError(str(exc)) from None

    async def read() -> Stats:
        async with open_store(settings) as sessions:
            names = category_names(settings.scope_dir)
            return await rule_stats(sessions, since, until, settings.zone, names)

    stats = asyncio.run(read())
    rows = [r for r in stats.rows if not args.kind or r.kind == args.kind]
    rows = sort_rows(rows, args.sort, descending=args.sort != "key")
    if args.format == "csv":
        sys.stdout.write(to_csv(rows))
    elif args.format == "json":
        body = {
            "since": since.isoformat(),
            "until": until.isoformat(),
            **stats.as_dict(rows),
        }
        print(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        print(f"{since} .. {until}: {stats.cases} held cases")
        if not rows:
            print("no hits")
        for r in rows:
            rate = "-" if r.fp_rate is None else f"{r.fp_rate:.0%}"
            seen = r.last_seen.astimezone(settings.zone).strftime("%Y-%m-%d") if r.last_seen else ""
            print(
                f"{r.kind:<9} {r.key:<40} {r.category_name or '-'}  hits {r.hits:>4}  "
                f"holds {r.holds:>4}  confirmed {r.confirmed:>3}  fp {r.false_positives:>3}  "
                f"fp-rate {rate:>4}  {seen}"
            )
    return 0
