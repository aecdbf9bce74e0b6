"""The console in a real browser (Debian chromium driven by Playwright): what an officer does.

Set ``DLP_UPDATE_SCREENSHOTS=1`` to rewrite ``docs/console-queue.png``, ``docs/console-case.png``,
``docs/console-verdict.png`` and ``docs/console-stats.png``.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from gateway.notify import NoticeSigner, link_token, signing_key
from gateway.settings import load_settings
from gateway.store.models import Case
from tests.conftest import ROOT, require_tool
from tests.fixtures_console import (
    AUDIT_KEY,
    EXTERNAL,
    PASSWORD,
    LiveConsole,
    Sink,
    days_ago,
    insert_case,
)
from tests.fixtures_smtp import (
    SENSITIVE_TEXT,
    GatewayProcess,
    free_port,
    process_config,
    submit_sync,
    write_config,
)
from tests.support import outbox
from tests.support.addresses import EXTERNAL as OUTSIDE
from tests.support.addresses import SENDER as INSIDER
from tests.support.messages import message

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CLI = [sys.executable, "-m", "gateway"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_tool(CHROMIUM, "the console's browser tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def log_in(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def decide(page: Page, button: str, reason: str) -> None:
    page.fill("textarea[name=reason]", reason)
    page.get_by_role("button", name=button).click()


def test_an_officer_finds_reviews_and_releases_a_held_mail(
    live_console: LiveConsole, sink: Sink, page: Page
) -> None:
    held = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url

    log_in(page, base, "shen")
    expect(page).to_have_url(f"{base}/cases")
    row = page.locator("tr", has_text=held.id)
    expect(row).to_contain_text("关于征地拆迁补偿方案的请示")
    row.get_by_role("link", name=held.id).click()

    hit = page.locator("mark.hit", has_text="征地拆迁补偿方案").first
    expect(hit).to_be_visible()
    expect(hit).to_have_css("background-color", "rgb(253, 224, 71)")  # the console's own style
    decide(page, "放行", "经核实，内容已公开发布")

    expect(page.locator("#message")).to_contain_text("上游服务器已接收")
    [got] = sink.handler.delivered()
    assert got.rcpt_to == [EXTERNAL] and got.mail_from == held.mail_from


def test_an_officer_releases_marking_one_finding_a_false_positive(
    live_console: LiveConsole, sink: Sink, browser: Browser
) -> None:
    # 干部人事 needs two people: shen (审核人) reviews, wang (审批人) releases and judges the hold
    held = live_console.call(lambda s: insert_case(s, two_person=True))
    base = live_console.base_url
    reviewer = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    approver = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    try:
        page = reviewer.new_page()
        log_in(page, base, "shen")
        page.get_by_role("link", name="统计").click()
        rate = page.locator("tr[data-key='personnel:term:考察对象'] td.fp-rate")
        expect(rate).to_have_text("—")  # held, not yet judged
        expect(page.locator("tr[data-key='personnel:term:考察对象'] td").first).to_contain_text(
            "干部人事 · 关键词"  # the category's name from the scope tables, beside the key
        )
        expect(page.locator("svg#trend g.day")).to_have_count(30)
        page.goto(f"{base}/cases/{held.id}")
        expect(page.locator("#feedback-choice").get_by_label("不判定")).to_be_checked()
        decide(page, "审核通过（审核）", "名单内容已核实")  # the verdict is optional
        expect(page.locator("#message")).to_contain_text("等待另一位审批人放行")
        assert sink.handler.delivered() == []

        page = approver.new_page()
        log_in(page, base, "wang")
        page.goto(f"{base}/cases/{held.id}")
        choice = page.locator("#feedback-choice")
        wrong = choice.locator("input[name=wrong]")
        rules = {f"{f['category']}:{f['kind']}:{f['rule']}" for f in held.findings}
        expect(wrong).to_have_count(len(rules))
        for box in wrong.all():  # pre-filled: every scoring finding
            expect(box).to_be_checked()
        choice.get_by_label("误报").check()
        for box in wrong.all():  # only 考察对象 was wrong
            if box.get_attribute("value") != "personnel:term:考察对象":
                box.uncheck()
        decide(page, "审批放行（审批）", "考察对象为普通用语，附件名单已公开")
        expect(page.locator("#message")).to_contain_text("上游服务器已接收")
        [got] = sink.handler.delivered()
        assert got.rcpt_to == [EXTERNAL] and got.mail_from == held.mail_from

        page.goto(f"{base}/cases/{held.id}")
        verdict = page.locator("#feedback")
        expect(verdict).to_contain_text("判定：误报（wang）")
        expect(verdict).to_contain_text("personnel:term:考察对象")
        expect(verdict).not_to_contain_text("拟提拔")
        expect(page.locator("#feedback-choice")).to_have_count(0)  # decided: no form any more
        expect(page.locator(".timeline")).to_contain_text("shen 审核通过")

        page.goto(f"{base}/stats")
        rate = page.locator("tr[data-key='personnel:term:考察对象'] td.fp-rate")
        expect(rate).to_have_text("100%")
        expect(page.locator("tr[data-key='personnel:term:拟提拔'] td.fp-rate")).to_have_text("0%")
        # worst offenders first: the category, then the rule marked wrong
        expect(page.locator("table#stats tbody tr").nth(1)).to_have_attribute(
            "data-key", "personnel:term:考察对象"
        )
        page.get_by_role("link", name="命中").click()  # sort by hits
        hits = Counter(f["category"] for f in held.findings)
        top = max(hits, key=hits.__getitem__)
        assert hits[top] > min(hits.values())
        first = page.locator("table#stats tbody tr").first
        expect(first).to_have_attribute("data-key", top)
        expect(first.locator("td").first).to_contain_text(
            {"personnel": "干部人事", "land": "征地拆迁"}[top]
        )
        with page.expect_download() as download:
            page.locator("#csv").click()
        csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "term,personnel:term:考察对象,personnel,干部人事,考察对象,1,1,0,1,1.0," in csv_text
    finally:
        reviewer.close()
        approver.close()


def test_the_trial_page_shows_what_a_monitor_table_would_have_held(
    live_console: LiveConsole, page: Page, tmp_path: Path
) -> None:
    from gateway.inspection import inspect_message
    from gateway.settings import LimitSettings
    from gateway.smtp.envelope import Envelope
    from gateway.store.quarantine import Quarantine
    from tests.fixtures_smtp import SENSITIVE_TEXT, message
    from tests.support.trial import EngineInspector, trial_scope

    engine = EngineInspector(trial_scope(tmp_path)).engine
    raw = message(SENSITIVE_TEXT, subject="东湖片区测算")
    inspection = inspect_message(raw, engine, LimitSettings())
    envelope = Envelope("li.si@gov.example.cn", ("partner@example.com",))
    live_console.call(lambda s: Quarantine(s).record_trial(envelope, raw, inspection))

    base = live_console.base_url
    log_in(page, base, "auditor")
    page.get_by_role("link", name="试运行").click()
    row = page.locator("#trial-hits tr[data-category='donghu']")
    expect(row).to_contain_text("东湖片区（试运行）")
    expect(row).to_contain_text("东湖片区测算")
    expect(row).to_contain_text("已放行")
    stats = page.locator("tr[data-key='donghu:term:东湖片区']")
    expect(stats.locator("td").nth(2)).to_have_text("1")  # would have held one message
    expect(page.locator("svg#trend g.day")).to_have_count(7)


def test_a_sender_opens_the_notice_link_from_the_outbox_after_a_restart(
    tmp_path: Path, page: Page, gateway_process: Callable[..., GatewayProcess]
) -> None:
    """``dlp-gateway serve`` with no upstream and no signing or audit key set: the held notice
    is an .eml file in the outbox; its link still works after the gateway restarts (the link key
    derives from the audit key file in the data dir)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    values = process_config(
        tmp_path,
        None,
        console={"listen": f"127.0.0.1:{port}", "base_url": base},
        ocr={"enabled": False},
    )
    config = write_config(tmp_path / "gateway.toml", values)
    data_dir = Path(values["data_dir"])

    first = gateway_process(config)
    add = ["user", "add", "shen", "--role", "reviewer", "--email", "shen@example.gov.cn"]
    officer = subprocess.run(
        [*CLI, "--config", str(config), *add, "--password-stdin"],
        cwd=ROOT,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
    )
    assert officer.returncode == 0, officer.stderr
    held = submit_sync(first.smtp_port, INSIDER, [OUTSIDE], message(SENSITIVE_TEXT))
    assert held.code == 250 and "held for review" in held.text
    case_id = held.text.rsplit(" ", 1)[1]
    notice = outbox.wait_for(data_dir / "outbox", INSIDER, case_id)
    [link] = outbox.REQUEST_LINK.findall(outbox.body_text(notice))
    assert link.startswith(f"{base}/request/{case_id}.")

    first.signal(signal.SIGTERM)
    assert first.wait() == 0
    gateway_process(config)  # the restart: new process, new Settings, same data dir

    settings = load_settings(config)  # a third reader of the same data dir signs alike
    past = int((datetime.now(UTC) - timedelta(days=1)).timestamp())
    key = NoticeSigner(signing_key(settings)).link_key
    stale = f"{base}/request/{link_token(key, case_id, past)}"
    expired = page.goto(stale)
    assert expired is not None and expired.status == 403
    expect(page.locator("main")).to_contain_text("链接已过期")
    other = case_id[:-1] + ("1" if case_id.endswith("0") else "0")  # another case's id
    tampered = page.goto(link.replace(case_id, other))
    assert tampered is not None and tampered.status == 403

    opened = page.goto(link)  # no account; issued before the restart
    assert opened is not None and opened.status == 200
    expect(page.locator("#request-case")).to_contain_text(case_id)
    page.fill("textarea[name=justification]", "对方为合作设计院，已经分管领导批准")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("main")).to_contain_text("业务理由已提交")
    page.goto(link)
    expect(page.locator("#done")).to_contain_text("已于")
    expect(page.locator("textarea[name=justification]")).to_have_count(0)

    log_in(page, base, "shen")
    expect(page.locator("tr", has_text=case_id)).to_contain_text("发件人已说明理由")
    page.goto(f"{base}/cases/{case_id}")
    expect(page.locator("#sender-request")).to_contain_text("对方为合作设计院，已经分管领导批准")


