"""`dlp-gateway register add|data|common|list|remove`: registered secret documents and data sets.

``add FILE…`` extracts each file's text the way the gateway reads attachments (any format,
OCR included), fingerprints it under the store's fingerprint key and stores only the keyed
fingerprints (:mod:`gateway.store.registry`). ``data FILE.xlsx|csv --columns …`` registers the
chosen columns of every row as keyed hashes. ``common DIR|FILE…`` registers a corpus of the
unit's ordinary mail (.eml) and documents as a stop-set: the keyed hash of every k-gram, so that
text the unit's ordinary mail shares with a registered document never counts. Changes need an approver's or admin's password
(prompted, or the first line of stdin with ``--password-stdin``) and are audited; a running
gateway picks them up within its scope poll interval, without restart.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import re
import time
from pathlib import Path
from typing import Any

from gateway.cli.auth import os_user, read_password
from gateway.errors import AccountError, DlpError
from gateway.settings import Settings, load_settings
from gateway.store.accounts import Accounts
from gateway.store.keys import load_fingerprint_key
from gateway.store.migrations import open_store
from gateway.store.models import Role
from gateway.store.registry import (
    add_common,
    add_dataset,
    add_document,
    list_common,
    list_registered,
    remove,
)
from matchers.fingerprint import DEFAULT_THRESHOLD

#: Roles that may register and remove secrets.
REGISTRARS = (Role.APPROVER.value, Role.ADMIN.value)
_TEMPLATE_PART = re.compile(r"› (文档属性|其他部件)")
_PERCENT = re.compile(r"^\s*(\d{1,3})\s*%?\s*$")


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "register", help="registered secret documents and data sets (登记文件/登记数据)"
    )
    actions = parser.add_subparsers(dest="register_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="register documents (only fingerprints are kept)")
    add.add_argument("files", nargs="+", metavar="FILE")
    add.add_argument("--category", required=True, metavar="ID", help="scope category to hold in")
    add.add_argument("--label", metavar="TEXT", help="name officers see (default: file name)")
    add.add_argument(
        "--threshold",
        default=f"{round(DEFAULT_THRESHOLD * 100)}%",
        metavar="N%",
        help="share of the document's fingerprints that counts as a leak (default %(default)s)",
    )
    _officer(add)

    data = actions.add_parser("data", help="register a roster's rows (only keyed hashes are kept)")
    data.add_argument("file", metavar="FILE.xlsx|csv")
    data.add_argument("--category", required=True, metavar="ID")
    data.add_argument("--label", metavar="TEXT", help="name officers see (default: file name)")
    data.add_argument(
        "--columns",
        required=True,
        nargs="+",
        metavar="COLUMN",
        help="header names (or 1-based numbers) of the columns to register",
    )
    data.add_argument(
        "--unique",
        nargs="*",
        default=[],
        metavar="COLUMN",
        help="columns whose one value identifies a row (e.g. a staff number)",
    )
    data.add_argument(
        "--min-rows", type=int, default=3, metavar="K", help="rows that count as a leak (3)"
    )
    _officer(data)

    common = actions.add_parser(
        "common", help="register ordinary mail whose shared text never counts (stop-set)"
    )
    common.add_argument("paths", nargs="+", metavar="DIR|FILE", help=".eml files, documents")
    common.add_argument("--label", metavar="TEXT", help="name shown in the list")
    _officer(common)

    listing = actions.add_parser("list", help="list registered documents and data sets")
    listing.set_defaults(func=run)

    rm = actions.add_parser("remove", help="remove a registration")
    rm.add_argument("id", metavar="ID")
    _officer(rm)


def _officer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--actor", required=True, metavar="USER", help="approver or admin account")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the officer's password from the first line of stdin (else: prompt)",
    )
    parser.set_defaults(func=run)


def parse_threshold(value: str) -> int:
    match = _PERCENT.match(value)
    if match is None or not 1 <= int(match.group(1)) <= 100:
        raise DlpError(f"--threshold {value!r}: give a percentage from 1% to 100%")
    return int(match.group(1))


def run(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    password = ""
    if args.register_command != "list":
        password = read_password(args.password_stdin, f"{args.actor} 的密码 / password: ")
    return asyncio.run(_run(args, settings, password))


async def _run(args: argparse.Namespace, settings: Settings, password: str) -> int:
    command = args.register_command
    async with open_store(settings) as sessions:
        if command == "list":
            documents, sets = await list_registered(sessions)
            commons = await list_common(sessions)
            if not documents and not sets and not commons:
                print("nothing registered (use `dlp-gateway register add FILE --category ID`)")
            for d in documents:
                print(
                    f"{d.id}\tdocument\t{d.category}\t{d.threshold}%\t{d.fingerprints} fingerprints"
                    f"\t{d.created_by}\t{d.created_at:%Y-%m-%d %H:%M}\t{d.label}"
                )
            for s in sets:
                print(
                    f"{s.id}\tdata\t{s.category}\t{s.min_rows} rows\t{s.rows} rows registered"
                    f"\t{s.created_by}\t{s.created_at:%Y-%m-%d %H:%M}\t{s.label}"
                )
            for c in commons:
                print(
                    f"{c.id}\tcommon\t-\t{c.files} files\t{c.fingerprints} k-grams"
                    f"\t{c.created_by}\t{c.created_at:%Y-%m-%d %H:%M}\t{c.label}"
                )
            return 0
        client = os_user()
        accounts = Accounts(sessions, settings.console)
        await accounts.authenticate(args.actor, password, client, "cli")
        user = await accounts.get(args.actor)
        if user is None or user.role not in REGISTRARS:
            raise AccountError(f"账号 {args.actor!r} 无权登记文件（仅审批人和管理员）")
        via = {"channel": "cli", "client": client}
        if command in ("add", "data"):
            _check_category(settings, args.category)
        key = load_fingerprint_key(settings)
        if command == "remove":
            label = await remove(sessions, args.id, args.actor, via)
            print(f"{args.id} removed ({label})")
        elif command == "common":
            started = time.monotonic()
            texts, skipped = corpus_texts([Path(p) for p in args.paths], settings)
            c = await add_common(
                sessions,
                key,
                texts=texts,
                label=args.label or ", ".join(Path(p).name for p in args.paths),
                actor=args.actor,
                via=via,
            )
            elapsed = time.monotonic() - started
            print(
                f"{c.id} registered as ordinary mail: 《{c.label}》 {c.files} files, "
                f"{c.chars} characters, {c.fingerprints} k-grams ({elapsed:.1f} s)"
                + (f"; {skipped} unreadable files skipped" if skipped else "")
            )
        elif command == "add":
            threshold = parse_threshold(args.threshold)
            for name in args.files:
                started = time.monotonic()
                text = document_text(Path(name), settings)
                label = args.label or Path(name).stem
                d = await add_document(
                    sessions,
                    key,
                    text=text,
                    label=label,
                    category=args.category,
                    threshold=threshold,
                    actor=args.actor,
                    via=via,
                )
                elapsed = time.monotonic() - started
                print(
                    f"{d.id} registered: 《{d.label}》 {d.chars} characters, "
                    f"{d.fingerprints} fingerprints, threshold {d.threshold}% ({elapsed:.1f} s)"
                )
        else:
            path = Path(args.file)
            columns, rows = read_rows(path, args.columns)
            unique = [columns.index(c) for c in _pick(columns, args.unique, path)]
            s = await add_dataset(
                sessions,
                key,
                label=args.label or path.stem,
                category=args.category,
                columns=columns,
                rows=rows,
                min_rows=args.min_rows,
                unique=unique,
                actor=args.actor,
                via=via,
            )
            print(f"{s.id} registered: 《{s.label}》 {s.rows} rows, columns {', '.join(columns)}")
    return 0


def _check_category(settings: Settings, category: str) -> None:
    """A registration holds mail in one of the scope tables' categories: refuse a typo."""
    from matchers.scope import load_scope

    known = [c.id for c in load_scope(settings.scope_dir).categories]
    if category not in known:
        raise DlpError(f"--category {category!r} is not a scope category ({', '.join(known)})")


