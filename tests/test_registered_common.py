"""The ordinary-mail corpus (issue 14, "fingerprints common to … a corpus of ordinary mail are
ignored"): text a registered document shares with the unit's ordinary mail never counts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.store.audit import load_key
from gateway.store.migrations import open_store
from gateway.store.registry import add_common, add_document, fingerprint_key
from tests.fixtures_smtp import GatewayFactory, Sink, make_settings, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.messages import message
from tests.support.registered import ORDINARY, PARAGRAPHS, SECRET_TEXT, STANDARD, docx_of
from tests.support.settings import SCOPE

PASSWORD = "a-good-password\n"


def test_text_in_the_ordinary_mail_corpus_never_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DLP_SCOPE_DIR", str(SCOPE))
    monkeypatch.delenv("DLP_DATABASE_URL", raising=False)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run(
        "user", "add", "wang", "--role", "approver", "--email", "wang@gov.example.cn",
        "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    assert code == 0, err
    officer = ("--actor", "wang", "--password-stdin")
    # the one registered report ends with the unit's standard notice (no other report to show
    # that the notice is boilerplate)
    secret = tmp_path / "资金缺口报告.docx"
    secret.write_bytes(docx_of([*SECRET_TEXT.split("\n"), STANDARD]))
    code, out, err = run(
        "register", "add", str(secret), "--category", "land", *officer, stdin=PASSWORD
    )
    assert code == 0, err

    notice = tmp_path / "notice.eml"
    notice.write_bytes(message(f"{ORDINARY}\n\n{STANDARD}"))
    leak = tmp_path / "leak.eml"
    leak.write_bytes(message(f"领导：摘录如下。\n{PARAGRAPHS[2]}\n\n{STANDARD}"))

    def scan(path: Path) -> tuple[int, list[str]]:
        code, out, _ = run("scan", "--format", "json", str(path))
        return code, [f["rule"] for f in json.loads(out)["findings"] if f["kind"] == "fingerprint"]

    code, rules = scan(notice)
    assert code == 1 and rules and rules[0].startswith("与登记文件《资金缺口报告》"), rules

    # the unit's ordinary mail: a folder of .eml and a document, all carrying the notice
    corpus = tmp_path / "ordinary"
    corpus.mkdir()
    for number, body in enumerate(
        ["请于周五前报送统计表。", "会议改到下午三点。", "附件为值班表。"]
    ):
        (corpus / f"{number}.eml").write_bytes(message(f"{body}\n\n{STANDARD}"))
    (corpus / "通知.docx").write_bytes(docx_of(["关于做好节日值班工作的通知", STANDARD]))
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not a document")
    code, out, err = run("register", "common", str(corpus), "--label", "办公室日常邮件", *officer,
                         stdin=PASSWORD)  # fmt: skip
    assert code == 0 and "4 files" in out and "1 unreadable files skipped" in out, (out, err)
    code, out, _ = run("register", "list")
    assert "\tcommon\t" in out and "办公室日常邮件" in out

    code, rules = scan(notice)
    assert code == 0 and not rules, rules  # the notice alone no longer matches
    code, rules = scan(leak)
    assert code == 1 and rules, rules  # the real leak still does

    common_id = next(line.split("\t")[0] for line in out.splitlines() if "\tcommon\t" in line)
    code, out, _ = run("register", "remove", common_id, *officer, stdin=PASSWORD)
    assert code == 0 and "办公室日常邮件" in out
    code, rules = scan(notice)
    assert code == 1 and rules

    code, _, err = run("register", "common", str(tmp_path / "missing"), *officer, stdin=PASSWORD)
    assert code == 2 and "no such file or directory" in err and err.count("\n") == 1


@pytest.mark.slow
async def test_over_smtp_the_corpus_text_passes_and_the_leak_is_held(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    settings = make_settings(tmp_path, upstream.port)
    key = fingerprint_key(load_key(settings))
    async with open_store(settings) as sessions:
        await add_document(
            sessions, key, text=f"{SECRET_TEXT}\n{STANDARD}", label="资金缺口报告",
            category="land", threshold=10, actor="approver",
        )  # fmt: skip
        await add_common(
            sessions, key, texts=[f"会议改到下午三点。\n{STANDARD}"], label="日常邮件",
            actor="approver",
        )  # fmt: skip
    gateway = await start_gateway(settings, inspector=None)
    notice = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(f"{ORDINARY}\n{STANDARD}"))
    assert notice.text.startswith("2.0.0 relayed"), notice
    leak = message(f"领导：摘录如下。\n{PARAGRAPHS[2]}\n\n{STANDARD}")
    held = await submit(gateway.smtp_port, SENDER, [EXTERNAL], leak)
    assert held.text.startswith("2.6.0 held for review as "), held
    await gateway.wait_background()
    assert len(upstream.to(EXTERNAL)) == 1