def test_an_officer_searches_filters_by_name_selects_all_and_releases_in_bulk(
    live_console: LiveConsole, page: Page, sink: Sink
) -> None:
    first = live_console.call(lambda s: insert_case(s))
    second = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    log_in(page, base, "shen")
    page.fill("input[name=category]", "征地拆迁")  # the name, not an internal id
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table.queue")).to_contain_text(first.id)
    page.fill("input[name=q]", second.id)
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    page.fill("input[name=q]", "")
    page.get_by_role("button", name="筛选").click()
    page.check("#all-listed")
    page.fill("input[name=reason]", "批量核实，均已公开")
    page.get_by_role("button", name="批量放行").click()
    expect(page.locator("body")).to_contain_text("已放行")
    assert sorted(m.rcpt_to[0] for m in sink.handler.delivered()) == [EXTERNAL, EXTERNAL]

    # the decided case says who, when (in the unit's zone) and why
    async def decided_at(sessions: Any) -> datetime:
        async with sessions() as session:
            case = await session.get(Case, first.id)
            return case.decided_at  # type: ignore[no-any-return]

    shanghai = (
        live_console.call(decided_at).replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    )
    page.goto(f"{base}/cases/{first.id}")
    summary = page.locator("#decision")
    expect(summary).to_contain_text("决定：shen")
    expect(summary).to_contain_text(f"（{shanghai:%Y-%m-%d %H:%M:%S}）")
    expect(summary).to_contain_text("理由：批量核实，均已公开")