def document_text(path: Path, settings: Settings) -> str:
    """The file's text as the gateway reads an attachment (refused if any part is unreadable)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DlpError(f"{path}: {exc.strerror or exc}") from exc
    return document_from_bytes(data, path.name, settings)


def document_from_bytes(data: bytes, name: str, settings: Settings) -> str:
    """The registrable text of one file (what :func:`document_text` reads, from bytes)."""
    from gateway.extract import extract_document

    extracted = extract_document(data, name, settings.limits)
    if extracted.unscannable:
        item = extracted.unscannable[0]
        raise DlpError(f"{name}: cannot read {item.location}: {item.reason.value} {item.detail}")
    # Properties and template parts (generator name, bibliography XML) are shared by every file
    # made with the same program or template: registering them would match unrelated mail.
    content = [s.text for s in extracted.segments if not _TEMPLATE_PART.search(s.location)]
    return "\n\n".join(content)


def corpus_texts(paths: list[Path], settings: Settings) -> tuple[list[str], int]:
    """The text of every file under ``paths`` (.eml read as mail) and how many were unreadable.

    A corpus is best effort: a file or part the gateway cannot read is skipped, not fatal.
    """
    from gateway.extract import extract_document, extract_message

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise DlpError(f"{path}: no such file or directory")
    texts: list[str] = []
    skipped = 0
    for file in files:
        try:
            data = file.read_bytes()
        except OSError:
            skipped += 1
            continue
        if file.suffix.lower() == ".eml":
            extracted = extract_message(data, settings.limits)
        else:
            extracted = extract_document(data, file.name, settings.limits)
        content = [s.text for s in extracted.segments if not _TEMPLATE_PART.search(s.location)]
        if content:
            texts.append("\n\n".join(content))
        else:
            skipped += 1
    if not texts:
        raise DlpError(f"no readable text in {', '.join(str(p) for p in paths)}")
    return texts, skipped


def read_rows(path: Path, wanted: list[str]) -> tuple[list[str], list[list[str]]]:
    """The chosen columns (header names) and every data row of a csv or xlsx file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DlpError(f"{path}: {exc.strerror or exc}") from exc
    header, body = read_table(data, path.name)
    chosen = _pick(header, wanted, path)
    numbers = [header.index(c) for c in chosen]
    rows = [[row[n] if n < len(row) else "" for n in numbers] for row in body]
    return chosen, rows


