"""The 登记文件 page's data-set upload (issue 14): a roster is read, only its header row is shown
with a column-kind choice, and the chosen columns are registered — approvers and admins only,
with a CSRF token, audited, in Chinese."""

from __future__ import annotations

import io
import re
from typing import Any

from gateway.console.register_pages import guess_kind
from tests.fixtures_console import LiveConsole, csrf_of, sign_in
from tests.support.registered import ROSTER_HEADER, csv_of, roster

ROSTER = roster(3)


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_guessed_column_kinds() -> None:
    assert [guess_kind(h) for h in [*ROSTER_HEADER, "工号", "备注"]] == [
        "name", "id", "mobile", "address", "staff", "",
    ]  # fmt: skip


def test_an_approver_uploads_a_roster_chooses_columns_and_removes_it(
    live_console: LiveConsole,
) -> None:
    base = live_console.base_url
    reviewer = sign_in(base, "shen")
    upload = {"file": ("低保名册.csv", csv_of(ROSTER), "text/csv")}
    fields = {"category": "personnel", "min_rows": "2", "label": "东湖街道低保名册"}
    assert reviewer.post(f"{base}/registered/data", files=upload, timeout=30).status_code == 403

    http = sign_in(base, "li")  # an approver
    token = csrf_of(http.get(f"{base}/registered", timeout=10).text)
    refused = http.post(f"{base}/registered/data", data=fields, files=upload, timeout=30)
    assert refused.status_code == 403  # no CSRF token
    wrong = http.post(
        f"{base}/registered/data",
        data={**fields, "csrf_token": token},
        files={"file": ("名册.txt", b"a,b\n1,2\n", "text/plain")},
        timeout=30,
    )
    assert wrong.status_code == 400 and "请上传 .xlsx 或 .csv 文件" in wrong.text
    header_only = http.post(
        f"{base}/registered/data",
        data={**fields, "csrf_token": token},
        files={"file": ("名册.csv", "姓名,身份证号\n".encode(), "text/csv")},
        timeout=30,
    )
    assert header_only.status_code == 400 and "至少有一行数据" in header_only.text

    preview = http.post(
        f"{base}/registered/data",
        data={**fields, "csrf_token": token},
        files={"file": ("低保名册.xlsx", _xlsx([*ROSTER_HEADER, "备注"], ROSTER), "x")},
        timeout=30,
    )
    assert preview.status_code == 200 and "共 20 行数据" in preview.text
    for name in ROSTER_HEADER:
        assert f'<td class="column-header">{name}</td>' in preview.text
    for value in ROSTER[0]:  # never more than the header row
        assert value not in preview.text
    selected = re.findall(r'<option value="(\w*)" selected>', preview.text)
    assert selected == ["name", "id", "mobile", "address", ""]
    pending = re.search(r'name="pending" value="([^"]+)"', preview.text)
    assert pending

    # another officer's session cannot use this upload
    other = sign_in(base, "wang")
    stolen = other.post(
        f"{base}/registered/data/confirm",
        data={
            "csrf_token": csrf_of(other.get(f"{base}/registered", timeout=10).text),
            "pending": pending.group(1),
            "kind_0": "name",
            "kind_1": "id",
        },
        timeout=30,
    )
    assert stolen.status_code == 400 and "已过期或已处理" in stolen.text

    # register name, ID number and address (the mobile column left out)
    done = http.post(
        f"{base}/registered/data/confirm",
        data={
            "csrf_token": token,
            "pending": pending.group(1),
            "kind_0": "name",
            "kind_1": "id",
            "kind_2": "",
            "kind_3": "address",
            "kind_4": "",
        },
        timeout=30,
    )
    assert done.status_code == 200 and "《东湖街道低保名册》" in done.text
    assert "20 行（姓名、身份证号、住址）" in done.text and "2 行" in done.text
    found = re.search(r"<code>(E\d{8}-\w{6})</code>", done.text)
    assert found
    again = http.post(
        f"{base}/registered/data/confirm",
        data={"csrf_token": token, "pending": pending.group(1), "kind_0": "name"},
        timeout=30,
    )
    assert again.status_code == 400 and "已过期或已处理" in again.text  # used once

    entries = live_console.call(lambda s: _audit(s))
    [(actor, details)] = [(a, d) for a, act, t, d in entries if act == "register_data"]
    assert actor == "li" and details["channel"] == "console" and details["rows"] == 20
    assert details["kinds"] == "name,id,address"
    for value in ROSTER[0]:
        assert value not in str(entries)

    gone = http.post(
        f"{base}/registered/{found.group(1)}/remove", data={"csrf_token": token}, timeout=10
    )
    assert gone.status_code == 200 and "尚未登记任何文件或数据" in gone.text


async def _audit(sessions: Any) -> list[tuple[str, str, str, Any]]:
    from sqlalchemy import select

    from gateway.store.models import AuditEntry

    async with sessions() as session:
        rows = await session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.detail)
        )
        return [(r.actor, r.action, r.target, r.detail) for r in rows]


def test_refusals_are_one_chinese_line(live_console: LiveConsole) -> None:
    base = live_console.base_url
    http = sign_in(base, "admin")
    token = csrf_of(http.get(f"{base}/registered", timeout=10).text)
    short = http.post(
        f"{base}/registered",
        data={"csrf_token": token, "category": "land", "threshold": "10"},
        files={"file": ("便条.txt", "下午开会。".encode(), "text/plain")},
        timeout=30,
    )
    assert short.status_code == 400 and "《便条》的文字太少，无法登记" in short.text
    unknown = http.post(
        f"{base}/registered/D20260101-XXXXXX/remove", data={"csrf_token": token}, timeout=10
    )
    assert unknown.status_code == 404 and "没有编号为 D20260101-XXXXXX 的登记" in unknown.text
    typo = http.post(
        f"{base}/registered/data",
        data={"csrf_token": token, "category": "lnad", "min_rows": "3"},
        files={"file": ("名册.csv", "姓名,工号\n张三,ZG1\n".encode(), "text/csv")},
        timeout=30,
    )
    assert typo.status_code == 400 and "请选择范围表中的一个类别" in typo.text