def test_two_person_release_in_two_browser_contexts(
    live_console: LiveConsole, sink: Sink, browser: Browser
) -> None:
    held = live_console.call(lambda s: insert_case(s, two_person=True))
    base = live_console.base_url
    reviewer = browser.new_context(locale="zh-CN").new_page()
    approver = browser.new_context(locale="zh-CN").new_page()
    try:
        log_in(approver, base, "wang")
        approver.goto(f"{base}/cases/{held.id}")
        expect(approver.locator(".actions")).to_contain_text("等待审核人审核")
        expect(approver.get_by_role("button", name="审批放行（审批）")).to_have_count(0)

        log_in(reviewer, base, "shen")
        reviewer.goto(f"{base}/cases/{held.id}")
        decide(reviewer, "审核通过（审核）", "内容核实，同意外发")
        expect(reviewer.locator("#message")).to_contain_text("等待另一位审批人放行")
        assert sink.handler.delivered() == []

        approver.goto(f"{base}/cases/{held.id}")
        expect(approver.locator(".actions")).to_contain_text("已由 shen 审核")
        decide(approver, "审批放行（审批）", "同意")
        expect(approver.locator("#message")).to_contain_text("上游服务器已接收")
        assert len(sink.handler.delivered()) == 1
        approver.goto(f"{base}/cases/{held.id}")
        expect(approver.locator(".timeline")).to_contain_text("shen 审核通过")
        expect(approver.locator(".timeline")).to_contain_text("wang 放行")
    finally:
        reviewer.context.close()
        approver.context.close()


