"""The JSON API under /api: same rules as the pages, an OpenAPI document, and no server errors
under schemathesis' generated requests."""

from __future__ import annotations

import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.fixtures_console import LiveConsole, Sink, days_ago, insert_case, sign_in


def _me(http: requests.Session, base: str) -> str:
    reply = http.get(f"{base}/api/me", timeout=10)
    assert reply.status_code == 200
    return str(reply.json()["csrf_token"])


def test_the_api_needs_a_session(live_console: LiveConsole) -> None:
    reply = requests.get(f"{live_console.base_url}/api/cases", timeout=10)
    assert reply.status_code == 401 and reply.json() == {"detail": "未登录或会话已过期"}


def test_cases_list_and_detail(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s, two_person=True))
    http = sign_in(live_console.base_url, "shen")

    listing = http.get(f"{live_console.base_url}/api/cases", timeout=10).json()
    assert listing["total"] == 1 and listing["counts"]["pending"] == 1
    [summary] = listing["cases"]
    assert summary["id"] == held.id and summary["release_mode"] == "two-person"
    assert {c["id"] for c in summary["categories"]} == {"land", "personnel"}

    detail = http.get(f"{live_console.base_url}/api/cases/{held.id}", timeout=10).json()
    assert detail["raw_available"] is True and detail["scope_version"] == held.scope_version
    assert {"征地拆迁补偿方案", "拟提拔", "考察对象"} <= {f["rule"] for f in detail["findings"]}
    assert {f["category"] for f in detail["findings"]} == {"land", "personnel"}
    assert detail["events"][-1]["action"] == "viewed"
    assert (
        http.get(f"{live_console.base_url}/api/cases/Q20990101-ZZZZZZ", timeout=10).status_code
        == 404
    )


def test_actions_need_the_csrf_header(live_console: LiveConsole, sink: Sink) -> None:
    held = live_console.call(lambda s: insert_case(s))
    http = sign_in(live_console.base_url, "li")
    url = f"{live_console.base_url}/api/cases/{held.id}/release"

    refused = http.post(url, json={"reason": "同意"}, timeout=30)
    assert refused.status_code == 403
    done = http.post(
        url,
        json={"reason": "同意"},
        headers={"X-CSRF-Token": _me(http, live_console.base_url)},
        timeout=30,
    )
    assert done.status_code == 200 and done.json()["state"] == "released"
    assert len(sink.handler.delivered()) == 1


def test_rule_violations_are_409_with_the_reason(live_console: LiveConsole) -> None:
    held = live_console.call(lambda s: insert_case(s, two_person=True))
    http = sign_in(live_console.base_url, "li")
    token = _me(http, live_console.base_url)
    reply = http.post(
        f"{live_console.base_url}/api/cases/{held.id}/release",
        json={"reason": "同意"},
        headers={"X-CSRF-Token": token},
        timeout=30,
    )
    assert reply.status_code == 409 and "审核人" in reply.json()["detail"]


def test_two_person_release_through_the_api(live_console: LiveConsole, sink: Sink) -> None:
    held = live_console.call(lambda s: insert_case(s, two_person=True))
    for name, action, state in (("shen", "approve", "reviewed"), ("wang", "release", "released")):
        http = sign_in(live_console.base_url, name)
        reply = http.post(
            f"{live_console.base_url}/api/cases/{held.id}/{action}",
            json={"reason": f"{name} 同意"},
            headers={"X-CSRF-Token": _me(http, live_console.base_url)},
            timeout=30,
        )
        assert reply.json()["state"] == state
    assert len(sink.handler.delivered()) == 1
    # each half is audited with the officer, the API channel and the client's address
    auditor = sign_in(live_console.base_url, "auditor")
    entries = auditor.get(f"{live_console.base_url}/api/audit", timeout=10).json()["entries"]
    decisions = {(e["actor"], e["action"]): e["detail"] for e in entries if e["target"] == held.id}
    for key in (("shen", "approve"), ("wang", "release")):
        assert decisions[key]["channel"] == "api" and decisions[key]["client"] == "127.0.0.1"
    assert decisions[("wang", "release")]["reviewed_by"] == "shen"


def test_a_verdict_through_the_api(live_console: LiveConsole, sink: Sink) -> None:
    held = live_console.call(lambda s: insert_case(s, two_person=True))
    base = live_console.base_url
    http = sign_in(base, "shen")
    token = _me(http, base)
    bad = http.post(
        f"{base}/api/cases/{held.id}/reject",
        json={"reason": "x", "feedback": "false_positive", "wrong": ["land:term:无此词"]},
        headers={"X-CSRF-Token": token},
        timeout=30,
    )
    assert bad.status_code == 409 and "本案件没有命中 land:term:无此词" in bad.json()["detail"]
    unknown = http.post(
        f"{base}/api/cases/{held.id}/reject",
        json={"reason": "x", "feedback": "maybe"},
        headers={"X-CSRF-Token": token},
        timeout=30,
    )
    assert unknown.status_code == 422
    done = http.post(
        f"{base}/api/cases/{held.id}/reject",
        json={
            "reason": "拟提拔名单",
            "feedback": "false_positive",
            "wrong": ["land:term:征地拆迁补偿方案"],
        },
        headers={"X-CSRF-Token": token},
        timeout=30,
    )
    assert done.status_code == 200 and done.json()["state"] == "rejected"
    detail = http.get(f"{base}/api/cases/{held.id}", timeout=10).json()
    assert detail["feedback"] == "false_positive" and detail["feedback_by"] == "shen"
    assert detail["wrong_findings"] == ["land:term:征地拆迁补偿方案"]
    actions = [e["action"] for e in detail["events"]]
    assert actions.index("feedback") == actions.index("rejected") - 1


