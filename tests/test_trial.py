"""Trial mode (issue 11): a ``monitor`` table's hits are stored with their evidence and listed on
试运行; nothing is held by them."""

from __future__ import annotations

from pathlib import Path

import requests
from sqlalchemy import func, select

from gateway.inspection import inspect_message
from gateway.settings import LimitSettings
from gateway.store.models import Case, TrialHit
from tests.fixtures_console import LiveConsole, sign_in
from tests.fixtures_smtp import SENSITIVE_TEXT, GatewayFactory, Sink, make_settings, message, submit
from tests.support.trial import EngineInspector, trial_scope


async def test_monitor_hits_are_stored_and_nothing_is_held(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    inspector = EngineInspector(trial_scope(tmp_path))
    plain = await start_gateway(make_settings(tmp_path, upstream.port), inspector=inspector)
    sent = await submit(
        plain.smtp_port, "zhang.san@example.gov.cn", ["p@example.com"], message(SENSITIVE_TEXT)
    )
    await plain.wait_background()

    assert sent.code == 250 and "held" not in sent.text
    assert [m.rcpt_to for m in upstream.handler.delivered()] == [["p@example.com"]]
    assert plain.sessionmaker is not None
    async with plain.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 0
        [hit] = (await session.scalars(select(TrialHit))).all()
    assert (hit.category, hit.category_name, hit.outcome) == (
        "donghu",
        "东湖片区（试运行）",
        "pass",
    )
    assert (hit.score, hit.threshold, hit.mail_from) == (100, 100, "zhang.san@example.gov.cn")
    assert [f["match"] for f in hit.findings] == ["东湖片区"]
    assert "征地拆迁补偿方案" in hit.findings[0]["context"]  # the evidence, in its context
    assert hit.segments is None  # not the text unless the setting says so


async def test_the_text_is_kept_only_when_the_setting_says_so(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    settings = make_settings(tmp_path, upstream.port)
    settings.quarantine.trial_keep_text = True
    gateway = await start_gateway(settings, inspector=EngineInspector(trial_scope(tmp_path)))
    sent = await submit(
        gateway.smtp_port, "zhang.san@example.gov.cn", ["p@example.com"], message(SENSITIVE_TEXT)
    )
    assert sent.code == 250
    assert gateway.sessionmaker is not None
    async with gateway.sessionmaker() as session:
        [hit] = (await session.scalars(select(TrialHit))).all()
    assert hit.segments and any("东湖片区" in s["text"] for s in hit.segments)


def test_the_trial_page_lists_what_the_table_would_have_held(
    tmp_path: Path, live_console: LiveConsole
) -> None:
    from gateway.smtp.envelope import Envelope
    from gateway.store.quarantine import Quarantine

    engine = EngineInspector(trial_scope(tmp_path)).engine
    raw = message(SENSITIVE_TEXT, subject="东湖片区测算")
    inspection = inspect_message(raw, engine, LimitSettings())
    envelope = Envelope("li.si@gov.example.cn", ("partner@example.com",), "127.0.0.1", "h", False)
    live_console.call(lambda s: Quarantine(s).record_trial(envelope, raw, inspection))

    base = live_console.base_url
    page = sign_in(base, "auditor").get(f"{base}/trial", timeout=10)
    assert page.status_code == 200
    assert "东湖片区（试运行）" in page.text and "li.si@gov.example.cn" in page.text
    assert 'data-key="donghu:term:东湖片区"' in page.text and "已放行" in page.text
    empty = sign_in(base, "shen").get(f"{base}/trial?since=2020-01-01&until=2020-01-07", timeout=10)
    assert "该期间没有试运行命中" in empty.text
    assert sign_in(base, "admin").get(f"{base}/trial", timeout=10).status_code == 403
    assert requests.get(f"{base}/trial", timeout=10, allow_redirects=False).status_code in (
        302,
        303,
    )