def test_script_in_subject_body_and_attachment_name_is_inert(
    live_console: LiveConsole, page: Page
) -> None:
    evil = "<script>window.__pwned = 1; alert(1)</script><img src=http://203.0.113.9/x.png onerror=alert(2)>"
    held = live_console.call(
        lambda s: insert_case(
            s,
            subject=f"征地拆迁补偿方案{evil}",
            body=f"征地拆迁补偿方案\n{evil}\n",
            attachment_name=f"{evil}.docx",
        )
    )
    base = live_console.base_url
    dialogs: list[str] = []
    requests_seen: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests_seen.append(r.url))

    log_in(page, base, "shen")
    page.goto(f"{base}/cases/{held.id}")
    expect(page.locator("#subject")).to_contain_text("<script>window.__pwned = 1")
    expect(page.locator("td.filename").nth(1)).to_contain_text("<img src=http://203.0.113.9/x.png")
    page.goto(f"{base}/cases")
    expect(page.locator("td.subject").first).to_contain_text("<script>")

    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("script").count() == 0
    assert all(url.startswith(base) for url in requests_seen), requests_seen


def test_bidi_controls_are_shown_and_times_are_in_the_units_zone(
    live_console: LiveConsole, page: Page
) -> None:
    held = live_console.call(
        lambda s: insert_case(
            s,
            subject="照片\u202egpj.exe 征地拆迁补偿方案",
            body="征地拆迁补偿方案\n",
            attachment_name="照片\u202egpj.exe",
        )
    )
    base = live_console.base_url
    log_in(page, base, "shen")
    page.goto(f"{base}/cases/{held.id}")
    # …\u202egpj.exe would read as …exe.jpg; the officer sees the control instead
    expect(page.locator("#subject")).to_contain_text("照片‹U+202E›gpj.exe")
    expect(page.locator("td.filename").nth(1)).to_contain_text("照片‹U+202E›gpj.exe")
    shanghai = held.received_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    expect(page.locator("body")).to_contain_text(f"收到：{shanghai:%Y-%m-%d %H:%M:%S}")
    page.goto(f"{base}/cases")
    expect(page.locator("td.subject").first).to_contain_text("‹U+202E›")


def test_a_form_posted_without_its_csrf_token_is_refused(
    live_console: LiveConsole, sink: Sink, page: Page
) -> None:
    held = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    log_in(page, base, "li")
    page.goto(f"{base}/cases/{held.id}")
    page.evaluate("document.querySelector('.actions input[name=csrf_token]').remove()")
    decide(page, "放行", "同意")
    expect(page.locator("#message")).to_contain_text("CSRF")
    assert sink.handler.delivered() == []
    page.goto(f"{base}/cases/{held.id}")
    expect(page.locator("h1 .state")).to_have_text("待审查")


