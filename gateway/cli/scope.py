"""`dlp-gateway scope check|import|export|history`: the scope tables from the operator's side.

``check [DIR]`` validates and compiles the tables and prints what they hold. A broken table
prints exactly one line ``file:line: key: problem`` on stderr and exits 2, so an operator can
fix it before the gateway reloads (a running gateway keeps its previous tables).

``import FILE [--out DIR] [--force]`` turns the officers' 范围表 (xlsx, docx, csv) into tables
(:mod:`gateway.scope_import`); every row it could not map is one ``file:row: problem`` line on
stderr. ``export [DIR] --out FILE.xlsx`` writes the tables back into a spreadsheet.
``history [--diff VERSION]`` lists the versions the gateway kept (:mod:`gateway.store.scope_versions`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from gateway.errors import DlpError
from gateway.settings import load_settings
from gateway.store import scope_versions
from gateway.store.migrations import open_store
from gateway.store.models import ScopeVersion
from matchers.engine import Engine
from matchers.errors import ScopeError
from matchers.scope import load_scope, symbol_warnings


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

    imp = actions.add_parser(
        "import", help="turn a 范围表 (xlsx, docx, csv) into scope tables, one per 类别"
    )
    imp.add_argument("file", metavar="FILE", help="the 范围表: .xlsx, .docx or .csv")
    imp.add_argument(
        "--out", metavar="DIR", help="where to write the tables (default: ./<FILE name>-scope)"
    )
    imp.add_argument("--force", action="store_true", help="overwrite tables that exist")
    imp.set_defaults(func=run_import)

    exp = actions.add_parser("export", help="write the scope tables into an xlsx for officers")
    exp.add_argument(
        "directory", nargs="?", metavar="DIR", help="scope directory (default: scope_dir setting)"
    )
    exp.add_argument("--out", metavar="FILE.xlsx", required=True, help="the spreadsheet to write")
    exp.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    exp.set_defaults(func=run_export)

    hist = actions.add_parser(
        "history", help="the scope versions the gateway loaded: when, by which instance"
    )
    hist.add_argument(
        "--diff", metavar="VERSION", help="print one version's diff to the one before"
    )
    hist.set_defaults(func=run_history)


def run_history(args: argparse.Namespace) -> int:
    """Versions newest first (``--diff V``: that version against the one loaded before it)."""
    settings = load_settings(args.config)

    async def read() -> list[ScopeVersion]:
        async with open_store(settings) as sessions:
            return await scope_versions.history(sessions, limit=10_000)

    versions = asyncio.run(read())
    if args.diff:
        for index, version in enumerate(versions):
            if version.version.startswith(args.diff.strip().lower()):
                if index + 1 == len(versions):
                    print(f"{version.version}: the oldest kept version (nothing to diff)")
                else:
                    sys.stdout.write(scope_versions.diff(versions[index + 1], version))
                return 0
        raise DlpError(f"no kept scope version starts with {args.diff!r}")
    if not versions:
        print("no scope versions kept yet")
    zone = settings.zone
    for version in versions:
        moment = (
            version.loaded_at if version.loaded_at.tzinfo else version.loaded_at.replace(tzinfo=UTC)
        )
        print(
            f"{version.version[:16]}  {moment.astimezone(zone):%Y-%m-%d %H:%M:%S}  "
            f"{len(version.files)} tables  {version.loaded_by}"
        )
    return 0


def _directory(args: argparse.Namespace) -> Path:
    if args.directory is not None:
        return Path(args.directory)
    return load_settings(args.config).scope_dir


def run_import(args: argparse.Namespace) -> int:
    from gateway.scope_import import import_table

    source = Path(args.file)
    out = Path(args.out) if args.out else Path(f"{source.stem}-scope")
    result = import_table(source, out, force=args.force)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    for path in result.written:
        print(f"wrote {path}")
    skipped = f", {len(result.problems)} rows reported" if result.problems else ""
    print(f"{len(result.written)} tables{skipped}; check them with: dlp-gateway scope check {out}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from gateway.scope_import import export_tables

    directory = _directory(args)
    try:
        scope = load_scope(directory)
    except ScopeError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    count = export_tables(scope, Path(args.out), force=args.force)
    print(f"wrote {args.out}: {len(scope.categories)} tables, {count} rules")
    return 0


def run_check(args: argparse.Namespace) -> int:
    directory = _directory(args)
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
    print(
        f"total terms: {engine.term_count} (distinct table words; the automaton also holds probe words)"
    )
    print(f"compile time: {elapsed:.2f} s")
    print(f"scope version: {engine.version[:16]}")
    for warning in symbol_warnings(scope):
        print(warning, file=sys.stderr)
    return 0