def read_table(data: bytes, name: str) -> tuple[list[str], list[list[str]]]:
    """The header row and the data rows of a csv (UTF-8 or GB18030) or xlsx (first sheet)."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            table = [
                ["" if v is None else str(v) for v in row]
                for row in book.worksheets[0].iter_rows(values_only=True)
            ]
            book.close()
        elif suffix == ".csv":
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    content = data.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise DlpError(f"{name}: the csv is neither UTF-8 nor GB18030")
            table = list(csv.reader(io.StringIO(content)))
        else:
            raise DlpError(f"{name}: register data reads .xlsx or .csv files")
    except DlpError:
        raise
    except Exception as exc:  # a corrupt workbook: one line, never a traceback
        raise DlpError(f"{name}: cannot read the table: {type(exc).__name__}") from exc
    table = [row for row in table if any(cell.strip() for cell in row)]
    if len(table) < 2:
        raise DlpError(f"{name}: needs a header row and at least one data row")
    header = [cell.strip() for cell in table[0]]
    return header, table[1:]


def _pick(header: list[str], wanted: list[str], path: Path) -> list[str]:
    chosen: list[str] = []
    for item in wanted:
        for name in (c for c in re.split(r"[,，]", item) if c.strip()):
            name = name.strip()
            if name.isdigit() and 1 <= int(name) <= len(header):
                name = header[int(name) - 1]
            if name not in header:
                raise DlpError(f"{path}: no column {name!r} (columns: {', '.join(header)})")
            chosen.append(name)
    return chosen
