"""The console's pages over real HTTP: sign-in, queue, case page, decisions, roles, headers."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from gateway.inspection import inspect_message
from gateway.settings import LimitSettings
from gateway.smtp.envelope import Envelope
from gateway.store import audit
from gateway.store.models import AuditEntry, Case
from gateway.store.quarantine import Quarantine
from matchers.engine import Engine
from matchers.scope import load_scope
from tests.fixtures_console import (
    EXTERNAL,
    PASSWORD,
    LiveConsole,
    Sink,
    add_officers,
    csrf_of,
    days_ago,
    insert_case,
    sign_in,
)
from tests.fixtures_smtp import SECRET_TEXT
from tests.support.addresses import SENDER
from tests.support.messages import message
from tests.support.settings import SCOPE


def _audit(live: LiveConsole) -> list[tuple[str, str, str]]:
    async def read(sessions):  # type: ignore[no-untyped-def]
        async with sessions() as session:
            rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
            return [(e.actor, e.action, e.target) for e in rows]

    return live.call(read)


def _state(live: LiveConsole, case_id: str) -> str:
    async def read(sessions):  # type: ignore[no-untyped-def]
        async with sessions() as session:
            case = await session.get(Case, case_id)
            return case.state

    return live.call(read)


def test_pages_need_a_session(live_console: LiveConsole) -> None:
    reply = requests.get(
        f"{live_console.base_url}/cases?state=all", timeout=10, allow_redirects=False
    )
    assert reply.status_code == 303
    assert reply.headers["location"] == "/login?next=%2Fcases%3Fstate%3Dall"


def test_login_sets_a_strict_http_only_cookie_and_is_audited(live_console: LiveConsole) -> None:
    http = requests.Session()
    form = http.get(f"{live_console.base_url}/login", timeout=10)
    reply = http.post(
        f"{live_console.base_url}/login",
        data={
            "name": "shen",
            "password": PASSWORD,
            "csrf_token": csrf_of(form.text),
            "next": "/cases",
        },
        timeout=30,
        allow_redirects=False,
    )
    assert reply.status_code == 303 and reply.headers["location"] == "/cases"
    cookie = reply.headers["set-cookie"]
    assert "dlp_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # console.secure_cookies is off in this test
    assert ("shen", "login", "") in _audit(live_console)


def test_login_refuses_a_form_without_its_csrf_token(live_console: LiveConsole) -> None:
    reply = requests.post(
        f"{live_console.base_url}/login", data={"name": "shen", "password": PASSWORD}, timeout=30
    )
    assert reply.status_code == 403 and "安全令牌" in reply.text
    assert "dlp_session" not in reply.headers.get("set-cookie", "")


def test_wrong_password_is_refused_in_chinese(live_console: LiveConsole) -> None:
    http = requests.Session()
    form = http.get(f"{live_console.base_url}/login", timeout=10)
    reply = http.post(
        f"{live_console.base_url}/login",
        data={"name": "shen", "password": "nope-nope", "csrf_token": csrf_of(form.text)},
        timeout=30,
    )
    assert reply.status_code == 401 and "用户名或密码错误" in reply.text


def test_every_response_carries_the_security_headers(live_console: LiveConsole) -> None:
    http = sign_in(live_console.base_url, "shen")
    for path in ("/login", "/cases", "/static/console.css", "/no-such-page", "/api/me"):
        reply = http.get(live_console.base_url + path, timeout=10)
        csp = reply.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["x-content-type-options"] == "nosniff"


def test_the_queue_lists_open_cases_oldest_first_with_counts(live_console: LiveConsole) -> None:
    newer = live_console.call(lambda s: insert_case(s, received_at=days_ago(1)))
    older = live_console.call(lambda s: insert_case(s, two_person=True, received_at=days_ago(3)))
    done = live_console.call(lambda s: insert_case(s, state="released", review=live_console.review))
    http = sign_in(live_console.base_url, "shen")

    page = http.get(f"{live_console.base_url}/cases", timeout=10).text

    assert page.index(older.id) < page.index(newer.id)
    assert done.id not in page
    assert re.search(r"待处理 <b>2</b>", page) and re.search(r"已放行 <b>1</b>", page)
    assert "关于征地拆迁补偿方案的请示" in page


def test_queue_filters(live_console: LiveConsole) -> None:
    land = live_console.call(lambda s: insert_case(s, rcpt=["a@163.com"]))
    personnel = live_console.call(
        lambda s: insert_case(s, two_person=True, mail_from="li.si@gov.example.cn")
    )
    http = sign_in(live_console.base_url, "shen")

    def ids(query: str) -> set[str]:
        text = http.get(f"{live_console.base_url}/cases?{query}", timeout=10).text
        return set(re.findall(r"Q\d{8}-[0-9A-Z]{6}", text))

    assert ids("category=personnel") == {personnel.id}
    assert ids("category=干部人事") == {personnel.id}  # by the name officers read
    assert ids("category=征地") == {land.id, personnel.id}  # the two-person case is both
    assert ids("category=没有这个类别") == set()
    assert ids("severity=high") == {land.id}
    assert ids("domain=163.com") == {land.id}
    assert ids("sender=li.si") == {personnel.id}
    assert ids("state=released") == set()
    assert ids(f"since={days_ago(-1):%Y-%m-%d}") == set()
    assert ids(f"until={days_ago(0):%Y-%m-%d}") == {land.id, personnel.id}
    # one search box: case id, subject, sender or recipient
    assert ids(f"q={land.id}") == {land.id}
    assert ids("q=LI.SI@GOV") == {personnel.id}
    assert ids("q=163.com") == {land.id}


def test_the_case_page_highlights_every_hit_in_context(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s, two_person=True))
    http = sign_in(live_console.base_url, "shen")

    page = http.get(f"{live_console.base_url}/cases/{held.id}", timeout=10).text

    assert '<mark class="hit" title="征地拆迁（land）">征地拆迁补偿方案</mark>' in page
    assert '<mark class="hit" title="干部人事（personnel）">拟提拔</mark>' in page
    assert '<mark class="hit" title="干部人事（personnel）">考察对象</mark>' in page
    [personnel] = [c for c in held.categories if c["id"] == "personnel"]
    for text in (
        "拆迁补偿方案.docx",
        "text/plain",  # detected by content: the ".docx" is text
        f"{personnel['score']}</b> / 100",
        EXTERNAL,
        held.scope_version[:16],
        "两人放行",
        "审核通过（审核）",
        "扣留待审",
        f"{personnel['name']} 的命中",  # the category's name, not its id
    ):
        assert text in page, text
    assert ">personnel 的命中" not in page
    assert ("shen", "view", held.id) in _audit(live_console)


def test_a_blocked_case_says_it_cannot_be_released(live_console: LiveConsole) -> None:
    """A message a ``reject`` category refused at SMTP time (default tables: 密级标志), kept
    by ``Quarantine.record_block`` as the SMTP path keeps it."""
    raw = message(SECRET_TEXT, subject="工作部署")
    inspection = inspect_message(raw, Engine.compile(load_scope(SCOPE)), LimitSettings())
    assert inspection.decision.blocking

    async def block(sessions: Any) -> Case:
        envelope = Envelope(SENDER, (EXTERNAL,), client_addr="127.0.0.1", helo="mail.test")
        return await Quarantine(sessions).record_block(envelope, raw, inspection, (EXTERNAL,))

    case = live_console.call(block)
    page = (
        sign_in(live_console.base_url, "li")
        .get(f"{live_console.base_url}/cases/{case.id}", timeout=10)
        .text
    )
    assert "已拦截（按规定禁止外发，不能放行）" in page
    assert "不可放行" in page and "两人" not in page
    assert "检测器：" in page and "密级标志" in page and "secrecy_marking</span>" not in page
    assert 'value="release"' not in page


def test_mail_content_is_inert_text(live_console: LiveConsole) -> None:
    evil = "<script>alert('x')</script><img src=http://evil.example/p.png>"
    held = live_console.call(
        lambda s: insert_case(
            s,
            subject=f"征地拆迁补偿方案 {evil}",
            body=f"征地拆迁补偿方案\n{evil}\n",
            attachment_name="<script>x</script>.docx",
        )
    )
    http = sign_in(live_console.base_url, "shen")
    for path in ("/cases", f"/cases/{held.id}"):
        page = http.get(live_console.base_url + path, timeout=10).text
        assert "<script" not in page and "<img" not in page
        assert "&lt;script&gt;alert(" in page


def test_release_from_the_case_page_reaches_upstream(live_console: LiveConsole, sink: Sink) -> None:
    held = live_console.call(lambda s: insert_case(s))
    http = sign_in(live_console.base_url, "li")
    page = http.get(f"{live_console.base_url}/cases/{held.id}", timeout=10).text

    reply = http.post(
        f"{live_console.base_url}/cases/{held.id}/action",
        data={"csrf_token": csrf_of(page), "action": "release", "reason": "已核实可以外发"},
        timeout=30,
    )

    assert reply.status_code == 200 and "上游服务器已接收" in reply.text
    assert [m.rcpt_to for m in sink.handler.delivered()] == [[EXTERNAL]]
    assert _state(live_console, held.id) == "released"
    # the decided case says who decided, when (in the unit's time zone) and why
    decided = http.get(f"{live_console.base_url}/cases/{held.id}", timeout=10).text
    summary = re.search(r'<p class="decided" id="decision">(.*?)</p>', decided, re.S)
    assert summary and "li" in summary.group(1) and "已核实可以外发" in summary.group(1)
    assert re.search(r"（20\d\d-\d\d-\d\d \d\d:\d\d:\d\d）", summary.group(1))


def test_a_decision_without_csrf_token_is_refused(live_console: LiveConsole, sink: Sink) -> None:
    held = live_console.call(lambda s: insert_case(s))
    http = sign_in(live_console.base_url, "li")
    for token in (None, "forged-token"):
        data = {"action": "release", "reason": "x"} | ({"csrf_token": token} if token else {})
        reply = http.post(f"{live_console.base_url}/cases/{held.id}/action", data=data, timeout=30)
        assert reply.status_code == 403 and "CSRF" in reply.text
    assert _state(live_console, held.id) == "pending"
    assert sink.handler.delivered() == []


def test_a_decision_without_reason_is_explained(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s))
    http = sign_in(live_console.base_url, "li")
    page = http.get(f"{live_console.base_url}/cases/{held.id}", timeout=10).text
    reply = http.post(
        f"{live_console.base_url}/cases/{held.id}/action",
        data={"csrf_token": csrf_of(page), "action": "reject", "reason": " "},
        timeout=30,
    )
    assert reply.status_code == 409 and "必须填写理由" in reply.text
    assert _state(live_console, held.id) == "pending"


def test_own_mail_shows_no_actions(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s))
    http = sign_in(live_console.base_url, "zhang")
    reply = http.get(f"{live_console.base_url}/cases/{held.id}", timeout=10)
    assert reply.status_code == 409 and "本人发出" in reply.text


def test_download_is_an_audited_attachment(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s))
    http = sign_in(live_console.base_url, "shen")
    reply = http.get(f"{live_console.base_url}/cases/{held.id}/raw", timeout=10)
    assert reply.status_code == 200 and reply.content == held.raw
    assert reply.headers["content-disposition"] == f'attachment; filename="{held.id}.eml"'
    assert reply.headers["content-type"].startswith("message/rfc822")
    assert ("shen", "download", held.id) in _audit(live_console)


def test_roles_are_checked_on_every_page(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    auditor = sign_in(base, "auditor")
    for path in ("/cases", f"/cases/{held.id}", f"/cases/{held.id}/raw", "/users"):
        assert auditor.get(base + path, timeout=10).status_code == 403, path
    reviewer = sign_in(base, "shen")
    for path in ("/audit", "/users", "/api/audit"):
        assert reviewer.get(base + path, timeout=10).status_code == 403, path
    admin = sign_in(base, "admin")
    assert admin.get(f"{base}/cases", timeout=10).status_code == 403
    page = admin.get(f"{base}/users", timeout=10)
    assert page.status_code == 200 and "shen" in page.text


def test_auditors_browse_and_verify_the_log(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s))
    sign_in(live_console.base_url, "shen").get(
        f"{live_console.base_url}/cases/{held.id}", timeout=10
    )
    http = sign_in(live_console.base_url, "auditor")
    page = http.get(f"{live_console.base_url}/audit?verify=1", timeout=10).text
    assert "哈希链完整" in page and held.id in page
    only = http.get(f"{live_console.base_url}/audit?action=view", timeout=10).text
    assert held.id in only and ">login<" not in only


def test_the_audit_page_words_details_and_a_cut_tail_in_chinese(
    live_console: LiveConsole,
) -> None:
    held = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    shen = sign_in(base, "shen")
    page = shen.get(f"{base}/cases/{held.id}", timeout=10).text
    reply = shen.post(
        f"{base}/cases/{held.id}/action",
        data={"action": "reject", "reason": "含未公开方案", "csrf_token": csrf_of(page)},
        timeout=30,
    )
    assert reply.status_code == 200 and "已退回" in reply.text
    auditor = sign_in(base, "auditor")
    rejected = auditor.get(f"{base}/audit?action=reject", timeout=10).text
    assert "理由：含未公开方案" in rejected and "渠道：控制台" in rejected
    assert "来源：127.0.0.1" in rejected  # the client's address
    assert '<option value="reject" selected>退回</option>' in rejected
    assert "(UTC)" not in rejected
    stranger = requests.Session()  # a wrong password: the refusal's reason in Chinese too
    form = stranger.get(f"{base}/login", timeout=10).text
    refused = stranger.post(
        f"{base}/login",
        data={"name": "li", "password": "wrong-one-1", "csrf_token": csrf_of(form)},
        timeout=30,
    )
    assert refused.status_code == 401
    failed = auditor.get(f"{base}/audit?action=login_failed", timeout=10).text
    assert "原因：密码错误" in failed

    checkpoints = live_console.settings.audit_checkpoint_file
    point = live_console.call(lambda s: audit.write_checkpoint(s, checkpoints))
    assert point is not None
    with sqlite3.connect(live_console.db_path) as conn:  # the attacker cuts the newest entries
        conn.execute("DELETE FROM audit_log WHERE seq >= ?", (point.seq - 1,))
    page = auditor.get(f"{base}/audit?verify=1", timeout=10).text
    assert f"哈希链断裂：第 {point.seq - 1}–{point.seq} 条记录，记录缺失" in page
    assert "日志末尾被截去" in page


def test_bulk_release_reports_each_case(live_console: LiveConsole, sink: Sink) -> None:
    a = live_console.call(lambda s: insert_case(s))
    b = live_console.call(lambda s: insert_case(s, two_person=True))
    http = sign_in(live_console.base_url, "shen")
    page = http.get(f"{live_console.base_url}/cases", timeout=10).text
    reply = http.post(
        f"{live_console.base_url}/cases/bulk",
        data=[
            ("csrf_token", csrf_of(page)),
            ("case_id", a.id),
            ("case_id", b.id),
            ("action", "release"),
            ("reason", "批量核实"),
        ],
        timeout=60,
    )
    assert reply.status_code == 200
    assert "已放行" in reply.text and "已审核待审批" in reply.text
    assert len(sink.handler.delivered()) == 1
    assert _state(live_console, b.id) == "reviewed"


def test_admin_creates_an_account_that_can_sign_in(live_console: LiveConsole) -> None:
    admin = sign_in(live_console.base_url, "admin")
    page = admin.get(f"{live_console.base_url}/users", timeout=10).text
    reply = admin.post(
        f"{live_console.base_url}/users",
        data={
            "csrf_token": csrf_of(page),
            "name": "zhao",
            "role": "approver",
            "emails": "zhao@gov.example.cn",
            "password": "new-officer-1",
        },
        timeout=30,
    )
    assert reply.status_code == 200 and "zhao" in reply.text
    sign_in(live_console.base_url, "zhao", "new-officer-1")
    assert ("admin", "user_add", "user:zhao") in _audit(live_console)


def test_logout_ends_the_session(live_console: LiveConsole) -> None:
    http = sign_in(live_console.base_url, "shen")
    page = http.get(f"{live_console.base_url}/cases", timeout=10).text
    http.post(f"{live_console.base_url}/logout", data={"csrf_token": csrf_of(page)}, timeout=10)
    reply = http.get(f"{live_console.base_url}/cases", timeout=10, allow_redirects=False)
    assert reply.status_code == 303


def test_metrics_are_served(live_console: LiveConsole) -> None:
    reply = requests.get(f"{live_console.base_url}/metrics", timeout=10)
    assert reply.status_code == 200 and "dlp_releases_total" in reply.text


def test_metrics_can_be_restricted(tmp_path: Path, sink: Sink) -> None:
    closed = LiveConsole(tmp_path / "a", sink.port, console={"metrics_networks": ["10.9.0.0/16"]})
    closed.start()
    try:  # loopback is not in the allowed networks
        assert requests.get(f"{closed.base_url}/metrics", timeout=10).status_code == 403
    finally:
        closed.stop()
    keyed = LiveConsole(tmp_path / "b", sink.port, console={"metrics_token": "s3cret-token"})
    keyed.start()
    try:
        url = f"{keyed.base_url}/metrics"
        assert requests.get(url, timeout=10).status_code == 403
        wrong = {"Authorization": "Bearer nope"}
        assert requests.get(url, headers=wrong, timeout=10).status_code == 403
        right = {"Authorization": "Bearer s3cret-token"}
        assert requests.get(url, headers=right, timeout=10).status_code == 200
    finally:
        keyed.stop()


def test_cookies_are_secure_behind_tls(tmp_path: Path, sink: Sink) -> None:
    live = LiveConsole(tmp_path, sink.port, console={"secure_cookies": True}).start()
    try:
        live.call(lambda s: add_officers(s, live.settings))
        http = requests.Session()
        form = http.get(f"{live.base_url}/login", timeout=10)
        assert "Secure" in form.headers["set-cookie"]
        token = csrf_of(form.text)
        # A browser would send the Secure cookie only over TLS; this test speaks plain HTTP.
        reply = requests.post(
            f"{live.base_url}/login",
            data={"name": "shen", "password": PASSWORD, "csrf_token": token},
            headers={"Cookie": f"dlp_login_csrf={token}"},
            timeout=30,
            allow_redirects=False,
        )
        assert reply.status_code == 303
        assert "Secure" in reply.headers["set-cookie"] and "HttpOnly" in reply.headers["set-cookie"]
    finally:
        live.stop()


def test_a_permanent_refusal_is_shown_to_officers(live_console: LiveConsole, sink: Sink) -> None:
    held = live_console.call(lambda s: insert_case(s))
    sink.handler.replies.append("554 5.7.1 relay access denied")
    http = sign_in(live_console.base_url, "li")
    page = http.get(f"{live_console.base_url}/cases/{held.id}", timeout=10).text
    done = http.post(
        f"{live_console.base_url}/cases/{held.id}/action",
        data={"csrf_token": csrf_of(page), "action": "release", "reason": "同意"},
        timeout=30,
    )
    assert "上游服务器拒收" in done.text
    page = http.get(f"{live_console.base_url}/cases/{held.id}", timeout=10).text
    assert re.search(r'id="release-error">上游服务器拒收：554 5.7.1 relay access denied', page)
    assert "放行被拒收" in page and 'value="release"' in page  # officers can decide again
    queue = http.get(f"{live_console.base_url}/cases", timeout=10).text
    assert held.id in queue and "放行被拒收" in queue


def test_case_headers_are_read_from_the_header_block_only() -> None:
    """A 4 MB message: the header lines shown are those above the first empty line, read
    from a bounded prefix (a body line that looks like a header is not one)."""
    from gateway.console.pages import _headers

    head = "Subject: =?utf-8?b?5ouG6L+B6KGl5YG/?=\r\nFrom: zhang.san@example.gov.cn\r\n\r\n"
    raw = head.encode() + b"X-Looks-Like: a header\r\n" * 170_000
    assert _headers(raw) == [("Subject", "拆迁补偿"), ("From", "zhang.san@example.gov.cn")]
    # no end of the headers in sight: only the first 256 KiB are read, not all 100,000 lines
    endless = b"X-Many: header line\r\n" * 100_000
    assert 10_000 < len(_headers(endless)) < 20_000


def test_admin_edits_an_account_and_cannot_demote_themself(live_console: LiveConsole) -> None:
    base = live_console.base_url
    admin = sign_in(base, "admin")

    def post(path: str, **data: str) -> requests.Response:
        token = csrf_of(admin.get(f"{base}/users", timeout=10).text)
        return admin.post(f"{base}/users/{path}", data={"csrf_token": token} | data, timeout=30)

    assert post("shen/emails", emails="shen2@gov.example.cn").status_code == 200
    assert post("shen/role", role="approver").status_code == 200
    mismatch = post("shen/password", password="fresh-pass-1", password2="fresh-pass-2")
    assert mismatch.status_code == 400 and "两次输入的密码不一致" in mismatch.text
    short = post("shen/password", password="short", password2="short")
    assert short.status_code == 400 and "密码太短" in short.text
    assert post("shen/password", password="fresh-pass-1", password2="fresh-pass-1").ok
    sign_in(base, "shen", "fresh-pass-1")
    page = admin.get(f"{base}/users", timeout=10).text
    assert "shen2@gov.example.cn" in page
    for _ in range(5):
        form = requests.get(f"{base}/login", timeout=10)
        requests.post(
            f"{base}/login",
            data={"name": "li", "password": "wrong-pass", "csrf_token": csrf_of(form.text)},
            cookies=form.cookies,
            timeout=30,
        )
    assert "锁定至" in admin.get(f"{base}/users", timeout=10).text
    assert post("li/unlock").status_code == 200
    assert "锁定至" not in admin.get(f"{base}/users", timeout=10).text
    sign_in(base, "li")
    own = post("admin/disable")
    assert own.status_code == 400 and "不能停用或降级自己的账号" in own.text
    assert post("admin/role", role="reviewer").status_code == 400
    trail = _audit(live_console)
    for action in ("user_emails", "user_role", "user_passwd"):
        assert ("admin", action, "user:shen") in trail
    assert ("admin", "user_unlock", "user:li") in trail
    assert ("admin", "user_disable", "user:admin") not in trail


def test_account_changes_need_an_admin_and_a_csrf_token(live_console: LiveConsole) -> None:
    base = live_console.base_url
    reviewer = sign_in(base, "shen")
    token = csrf_of(reviewer.get(f"{base}/cases", timeout=10).text)
    refused = reviewer.post(f"{base}/users/li/disable", data={"csrf_token": token}, timeout=30)
    assert refused.status_code == 403
    admin = sign_in(base, "admin")
    reply = admin.post(f"{base}/users/li/role", data={"role": "approver"}, timeout=30)
    assert reply.status_code == 403 and "CSRF" in reply.text
    assert ("admin", "user_role", "user:li") not in _audit(live_console)
