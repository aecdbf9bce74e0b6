"""The console in a real browser (Debian chromium driven by Playwright): what an officer does.

Set ``DLP_UPDATE_SCREENSHOTS=1`` to rewrite ``docs/console-queue.png``, ``docs/console-case.png``,
``docs/console-verdict.png`` and ``docs/console-stats.png``.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

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

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
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


def test_an_officer_rejects_marking_one_finding_a_false_positive(
    live_console: LiveConsole, sink: Sink, page: Page
) -> None:
    held = live_console.call(lambda s: insert_case(s, two_person=True))
    base = live_console.base_url
    log_in(page, base, "shen")
    page.get_by_role("link", name="统计").click()
    rate = page.locator("tr[data-key='personnel:term:考察对象'] td.fp-rate")
    expect(rate).to_have_text("—")  # held, not yet judged
    expect(page.locator("svg#trend g.day")).to_have_count(30)
    page.goto(f"{base}/cases/{held.id}")

    choice = page.locator("#feedback-choice")
    expect(choice.get_by_label("不判定")).to_be_checked()  # the verdict is optional
    wrong = choice.locator("input[name=wrong]")
    rules = {f"{f['category']}:{f['kind']}:{f['rule']}" for f in held.findings}
    expect(wrong).to_have_count(len(rules))
    for box in wrong.all():  # pre-filled: every scoring finding
        expect(box).to_be_checked()
    choice.get_by_label("误报").check()
    for box in wrong.all():  # only 考察对象 was wrong
        if box.get_attribute("value") != "personnel:term:考察对象":
            box.uncheck()
    decide(page, "退回", "考察对象为普通用语，但附件含拟提拔名单")
    expect(page.locator("#message")).to_contain_text("已退回")

    page.goto(f"{base}/cases/{held.id}")
    verdict = page.locator("#feedback")
    expect(verdict).to_contain_text("判定：误报（shen）")
    expect(verdict).to_contain_text("personnel:term:考察对象")
    expect(verdict).not_to_contain_text("拟提拔")
    expect(page.locator("#feedback-choice")).to_have_count(0)  # decided: no form any more

    page.goto(f"{base}/stats")
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
    expect(page.locator("table#stats tbody tr").first).to_have_attribute("data-key", top)
    with page.expect_download() as download:
        page.locator("#csv").click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "term,personnel:term:考察对象,personnel,考察对象,1,1,0,1,1.0," in csv_text


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


def test_a_sender_writes_a_justification_the_officer_sees(
    live_console: LiveConsole, page: Page
) -> None:
    from datetime import datetime, timedelta
    from urllib.parse import urlsplit

    held = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    notifier = live_console.review.notifier
    path = urlsplit(notifier.request_url(held.id)).path
    stale = urlsplit(notifier.request_url(held.id, now=datetime.now(UTC) - timedelta(days=30))).path

    expired = page.goto(base + stale)
    assert expired is not None and expired.status == 403
    expect(page.locator("main")).to_contain_text("链接已过期")
    other = held.id[:-1] + ("1" if held.id.endswith("0") else "0")  # another case's id
    tampered = page.goto(base + path.replace(held.id, other))
    assert tampered is not None and tampered.status == 403

    page.goto(base + path)  # no account
    expect(page.locator("#request-case")).to_contain_text(held.id)
    page.fill("textarea[name=justification]", "对方为合作设计院，已经分管领导批准")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("main")).to_contain_text("业务理由已提交")
    page.goto(base + path)
    expect(page.locator("#done")).to_contain_text("已于")
    expect(page.locator("textarea[name=justification]")).to_have_count(0)

    log_in(page, base, "shen")
    expect(page.locator("tr", has_text=held.id)).to_contain_text("发件人已说明理由")
    page.goto(f"{base}/cases/{held.id}")
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
    expect(page.locator("#verify-result")).to_contain_text(f"第 {seq} 条记录")


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
    live_console.call(lambda s: insert_case(s, state="released", received_at=days_ago(4)))
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