def test_statistics_are_for_officers_and_auditors(live_console: LiveConsole) -> None:
    live_console.call(lambda s: insert_case(s))
    base = live_console.base_url
    body = sign_in(base, "auditor").get(f"{base}/api/stats?kind=term", timeout=10).json()
    assert body["cases"] == 1 and body["kind"] == "term" and len(body["days"]) == 30
    rows = {r["key"]: r for r in body["rows"]}
    assert {r["kind"] for r in body["rows"]} == {"term"} and len(rows) > 1
    row = rows["land:term:征地拆迁补偿方案"]
    assert (row["holds"], row["fp_rate"]) == (1, None)
    assert (row["category"], row["category_name"]) == ("land", "征地拆迁")  # id kept, name beside

    officer = sign_in(base, "shen")
    bad = officer.get(f"{base}/api/stats?since=2026-13-01", timeout=10)
    assert bad.status_code == 400 and bad.json()["detail"].startswith("起始日期 不是日期")
    long = officer.get(f"{base}/api/stats?since=2020-01-01&until=2026-01-01", timeout=10)
    assert long.status_code == 400 and "最长" in long.json()["detail"]
    assert officer.get(f"{base}/api/stats?sort=size", timeout=10).status_code == 400
    csv_reply = officer.get(f"{base}/stats.csv", timeout=10)
    assert csv_reply.headers["content-type"].startswith("text/csv")
    assert csv_reply.content.startswith(b"\xef\xbb\xbfkind,key,category,category_name,rule,hits")
    assert "\r\nterm,land:term:征地拆迁补偿方案,land,征地拆迁,征地拆迁补偿方案," in csv_reply.text
    assert sign_in(base, "admin").get(f"{base}/api/stats", timeout=10).status_code == 403


def test_bulk_reject(live_console: LiveConsole, sink: Sink) -> None:
    ids = [live_console.call(lambda s: insert_case(s)).id for _ in range(3)]
    http = sign_in(live_console.base_url, "shen")
    reply = http.post(
        f"{live_console.base_url}/api/cases/bulk",
        json={"action": "reject", "case_ids": [*ids, "Q20990101-ZZZZZZ"], "reason": "含敏感内容"},
        headers={"X-CSRF-Token": _me(http, live_console.base_url)},
        timeout=60,
    )
    results = reply.json()
    assert [r["ok"] for r in results] == [True, True, True, False]
    assert len(sink.handler.notices()) == 3  # each sender told


def test_the_audit_api_is_for_auditors(live_console: LiveConsole) -> None:
    sign_in(live_console.base_url, "shen")
    http = sign_in(live_console.base_url, "auditor")
    entries = http.get(f"{live_console.base_url}/api/audit", timeout=10).json()
    assert entries["total"] >= 2 and entries["entries"][0]["action"] == "login"
    verify = http.get(f"{live_console.base_url}/api/audit/verify", timeout=10).json()
    assert verify["ok"] is True and verify["count"] == entries["total"]


def test_the_openapi_document_lists_the_endpoints(live_console: LiveConsole) -> None:
    anonymous = requests.get(f"{live_console.base_url}/api/openapi.json", timeout=10)
    assert anonymous.status_code == 401  # it maps the console: signed-in users only
    http = sign_in(live_console.base_url, "auditor")
    doc = http.get(f"{live_console.base_url}/api/openapi.json", timeout=10).json()
    assert {
        "/api/cases",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/{action}",
        "/api/cases/bulk",
        "/api/audit",
        "/api/audit/verify",
        "/api/me",
    } <= set(doc["paths"])


# -- schemathesis --------------------------------------------------------------------------------


def test_generated_requests_cause_no_server_error(live_console: LiveConsole) -> None:
    """Signed in as an officer, with the CSRF header: whatever is sent is never a 5xx."""
    live_console.call(lambda s: insert_case(s))
    live_console.call(lambda s: insert_case(s, two_person=True))
    http = sign_in(live_console.base_url, "li")
    token = _me(http, live_console.base_url)
    doc = http.get(f"{live_console.base_url}/api/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(doc)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=live_console.base_url,
                session=http,
                headers={"X-CSRF-Token": token},
                checks=[not_a_server_error],
            )

        check()


def test_paging_keeps_oldest_first_across_pages(live_console: LiveConsole) -> None:
    ids = [
        live_console.call(lambda s, d=d: insert_case(s, received_at=days_ago(d))).id
        for d in (5, 4, 3, 2, 1)
    ]
    http = sign_in(live_console.base_url, "shen")
    seen: list[str] = []
    for page in (1, 2, 3):
        body = http.get(
            f"{live_console.base_url}/api/cases?per_page=2&page={page}", timeout=10
        ).json()
        assert body["total"] == 5
        seen += [c["id"] for c in body["cases"]]
    assert seen == ids
