"""Registered secrets (issue 14): documents and rosters registered in the store as keyed hashes,
found in leaked mail whatever its form, over real SMTP into the real quarantine."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.cli.register import document_text
from gateway.console.highlight import highlight_segments
from gateway.errors import StoreError
from gateway.inspection import inspect_message
from gateway.registered import Registrations
from gateway.service import Gateway
from gateway.settings import Settings
from gateway.store.audit import load_key
from gateway.store.cases import case_with_timeline
from gateway.store.migrations import open_store
from gateway.store.registry import (
    add_common,
    add_dataset,
    add_document,
    fingerprint_key,
    load_registrations,
    registry_version,
    remove,
)
from matchers.engine import Engine
from matchers.scope import load_scope
from tests.fixtures_console import LiveConsole, csrf_of, sign_in
from tests.fixtures_smtp import GatewayFactory, Sink, make_settings, message, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.registered import (
    FOOTER,
    HEADER,
    ORDINARY,
    PARAGRAPHS,
    ROSTER_HEADER,
    SAME_TOPIC,
    SECRET_SENTENCE,
    SECRET_TEXT,
    TITLE,
    csv_of,
    docx_of,
    other_report,
    pdf_of,
    roster,
    scan_png,
    traditional,
)
from tests.support.settings import SCOPE

ROSTER = roster(1)
LABEL = "北部片区资金缺口报告"
DATA_LABEL = "东湖街道低保名册"


async def register_all(settings: Settings, tmp_path: Path) -> None:
    """The secret report (from its docx, read by the gateway's own extraction), six other
    reports of the unit sharing its boilerplate, and the 低保 roster."""
    source = tmp_path / "secret.docx"
    source.write_bytes(docx_of(SECRET_TEXT.split("\n")))
    key = fingerprint_key(load_key(settings))
    async with open_store(settings) as sessions:
        await add_document(
            sessions,
            key,
            text=document_text(source, settings),
            label=LABEL,
            category="land",
            threshold=10,
            actor="approver",
        )
        for seed in range(6):
            await add_document(
                sessions,
                key,
                text=other_report(seed),
                label=f"其他报告{seed}",
                category="land",
                threshold=10,
                actor="approver",
            )
        await add_dataset(
            sessions,
            key,
            label=DATA_LABEL,
            category="personnel",
            columns=ROSTER_HEADER,
            rows=ROSTER,
            min_rows=3,
            actor="approver",
        )


async def loaded(settings: Settings) -> Registrations:
    async with open_store(settings) as sessions:
        return await load_registrations(sessions, fingerprint_key(load_key(settings)))


def leaks() -> dict[str, tuple[str, tuple[str, bytes, str] | None]]:
    """Every leaked form of the secret and the roster: (body, attachment)."""
    body_rows = "\n".join("，".join(row) for row in ROSTER[4:7])
    return {
        "pdf": ("请查收。", ("报告.pdf", pdf_of(SECRET_TEXT), "application/pdf")),
        "excerpt": (f"领导：摘录如下。\n{PARAGRAPHS[0]}\n{PARAGRAPHS[2]}\n", None),
        "reordered": (
            "\n".join([PARAGRAPHS[3], PARAGRAPHS[0], PARAGRAPHS[2], PARAGRAPHS[1]]),
            None,
        ),
        "traditional": (traditional("\n".join(PARAGRAPHS[1:4])), None),
        "scan": ("扫描件见附件。", ("扫描.png", scan_png("\n".join(PARAGRAPHS[:3])), "image/png")),
        "roster_csv": ("名单见附件。", ("名单.csv", csv_of(ROSTER[:5]), "text/csv")),
        "roster_body": (f"核对以下人员：\n{body_rows}\n", None),
        "roster_docx": (
            "见附件。",
            (
                "核查.docx",
                docx_of(["核查对象"], [ROSTER_HEADER, *ROSTER[10:13]]),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        ),
    }


def innocent() -> dict[str, str]:
    # another list of residents, names and addresses only: not the registered one, and no
    # personal number for the personal-data table to read (three whole records hold there)
    other_roster = "\n".join(f"{row[0]}，{row[3]}" for row in roster(99, 4))
    return {
        "ordinary": ORDINARY,
        "same_topic": SAME_TOPIC,
        "boilerplate": f"{HEADER}\n关于召开安全生产会议的通知\n请准时参加。\n{FOOTER}",
        "other_roster": f"名单：\n{other_roster}",
    }


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Engine]]:
    tmp_path = tmp_path_factory.mktemp("registered")
    settings = make_settings(tmp_path, None)
    asyncio.run(register_all(settings, tmp_path))
    yield settings, Engine.compile(load_scope(SCOPE))


def test_every_leaked_form_is_found_and_look_alikes_are_not(
    registered: tuple[Settings, Engine],
) -> None:
    settings, engine = registered
    registrations = asyncio.run(loaded(settings))
    assert registrations.version
    for name, (body, attachment) in leaks().items():
        result = inspect_message(
            message(body, attachment=attachment), engine, settings.limits, registrations
        )
        kinds = {f.kind for f in result.decision.findings}
        expected = "exact_data" if name.startswith("roster") else "fingerprint"
        assert expected in kinds, (name, result.decision)
        assert result.decision.verdict.value == "quarantine", name
    for name, body in innocent().items():
        result = inspect_message(message(body), engine, settings.limits, registrations)
        kinds = {f.kind for f in result.decision.findings}
        assert not kinds & {"fingerprint", "exact_data"}, (name, result.decision.findings)


def database_bytes(settings: Settings) -> bytes:
    """The SQLite database file and its write-ahead log, as a thief would copy them."""
    path = Path(settings.effective_database_url.split("///", 1)[1])
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_the_store_holds_no_registered_text(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, None)
    await register_all(settings, tmp_path)
    stored = database_bytes(settings)
    assert stored  # the registrations are in this file
    for text in (SECRET_SENTENCE, TITLE, ROSTER[0][1], ROSTER[0][0] + "，"):
        for encoding in ("utf-8", "utf-16-le", "utf-32-le", "gb18030"):
            assert text.encode(encoding) not in stored, (text, encoding)
    assert LABEL.encode() in stored  # what is kept: the label officers see


@pytest.mark.slow
async def test_leaks_are_held_over_smtp_with_the_overlap_shown(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    settings = make_settings(tmp_path, upstream.port)
    await register_all(settings, tmp_path)
    gateway: Gateway = await start_gateway(settings, inspector=None, scope_poll_seconds=0.3)
    assert gateway.sessionmaker is not None
    for name, (body, attachment) in leaks().items():
        raw = message(body, attachment=attachment)
        answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], raw)
        assert answer.text.startswith("2.6.0 held for review as "), (name, answer)
        case = await case_with_timeline(gateway.sessionmaker, answer.text.rsplit(" ", 1)[1])
        assert case is not None
        evidence = [f for f in case.findings if f["kind"] in ("fingerprint", "exact_data")]
        assert evidence, name
        if name.startswith("roster"):
            assert evidence[0]["rule"].startswith(f"与登记数据《{DATA_LABEL}》的 "), evidence
            assert all(f["match"] == "" for f in evidence)  # never the values
        else:
            assert evidence[0]["rule"].startswith(f"与登记文件《{LABEL}》重合 "), evidence
            assert any(len(f["match"]) >= 19 for f in evidence)  # the overlapping passage
            if name == "excerpt":  # the case page marks the passage in the body
                marked = "".join(str(h) for h in highlight_segments(case.segments, case.findings))
                assert re.search(
                    r'<mark class="hit" title="land">[^<]*缺口约三亿七千六百万元',
                    marked,
                )
        assert case.scope_version != load_scope(SCOPE).version  # includes the registrations
    for name, body in innocent().items():
        answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(body))
        assert answer.text.startswith("2.0.0 relayed"), (name, answer)
    await gateway.wait_background()
    assert len(upstream.to(EXTERNAL)) == len(innocent())

    # removing the roster takes effect without restart
    assert gateway.inspector is not None
    async with open_store(settings) as sessions:
        listed = await load_registrations(sessions, fingerprint_key(load_key(settings)))
        assert listed.data is not None
        await remove(sessions, listed.data.sets[0].id, "approver")
    before = gateway.inspector.version
    for _ in range(300):  # the next poll (0.3 s) starts a new generation of workers
        if gateway.inspector.version != before:
            break
        await asyncio.sleep(0.1)
    assert gateway.inspector.version != before
    body, _ = leaks()["roster_body"]
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(body))
    # three residents' whole records are personal data for the default tables on their own
    # (issue 9); what the removal takes away is the registered data's evidence
    assert answer.text.startswith("2.6.0 held for review as "), answer
    case = await case_with_timeline(gateway.sessionmaker, answer.text.rsplit(" ", 1)[1])
    assert case is not None
    assert not [f for f in case.findings if f["kind"] in ("fingerprint", "exact_data")]
    assert "personal-data" in {f["category"] for f in case.findings}


def test_cli_register_list_scan_remove(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import json

    from gateway.cli import main

    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DLP_SCOPE_DIR", str(SCOPE))
    monkeypatch.delenv("DLP_DATABASE_URL", raising=False)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    for name, role in (("wang", "approver"), ("li", "reviewer")):
        code, _, err = run(
            "user", "add", name, "--role", role, "--email", f"{name}@gov.example.cn",
            "--password-stdin", stdin="a-good-password\n",
        )  # fmt: skip
        assert code == 0, err
    secret = tmp_path / "资金缺口报告.docx"
    secret.write_bytes(docx_of(SECRET_TEXT.split("\n")))
    names = tmp_path / "名册.csv"
    names.write_bytes(csv_of(ROSTER))
    officer = ("--actor", "wang", "--password-stdin")
    code, out, err = run(
        "register", "add", str(secret), "--category", "land", "--threshold", "15%", *officer,
        stdin="a-good-password\n",
    )  # fmt: skip
    assert code == 0 and "《资金缺口报告》" in out and "threshold 15%" in out, (out, err)
    code, out, err = run(
        "register", "data", str(names), "--category", "personnel",
        "--columns", "姓名,身份证号", "手机号", "--label", DATA_LABEL, *officer,
        stdin="a-good-password\n",
    )  # fmt: skip
    assert code == 0 and "20 rows" in out, (out, err)
    # a reviewer may not register; a wrong column name is one line
    code, out, err = run(
        "register", "add", str(secret), "--category", "land", "--actor", "li",
        "--password-stdin", stdin="a-good-password\n",
    )  # fmt: skip
    assert code == 2 and "无权登记文件" in err and err.count("\n") == 1
    code, _, err = run(
        "register", "data", str(names), "--category", "personnel", "--columns", "工号",
        *officer, stdin="a-good-password\n",
    )  # fmt: skip
    assert code == 2 and "no column '工号'" in err and err.count("\n") == 1

    code, _, err = run(
        "register", "add", str(secret), "--category", "lnad", *officer,
        stdin="a-good-password\n",
    )  # fmt: skip
    assert code == 2 and "'lnad' is not a scope category" in err and err.count("\n") == 1
    code, out, _ = run("register", "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 and "\tdocument\tland\t15%" in lines[0]

    leaked = tmp_path / "leak.pdf"
    leaked.write_bytes(pdf_of("\n".join(PARAGRAPHS[:3])))
    code, out, _ = run("scan", "--format", "json", str(leaked))
    kinds = {f["kind"] for f in json.loads(out)["findings"]}
    assert code == 1 and "fingerprint" in kinds, out

    document_id = lines[0].split("\t")[0]
    code, out, _ = run("register", "remove", document_id, *officer, stdin="a-good-password\n")
    assert code == 0 and "removed (资金缺口报告)" in out
    code, out, _ = run("register", "list")
    assert len(out.splitlines()) == 1


def test_console_page_registers_lists_and_removes(live_console: LiveConsole) -> None:
    base = live_console.base_url
    reviewer = sign_in(base, "shen")
    assert reviewer.get(f"{base}/registered", timeout=10).status_code == 403
    http = sign_in(base, "li")  # an approver
    page = http.get(f"{base}/registered", timeout=10)
    assert page.status_code == 200 and "尚未登记任何文件或数据" in page.text
    assert 'href="/registered"' in page.text  # in the navigation
    token = csrf_of(page.text)
    upload = {"file": ("资金缺口报告.pdf", pdf_of(SECRET_TEXT), "application/pdf")}
    refused = http.post(
        f"{base}/registered",
        data={"category": "land", "threshold": "10"},
        files=upload,
        timeout=60,
    )  # no CSRF token
    assert refused.status_code == 403
    bad = http.post(
        f"{base}/registered",
        data={"csrf_token": token, "category": "land", "threshold": "150"},
        files=upload,
        timeout=60,
    )
    assert bad.status_code == 400 and "阈值应为 1 到 100" in bad.text
    done = http.post(
        f"{base}/registered",
        data={"csrf_token": token, "category": "land", "threshold": "12", "label": LABEL},
        files=upload,
        timeout=60,
    )
    assert done.status_code == 200 and f"《{LABEL}》" in done.text and "12%" in done.text
    assert SECRET_SENTENCE not in done.text
    found = re.search(r"<code>(D\d{8}-\w{6})</code>", done.text)
    assert found
    entries = live_console.call(lambda s: _audit_actions(s))
    assert ("li", "register_document", found.group(1)) in entries
    gone = http.post(
        f"{base}/registered/{found.group(1)}/remove", data={"csrf_token": token}, timeout=10
    )
    assert gone.status_code == 200 and "尚未登记任何文件或数据" in gone.text
    entries = live_console.call(lambda s: _audit_actions(s))
    assert ("li", "unregister", found.group(1)) in entries


async def _audit_actions(sessions: Any) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from gateway.store.models import AuditEntry

    async with sessions() as session:
        rows = await session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.target))
        return [(r.actor, r.action, r.target) for r in rows]


async def test_registry_round_trip_on_sqlite_and_postgres(store: Any) -> None:
    key = fingerprint_key(b"k" * 32)
    assert await registry_version(store) == ""
    document = await add_document(
        store, key, text=SECRET_TEXT, label=LABEL, category="land", threshold=10, actor="li"
    )
    data = await add_dataset(
        store, key, label=DATA_LABEL, category="personnel", columns=ROSTER_HEADER,
        rows=ROSTER, min_rows=3, actor="li",
    )  # fmt: skip
    version = await registry_version(store)
    registrations = await load_registrations(store, key)
    assert registrations.version == version != ""
    assert registrations.documents is not None and registrations.data is not None
    found = registrations.documents.match(PARAGRAPHS[2])
    assert [m.id for m in found] == [document.id]
    rows = "\n".join(" ".join(row) for row in ROSTER[:3])
    assert [m.rows for m in registrations.data.match(rows)] == [3]
    # an ordinary-mail corpus holding the paragraph: it no longer counts, and the version moves
    common = await add_common(
        store, key, texts=[f"{ORDINARY}\n{PARAGRAPHS[2]}"], label="日常邮件", actor="li"
    )
    assert common.files == 1 and common.fingerprints > 100
    assert await registry_version(store) not in ("", version)
    stopped = (await load_registrations(store, key)).documents
    assert stopped is not None and stopped.match(PARAGRAPHS[2]) == []
    assert await remove(store, common.id, "li") == "日常邮件"
    assert await registry_version(store) == version
    assert await remove(store, data.id, "li") == DATA_LABEL
    assert await registry_version(store) not in ("", version)
    with pytest.raises(StoreError, match="no registration"):
        await remove(store, data.id, "li")
    with pytest.raises(StoreError, match="too little text"):
        await add_document(
            store, key, text="短句", label="x", category="land", threshold=10, actor="li"
        )
