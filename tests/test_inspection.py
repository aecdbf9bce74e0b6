"""The Inspector: real worker processes, a deadline per message, kill and replace on overrun,
fail closed on every fault, and reload by rebuild-then-swap."""

from __future__ import annotations

import asyncio
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from gateway.inspection import Inspector, inspect_document, inspect_message
from gateway.settings import LimitSettings
from matchers import load_engine
from matchers.errors import ScopeError
from tests.fixtures_extract import CRASH, HANG, HOG
from tests.support.messages import multipart_message as message

HOOK = "tests.fixtures_extract:install_hostile_extractors"
GUARD = 60  # a hang in the code under test fails the test instead of hanging the run

SENSITIVE_DOC = "关于干部调整方案的请示：经研究，拟提拔张三同志。".encode()


def _unscannable(inspection: object) -> set[tuple[str, str]]:
    decision = inspection.decision  # type: ignore[attr-defined]
    return {(u.location, u.reason.value) for u in decision.unscannable}


async def _started(scope_dir: Path, **limits: float) -> Inspector:
    inspector = Inspector(scope_dir, LimitSettings(**limits), worker_init=HOOK)  # type: ignore[arg-type]
    await asyncio.wait_for(inspector.start(), GUARD)
    return inspector


async def test_sensitive_attachment_is_quarantined_with_what_the_officer_sees(
    scope_dir: Path,
) -> None:
    inspector = await _started(scope_dir, workers=1)
    try:
        version = inspector.version
        raw = message(attachments=[("通报.txt", SENSITIVE_DOC)], subject="周报")
        inspection = await asyncio.wait_for(inspector.inspect(raw), GUARD)
    finally:
        await inspector.close()
    decision = inspection.decision
    assert decision.verdict == "quarantine"
    assert "personnel" in {c.id for c in decision.triggered}
    assert {f.location for f in decision.findings} == {"附件 通报.txt"}
    assert len(version) == 64 and decision.scope_version == version
    assert inspection.subject == "周报"
    assert inspection.message_id.endswith("@example.gov.cn>")
    assert [p.location for p in inspection.parts] == ["正文", "附件 通报.txt"]
    assert any(s.location == "附件 通报.txt › 文件名" for s in inspection.segments)


async def test_hanging_extractor_is_killed_and_the_pool_keeps_serving(scope_dir: Path) -> None:
    inspector = await _started(scope_dir, workers=1, timeout=2)
    try:
        hung = message(attachments=[("a.txt", HANG + b" x")], subject="挂起")
        inspection = await asyncio.wait_for(inspector.inspect(hung), GUARD)
        assert inspection.decision.verdict == "quarantine"
        assert _unscannable(inspection) == {("邮件", "timeout")}
        assert inspection.subject == "挂起"  # the officer still sees which message it was
        clean = await asyncio.wait_for(inspector.inspect(message(body="明天开会")), GUARD)
    finally:
        await inspector.close()
    assert clean.decision.verdict == "pass"


async def test_hanging_document_is_killed_and_named_as_the_unscannable_input(
    scope_dir: Path,
) -> None:
    """What ``dlp-gateway scan 名单.txt`` relies on: documents get the same deadline and kill."""
    inspector = await _started(scope_dir, workers=1, timeout=2)
    try:
        hung = await asyncio.wait_for(inspector.inspect_document(HANG + b" x", "名单.txt"), GUARD)
        sensitive = await asyncio.wait_for(
            inspector.inspect_document(SENSITIVE_DOC, "请示.txt"), GUARD
        )
    finally:
        await inspector.close()
    assert hung.decision.verdict == "quarantine"
    assert _unscannable(hung) == {("名单.txt", "timeout")}
    assert sensitive.decision.verdict == "quarantine"
    assert "personnel" in {c.id for c in sensitive.decision.triggered}
    assert not sensitive.decision.unscannable


async def test_callers_that_give_up_leave_the_pool_whole(scope_dir: Path) -> None:
    """A caller cancelled mid-inspection (its client was answered) and one cancelled while
    waiting for the only worker: the worker finishes, comes back and serves the next message."""
    inspector = await _started(scope_dir, workers=1)
    try:
        busy = asyncio.create_task(inspector.inspect(message(body="明天上午开会。" * 10000)))
        waiting = asyncio.create_task(inspector.inspect(message(body="后天开会")))
        for _ in range(3):  # both start: one has the only worker, the other waits for it
            await asyncio.sleep(0)
        busy.cancel()
        waiting.cancel()
        after = await asyncio.wait_for(
            inspector.inspect(message(attachments=[("b.txt", SENSITIVE_DOC)])), GUARD
        )
        assert inspector.workers_alive == (1, 1)
    finally:
        await inspector.close()
    assert busy.cancelled() and waiting.cancelled()
    assert after.decision.verdict == "quarantine" and after.decision.findings


