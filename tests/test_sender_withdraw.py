"""The sender's link page (issue 11): withdrawing a held mail, and the page's rate limit.

Over HTTP against the real console (uvicorn), no account: the signed link is the credential.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from gateway.console import sender_pages
from tests.fixtures_console import LiveConsole, insert_case, sign_in


def test_the_sender_withdraws_a_held_mail_and_the_officer_sees_it(
    live_console: LiveConsole,
) -> None:
    held = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    path = urlsplit(live_console.review.notifier.request_url(held.id)).path

    page = requests.get(base + path, timeout=10)
    assert page.status_code == 200 and "撤回邮件" in page.text
    done = requests.post(f"{base}{path}/withdraw", timeout=10)
    assert done.status_code == 200 and "已撤回" in done.text
    again = requests.post(f"{base}{path}/withdraw", timeout=10)
    assert again.status_code == 409 and "无法撤回" in again.text
    assert "邮件已于" in requests.get(base + path, timeout=10).text  # the page says so

    officer = sign_in(base, "shen")
    case = officer.get(f"{base}/api/cases/{held.id}", timeout=10).json()
    assert case["state"] == "rejected"
    entries = sign_in(base, "auditor").get(f"{base}/api/audit", timeout=10).json()["entries"]
    withdrawn = [e for e in entries if e["action"] == "withdraw" and e["target"] == held.id]
    assert withdrawn and withdrawn[0]["detail"]["channel"] == "sender-link"
    audit_page = sign_in(base, "auditor").get(f"{base}/audit", timeout=10).text
    assert "发件人撤回" in audit_page  # the action's Chinese label beside its code


def test_posts_from_one_client_are_rate_limited(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    path = urlsplit(live_console.review.notifier.request_url(held.id)).path
    sender_pages._posts.clear()
    codes = [
        requests.post(base + path, data={"justification": ""}, timeout=10).status_code
        for _ in range(sender_pages.POSTS_PER_WINDOW + 1)
    ]
    assert codes[:-1] == [409] * sender_pages.POSTS_PER_WINDOW  # empty: refused, but counted
    assert codes[-1] == 429
    sender_pages._posts.clear()
