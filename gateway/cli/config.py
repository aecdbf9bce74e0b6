"""`dlp-gateway config show`: the effective settings and where each value came from.

One line per setting, ``key = value  # source`` with source ``default``, ``file`` (the TOML
given by ``--config``/``DLP_CONFIG``) or ``env`` (a ``DLP_`` variable; the environment wins
over the file). Secrets (passwords, keys, tokens, AUTH hashes) are printed as ``"********"``
when set. The settings are validated first: a bad value is one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import json
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from gateway.settings import Settings, load_settings

MASK = "********"


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "config", help="the effective settings (secrets masked) and the source of each value"
    )
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="print every setting: value and default|file|env")
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    path = args.config or os.environ.get("DLP_CONFIG")
    settings = load_settings(path)
    file_values: dict[str, Any] = {}
    if path:
        with Path(path).open("rb") as handle:
            file_values = tomllib.load(handle)
    for key, value, source in effective(settings, file_values, dict(os.environ)):
        print(f"{key} = {value}  # {source}")
    return 0


def effective(
    settings: Settings, file_values: dict[str, Any], environ: dict[str, str]
) -> list[tuple[str, str, str]]:
    """``(dotted key, shown value, source)`` for every setting, in declaration order."""
    env = {k.upper(): v for k, v in environ.items()}
    rows: list[tuple[str, str, str]] = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if isinstance(value, BaseModel):
            section_file = file_values.get(name, {})
            for sub_name, sub_field in type(value).model_fields.items():
                if sub_field.exclude:
                    continue
                if f"DLP_{name}__{sub_name}".upper() in env or f"DLP_{name}".upper() in env:
                    source = "env"
                elif isinstance(section_file, dict) and sub_name in section_file:
                    source = "file"
                else:
                    source = "default"
                rows.append((f"{name}.{sub_name}", _shown(getattr(value, sub_name)), source))
            continue
        if f"DLP_{name}".upper() in env:
            source = "env"
        elif name in file_values:
            source = "file"
        else:
            source = "default"
        rows.append((name, _shown(value), source))
    return rows


def _plain(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return MASK if value.get_secret_value() else ""
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _shown(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False)