def test_repeated_wrong_passwords_lock_the_account(live_console: LiveConsole, page: Page) -> None:
    base = live_console.base_url
    for _ in range(live_console.settings.console.lockout_failures - 1):
        log_in(page, base, "shen", "wrong-password")
        expect(page.locator("#login-error")).to_contain_text("用户名或密码错误")
    log_in(page, base, "shen", "wrong-password")
    expect(page.locator("#login-error")).to_contain_text("账号已锁定")
    log_in(page, base, "shen", PASSWORD)  # the right password no longer helps
    expect(page.locator("#login-error")).to_contain_text("账号已锁定")
    expect(page).to_have_url(f"{base}/login")


def test_audit_verify_catches_a_row_edited_in_the_database(
    live_console: LiveConsole, page: Page
) -> None:
    held = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    log_in(page, base, "shen")
    page.goto(f"{base}/cases/{held.id}")
    decide(page, "退回", "含征地拆迁方案，不得外发")
    expect(page.locator("#message")).to_contain_text("已退回")

    env = {
        **os.environ,
        "DLP_DATABASE_URL": live_console.db_url,
        "DLP_AUDIT__KEY": AUDIT_KEY.decode(),  # the chain's key (kept outside the database)
    }
    clean = subprocess.run(
        [sys.executable, "-m", "gateway", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 0 and clean.stdout.startswith("OK: audit chain intact")

    with sqlite3.connect(live_console.db_path) as conn:
        (seq,) = conn.execute("SELECT seq FROM audit_log WHERE action = 'reject'").fetchone()
        conn.execute(
            'UPDATE audit_log SET detail = \'{"reason": "同意外发"}\' WHERE seq = ?', (seq,)
        )
    broken = subprocess.run(
        [sys.executable, "-m", "gateway", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert broken.returncode == 1
    assert broken.stdout == f"BROKEN at entry {seq}: hash mismatch: the entry was altered\n"

    log_in(page, base, "auditor")
    page.goto(f"{base}/audit")
    page.get_by_role("button", name="校验哈希链").click()
    expect(page.locator("#verify-result")).to_contain_text(
        f"第 {seq} 条记录，哈希不符（记录被改动）"
    )


def test_screenshots_of_the_queue_and_the_case_page(
    live_console: LiveConsole, page: Page, tmp_path: Path
) -> None:
    live_console.call(lambda s: insert_case(s, received_at=days_ago(3)))
    shown = live_console.call(lambda s: insert_case(s, two_person=True, received_at=days_ago(2)))
    live_console.call(
        lambda s: insert_case(
            s, rcpt=["friend@163.com"], mail_from="wang.wu@gov.example.cn", received_at=days_ago(1)
        )
    )
    live_console.call(
        lambda s: insert_case(
            s, state="released", received_at=days_ago(4), review=live_console.review
        )
    )
    out = ROOT / "docs" if os.environ.get("DLP_UPDATE_SCREENSHOTS") == "1" else tmp_path
    out.mkdir(exist_ok=True)
    base = live_console.base_url

    log_in(page, base, "shen")
    expect(page.locator("table.queue tbody tr")).to_have_count(3)
    page.screenshot(path=str(out / "console-queue.png"), full_page=True)
    page.goto(f"{base}/cases/{shown.id}")
    expect(page.locator("mark.hit").first).to_be_visible()
    page.screenshot(path=str(out / "console-case.png"), full_page=True)

    # the tuning loop: the verdict form on the case page, then the statistics it feeds
    choice = page.locator("#feedback-choice")
    choice.get_by_label("误报").check()
    choice.scroll_into_view_if_needed()
    choice.screenshot(path=str(out / "console-verdict.png"))
    decide(page, "退回", "附件为公开材料，命中词为普通用语")
    expect(page.locator("#message")).to_contain_text("已退回")
    page.goto(f"{base}/stats")
    expect(page.locator("table#stats tbody tr").first).to_be_visible()
    page.screenshot(path=str(out / "console-stats.png"), full_page=True)

    for name in (
        "console-queue.png",
        "console-case.png",
        "console-verdict.png",
        "console-stats.png",
    ):
        assert (out / name).stat().st_size > 5_000, name


def test_an_admin_edits_accounts_on_the_user_page(
    live_console: LiveConsole, browser: Browser, page: Page
) -> None:
    base = live_console.base_url
    for _ in range(5):  # lock li with wrong passwords
        wrong = browser.new_context()
        other = wrong.new_page()
        log_in(other, base, "li", "wrong-pass")
        wrong.close()

    log_in(page, base, "admin")
    page.goto(f"{base}/users")
    shen = page.locator("tr", has_text="shen")
    shen.get_by_label("shen 的角色").select_option("approver")
    shen.get_by_role("button", name="改角色").click()
    shen = page.locator("tr", has_text="shen")
    expect(shen).to_contain_text("审批")
    shen.get_by_label("shen 的本人邮箱").fill("shen.new@gov.example.cn")
    shen.get_by_role("button", name="改邮箱").click()
    shen = page.locator("tr", has_text="shen")
    expect(shen).to_contain_text("shen.new@gov.example.cn")
    shen.get_by_label("shen 的新密码", exact=True).fill("fresh-pass-9")
    shen.get_by_label("shen 的新密码确认").fill("fresh-pass-9")
    shen.get_by_role("button", name="重设密码").click()

    li = page.locator("tr", has_text="li@")
    expect(li).to_contain_text("锁定至")
    li.get_by_role("button", name="解除锁定").click()
    expect(page.locator("tr", has_text="li@")).not_to_contain_text("锁定至")

    page.locator("tr", has_text="admin").get_by_role("button", name="停用").click()
    expect(page.locator("body")).to_contain_text("不能停用或降级自己的账号")

    for name, password in (("shen", "fresh-pass-9"), ("li", PASSWORD)):
        context = browser.new_context()
        officer = context.new_page()
        log_in(officer, base, name, password)
        expect(officer).to_have_url(f"{base}/cases")
        context.close()


def test_account_refusals_reach_the_admin_in_chinese(live_console: LiveConsole, page: Page) -> None:
    base = live_console.base_url
    log_in(page, base, "admin")

    def refused(expected: str) -> None:
        expect(page.locator("h1")).to_have_text("无法执行")
        expect(page.locator("main")).to_contain_text(expected)
        expect(page.locator("main")).not_to_contain_text("dlp-gateway")  # the CLI's hint only
        page.goto(f"{base}/users")

    page.goto(f"{base}/users")
    adding = page.locator("form[action='/users']")
    adding.get_by_label("用户名").fill("zhao")
    adding.get_by_label("角色").select_option("reviewer")
    adding.get_by_label("初始密码（至少 8 位）").fill("long-enough-9")
    adding.get_by_role("button", name="创建").click()  # an officer without an address
    refused("审核人和审批人账号必须登记本人邮箱")

    adding.get_by_label("用户名").fill("shen")  # a duplicate
    adding.get_by_label("角色").select_option("auditor")
    adding.get_by_label("初始密码（至少 8 位）").fill("long-enough-9")
    adding.get_by_role("button", name="创建").click()
    refused("账号 'shen' 已存在")

    shen = page.locator("tr", has_text="shen@")
    shen.get_by_label("shen 的本人邮箱").fill("shen.gov.example.cn")  # malformed
    shen.get_by_role("button", name="改邮箱").click()
    refused("'shen.gov.example.cn' 不是邮箱地址（应为 名字@域名）")

    auditor = page.locator("tr", has_text="auditor")
    auditor.get_by_label("auditor 的角色").select_option("approver")  # no address on file
    auditor.get_by_role("button", name="改角色").click()
    refused("必须登记本人邮箱")
    expect(page.locator("tr", has_text="auditor")).to_contain_text("审计")  # nothing changed
    expect(page.locator("tr", has_text="shen@")).to_contain_text("shen@gov.example.cn")


def _reloads(process: GatewayProcess) -> int:
    return sum("registered secrets reloaded" in line for line in list(process.lines))


def _wait_reloads(process: GatewayProcess, count: int) -> None:
    """Until the gateway has started ``count`` generations with new registrations (bounded)."""
    import time

    deadline = time.monotonic() + 60
    while _reloads(process) < count:
        assert time.monotonic() < deadline, "\n".join(process.lines)
        time.sleep(0.1)


def test_an_approver_registers_a_document_and_a_roster_and_a_leak_is_held(
    tmp_path: Path,
    sink: Sink,
    page: Page,
    gateway_process: Callable[..., GatewayProcess],
) -> None:
    from tests.fixtures_smtp import message, process_config, submit_sync, write_config
    from tests.support.addresses import SENDER
    from tests.support.registered import PARAGRAPHS, SECRET_TEXT, csv_of, docx_of, roster

    config = write_config(tmp_path / "gateway.toml", process_config(tmp_path, sink.port))
    add = subprocess.run(
        [sys.executable, "-m", "gateway", "--config", str(config), "user", "add", "li",
         "--role", "approver", "--email", "li@gov.example.cn", "--password-stdin"],
        input=f"{PASSWORD}\n", cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert add.returncode == 0, add.stderr
    gateway = gateway_process(config)
    base = f"http://127.0.0.1:{gateway.console_port}"
    secret = tmp_path / "资金缺口报告.docx"
    secret.write_bytes(docx_of(SECRET_TEXT.split("\n")))
    names = tmp_path / "低保名册.csv"
    names.write_bytes(csv_of(roster(1)))

    log_in(page, base, "li")
    page.get_by_role("link", name="登记文件").click()
    expect(page.locator("table.queue")).to_contain_text("尚未登记任何文件或数据")
    document = page.locator("form[action='/registered']")
    document.locator("input[name=file]").set_input_files(str(secret))
    document.locator("input[name=label]").fill("北部片区资金缺口报告")
    document.locator("select[name=category]").select_option("land")
    document.get_by_role("button", name="登记").click()
    expect(page.locator("table.queue")).to_contain_text("《北部片区资金缺口报告》")

    roster_form = page.locator("#data-upload")
    roster_form.locator("input[name=file]").set_input_files(str(names))
    roster_form.locator("input[name=label]").fill("东湖街道低保名册")
    roster_form.locator("select[name=category]").select_option("personnel")
    roster_form.get_by_role("button", name="上传并选择列").click()
    expect(page.locator("h1")).to_have_text("登记数据：选择各列的类型")
    expect(page.locator("td.column-header")).to_have_text(["姓名", "身份证号", "手机号", "住址"])
    expect(page.locator("body")).not_to_contain_text(roster(1)[0][0])
    page.get_by_label("手机号 的类型").select_option("")  # leave the mobiles out
    page.get_by_role("button", name="登记", exact=True).click()
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("《东湖街道低保名册》")
    expect(rows.nth(1)).to_contain_text("20 行（姓名、身份证号、住址）")
    _wait_reloads(gateway, 1)  # the running gateway picked both up, without restart

    # two paragraphs the scope tables alone do not hold (since round 38 of issue 9 they hold the
    # third one's 底价 per mu beside the first's figures): the registration is what holds these
    leak = message(f"领导：摘录如下。\n{PARAGRAPHS[0]}\n{PARAGRAPHS[4]}\n")
    answer = submit_sync(gateway.smtp_port, SENDER, [EXTERNAL], leak)
    assert answer.text.startswith("2.6.0 held for review as "), answer
    case_id = answer.text.rsplit(" ", 1)[1]
    page.goto(f"{base}/cases/{case_id}")
    expect(page.locator("body")).to_contain_text("与登记文件《北部片区资金缺口报告》重合 ")
    expect(page.locator("body")).to_have_text(re.compile(r"重合 \d+%（\d+/\d+）"))
    mark = page.locator("mark.hit", has_text="缺口约三亿七千六百万元").first
    expect(mark).to_be_visible()

    page.goto(f"{base}/registered")
    page.locator("tr", has_text="北部片区资金缺口报告").get_by_role("button", name="删除").click()
    expect(page.locator("table.queue")).not_to_contain_text("北部片区资金缺口报告")
    _wait_reloads(gateway, 2)
    answer = submit_sync(gateway.smtp_port, SENDER, [EXTERNAL], leak)
    assert answer.text.startswith("2.0.0 relayed"), answer
    assert any(PARAGRAPHS[0][:20].encode() in m.data for m in sink.handler.to(EXTERNAL))
