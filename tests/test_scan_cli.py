"""`dlp-gateway scan`: DESIGN's JSON Lines contract, text output, exit codes, one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gateway.cli import main
from tests.support.messages import multipart_message as message

JSON_KEYS = {
    "path",
    "verdict",
    "categories",
    "findings",
    "unscannable",
    "scope_version",
    "suppressed",
}  # DESIGN's keys, and the discounted hits (issue 9)


def _gb2312_mail(subject: str, body: str) -> bytes:
    """Raw 8-bit GB2312 subject (no RFC 2047), body labelled gb2312 — as old clients send."""
    return (
        b"From: a@example.gov.cn\r\nTo: b@example.com\r\nSubject: "
        + subject.encode("gb2312")
        + b"\r\nContent-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + body.encode("gbk")
    )


def _scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_follow_design_exactly(
    tmp_path: Path, scope_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    held = tmp_path / "held.eml"
    held.write_bytes(_gb2312_mail("干部调整方案", "请审阅附件中的拟提拔名单。"))
    clean = tmp_path / "clean.eml"
    clean.write_bytes(_gb2312_mail("周五例会", "会议改到下午三点。"))
    code, out, err = _scan(
        capsys, "--scope", str(scope_dir), "--format", "json", str(held), str(clean)
    )
    assert code == 1 and err == ""
    first, second = (json.loads(line) for line in out.splitlines())
    assert set(first) == JSON_KEYS and set(second) == JSON_KEYS
    assert first["path"] == str(held) and first["verdict"] == "quarantine"
    (personnel,) = [c for c in first["categories"] if c["id"] == "personnel"]
    assert set(personnel) == {"id", "name", "score", "threshold", "action", "explain"}
    assert personnel["explain"].endswith(f"= {personnel['score']}")  # the score as a short sum
    assert personnel["name"] == "干部人事" and personnel["score"] >= personnel["threshold"]
    finding = next(f for f in first["findings"] if f["location"] == "主题")
    assert set(finding) == {  # DESIGN keys, plus the rule and its weight (docs)
        "category",
        "kind",
        "rule",
        "match",
        "location",
        "start",
        "end",
        "weight",
        "context",
    }
    assert finding["match"] == "干部调整方案"[finding["start"] : finding["end"]]
    assert first["unscannable"] == []
    assert len(first["scope_version"]) == 64
    assert second["verdict"] == "pass" and second["findings"] == [] and second["categories"] == []


def test_an_exclude_word_does_not_silence_a_plan_and_discounted_hits_are_shown(
    tmp_path: Path, scope_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evasion = tmp_path / "evasion.txt"
    evasion.write_text("新闻稿\n附件：某村征地拆迁补偿方案（内部讨论稿）", encoding="utf-8")
    news = tmp_path / "news.txt"
    news.write_text("新闻稿：今年我区拆迁工作进展顺利。", encoding="utf-8")
    code, out, _ = _scan(
        capsys, "--scope", str(scope_dir), "--format", "json", str(evasion), str(news)
    )
    held, passed = (json.loads(line) for line in out.splitlines())
    assert code == 1 and held["verdict"] == "quarantine"
    assert passed["verdict"] == "pass"
    [hit] = [s for s in passed["suppressed"] if s["match"] == "拆迁"]
    assert hit["suppressed_by"] == "新闻稿" and hit["category"] == "land"


def test_all_clean_exits_zero(
    tmp_path: Path, scope_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(message(body="明天上午九点在三楼会议室开会。"))
    code, out, _ = _scan(capsys, "--scope", str(scope_dir), str(path))
    assert code == 0
    assert out.splitlines()[0] == f"{path}: PASS"


def test_text_output_marks_the_hit_and_scores(
    tmp_path: Path, scope_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(message(body="附件是本次干部调整方案，请勿外传。"))
    code, out, _ = _scan(capsys, "--scope", str(scope_dir), str(path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{path}: QUARANTINE"
    assert any(
        line.startswith("  category 干部人事 (personnel): score ") and "/ threshold 100" in line
        for line in lines
    )
    assert "  finding [干部人事/term] 正文: 附件是本次【干部调整】方案，请勿外传。" in lines


def test_single_document_is_scanned_by_content_with_its_location(
    tmp_path: Path, scope_dir: Path, extract_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "名单.xlsx"
    shutil.copy(extract_data / "lo-roster.xlsx", path)
    code, out, _ = _scan(capsys, "--scope", str(scope_dir), "--format", "json", str(path))
    result = json.loads(out)
    assert code == 1 and result["verdict"] == "quarantine"
    assert {f["location"] for f in result["findings"]} == {"名单.xlsx › 工作表 名单"}


def test_encrypted_document_is_held_with_its_reason(
    tmp_path: Path, scope_dir: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "报告.docx"
    shutil.copy(corpus / "poi/test-data/poifs/protected_agile.docx", path)
    code, out, _ = _scan(capsys, "--scope", str(scope_dir), str(path))
    assert code == 1
    assert "  unscannable 报告.docx: encrypted — Office 文档已加密（需要密码）" in out.splitlines()


@pytest.mark.parametrize(
    "rel",
    [
        "spamassassin/t/data/nice/cjk/gb2312.1",  # raw 8-bit GB2312 subject
        "spamassassin/t/data/nice/cjk/gb2312.2",
        "spamassassin/t/data/nice/cjk/big5-base64.1",  # Big5
        "mail-parser/tests/mails/mail_test_12",  # UTF-8 body labelled gb2312
    ],
)
def test_ordinary_chinese_corpus_mail_passes(
    tmp_path: Path, scope_dir: Path, corpus: Path, capsys: pytest.CaptureFixture[str], rel: str
) -> None:
    path = tmp_path / "mail.eml"
    shutil.copy(corpus / rel, path)
    code, out, _ = _scan(capsys, "--scope", str(scope_dir), "--format", "json", str(path))
    result = json.loads(out)
    assert (code, result["verdict"], result["unscannable"]) == (0, "pass", [])


def test_unreadable_input_is_one_line_and_exit_2(
    tmp_path: Path, scope_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.eml"
    code, out, err = _scan(capsys, "--scope", str(scope_dir), str(missing))
    assert (code, out) == (2, "")
    assert err == f"dlp-gateway: {missing}: cannot read (No such file or directory)\n"


def test_bad_scope_table_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.toml").write_text(
        'id = "x"\nname = "坏表"\nthreshold = "high"\n', encoding="utf-8"
    )
    path = tmp_path / "a.eml"
    path.write_bytes(message())
    code, out, err = _scan(capsys, "--scope", str(tmp_path), str(path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"dlp-gateway: {tmp_path / 'bad.toml'}:") and "threshold" in err


def test_scope_defaults_to_the_settings_scope_dir(
    tmp_path: Path,
    scope_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DLP_SCOPE_DIR", str(scope_dir))
    path = tmp_path / "a.eml"
    path.write_bytes(message(body="征地拆迁补偿方案（内部讨论稿）"))
    code, out, _ = _scan(capsys, "--format", "json", str(path))
    assert code == 1 and json.loads(out)["verdict"] == "quarantine"
