"""`dlp-gateway scope check [DIR]`: validate and compile the scope tables, print what they hold.

A broken table prints exactly one line ``file:line: key: problem`` on stderr and exits 2, so an
operator can fix it before the gateway reloads (a running gateway keeps its previous tables).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from gateway.settings import load_settings
from matchers.engine import Engine
from matchers.errors import ScopeError
from matchers.scope import load_scope


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "scope", help="scope tables (工作秘密事项范围表)"
    )
    actions = parser.add_subparsers(dest="scope_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="validate the tables: counts, compile time, version, errors"
    )
    check.add_argument(
        "directory", nargs="?", metavar="DIR", help="scope directory (default: scope_dir setting)"
    )
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    if args.directory is not None:
        directory = Path(args.directory)
    else:
        directory = load_settings(args.config).scope_dir
    try:
        scope = load_scope(directory)
        started = time.perf_counter()
        engine = Engine.compile(scope)
        elapsed = time.perf_counter() - started
    except ScopeError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"scope tables: {directory} ({len(scope.files)} files)")
    header = (
        f"{'id':<20} {'terms':>6} {'near':>5} {'patterns':>8} {'excludes':>8}  action      name"
    )
    print(header)
    for category in scope.categories:
        terms = sum(len(rule.words) for rule in category.terms)
        excludes = sum(len(rule.words) for rule in category.excludes)
        print(
            f"{category.id:<20} {terms:>6} {len(category.near):>5} {len(category.patterns):>8}"
            f" {excludes:>8}  {category.action.value:<10}  {category.name}"
        )
    print(f"total terms: {engine.term_count} (distinct words in the automaton)")
    print(f"compile time: {elapsed:.2f} s")
    print(f"scope version: {engine.version[:16]}")
    return 0
