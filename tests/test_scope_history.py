"""Table history (issue 11): the tables that decided a case are kept by version, the case page
points at the exact rule, and the history page diffs consecutive versions."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import requests

from gateway.store import scope_versions
from matchers.scope import load_scope
from tests.fixtures_console import add_officers, sign_in
from tests.fixtures_smtp import (
    SCOPE,
    SENSITIVE_TEXT,
    GatewayFactory,
    Sink,
    make_settings,
    message,
    submit,
)
from tests.support.addresses import EXTERNAL, SENDER


def test_the_stored_version_is_the_hash_cases_record(tmp_path: Path) -> None:
    version, files = scope_versions.read_tables(SCOPE)
    assert version == load_scope(SCOPE).version
    assert [f["name"] for f in files] == sorted(p.name for p in SCOPE.glob("*.toml"))


async def test_the_case_page_shows_the_rule_and_history_diffs_versions(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    scope = tmp_path / "scope"
    shutil.copytree(SCOPE, scope)
    settings = make_settings(tmp_path, upstream.port, scope_dir=scope)
    gateway = await start_gateway(settings, console_port=0)
    assert gateway.sessionmaker is not None
    await add_officers(gateway.sessionmaker, settings)
    held = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))
    case_id = held.text.rsplit(" ", 1)[1]
    base = f"http://127.0.0.1:{gateway.console_port}"
    http: requests.Session = await asyncio.to_thread(sign_in, base, "shen")

    def get(path: str) -> requests.Response:
        return http.get(base + path, timeout=10)

    page = await asyncio.to_thread(get, f"/cases/{case_id}")
    version = load_scope(SCOPE).version
    assert f'href="/scope/versions/{version}"' in page.text
    source = re.search(r'<td class="source"><a href="([^"]+)">([\w.-]+\.toml):(\d+)</a>', page.text)
    assert source is not None
    table = await asyncio.to_thread(get, source.group(1).split("#")[0])
    assert table.status_code == 200 and source.group(2) in table.text
    line = (
        (scope / source.group(2)).read_text(encoding="utf-8").splitlines()[int(source.group(3)) - 1]
    )
    assert "征地拆迁补偿" in line  # the exact rule that matched

    changed = scope / source.group(2)
    changed.write_text(changed.read_text(encoding="utf-8") + "# 新增：试运行后调整\n", "utf-8")
    newer = await scope_versions.record(gateway.sessionmaker, scope, "test reload")
    assert newer != version
    assert await scope_versions.record(gateway.sessionmaker, scope, "again") == newer  # once

    history = await asyncio.to_thread(get, "/scope/history")
    assert history.text.count('class="card scope-version"') == 2
    assert "+# 新增：试运行后调整" in history.text and "test reload" in history.text
    assert (await asyncio.to_thread(get, "/scope/versions/" + "0" * 64)).status_code == 404