async def test_crashing_worker_fails_closed_and_is_replaced(scope_dir: Path) -> None:
    inspector = await _started(scope_dir, workers=1)
    try:
        crashed = await asyncio.wait_for(
            inspector.inspect(message(attachments=[("a.txt", CRASH)])), GUARD
        )
        after = await asyncio.wait_for(
            inspector.inspect(message(attachments=[("b.txt", SENSITIVE_DOC)])), GUARD
        )
    finally:
        await inspector.close()
    assert crashed.decision.verdict == "quarantine"
    assert _unscannable(crashed) == {("邮件", "error")}
    assert after.decision.verdict == "quarantine" and after.decision.findings


async def test_memory_cap_stops_a_memory_hog(scope_dir: Path) -> None:
    inspector = await _started(scope_dir, workers=1, memory_mb=1024)
    try:
        hog = await asyncio.wait_for(
            inspector.inspect(message(attachments=[("a.txt", HOG)])), GUARD
        )
        after = await asyncio.wait_for(inspector.inspect(message(body="明天开会")), GUARD)
    finally:
        await inspector.close()
    assert hog.decision.verdict == "quarantine"
    assert _unscannable(hog) in ({("附件 a.txt", "limit_size")}, {("邮件", "error")})
    assert after.decision.verdict == "pass"


async def test_zip_bomb_through_the_workers_is_held_and_concurrent_calls_complete(
    scope_dir: Path,
) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.txt", b"\x00" * (50 * 1024 * 1024))
    bomb = message(attachments=[("bomb.zip", buf.getvalue())])
    clean = message(body="周五下午开会")
    inspector = await _started(scope_dir, workers=2)
    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(inspector.inspect(m) for m in (bomb, clean, clean, bomb, clean))),
            GUARD,
        )
    finally:
        await inspector.close()
    verdicts = [r.decision.verdict.value for r in results]
    assert verdicts == ["quarantine", "pass", "pass", "quarantine", "pass"]
    assert _unscannable(results[0]) == {("附件 bomb.zip", "limit_ratio")}


async def test_reload_swaps_tables_and_a_broken_table_keeps_the_old_ones(
    scope_dir: Path, tmp_path: Path
) -> None:
    tables = tmp_path / "scope"
    shutil.copytree(scope_dir, tables)
    inspector = await _started(tables, workers=1)
    raw = message(body="本周计划：蓝鲸行动的预算")
    try:
        before = inspector.version
        assert (await inspector.inspect(raw)).decision.verdict == "pass"
        (tables / "zz_project.toml").write_text(
            'id = "project"\nname = "专项行动"\n[[terms]]\nwords = ["蓝鲸行动"]\nweight = 100\n',
            encoding="utf-8",
        )
        after = await asyncio.wait_for(inspector.reload(), GUARD)
        assert after != before and inspector.version == after
        held = await inspector.inspect(raw)
        assert held.decision.verdict == "quarantine"
        assert held.decision.scope_version == after
        (tables / "zz_project.toml").write_text('id = "project"\nname = 3\n', encoding="utf-8")
        with pytest.raises(ScopeError):
            await inspector.reload()
        assert inspector.version == after
        assert (await inspector.inspect(raw)).decision.verdict == "quarantine"
    finally:
        await inspector.close()


async def test_start_with_a_broken_table_raises_scope_error(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text("id = \n", encoding="utf-8")
    inspector = Inspector(tmp_path, LimitSettings())
    with pytest.raises(ScopeError):
        await inspector.start()
    await inspector.close()


def test_in_process_inspection_of_a_message_and_a_document(scope_dir: Path) -> None:
    engine = load_engine(scope_dir)
    limits = LimitSettings()
    held = inspect_message(message(attachments=[("通报.txt", SENSITIVE_DOC)]), engine, limits)
    assert held.decision.verdict == "quarantine"
    doc = inspect_document(SENSITIVE_DOC, "通报.txt", engine, limits)
    assert doc.decision.verdict == "quarantine"
    assert {f.location for f in doc.decision.findings} == {"通报.txt"}
    assert doc.elapsed_ms >= 0
