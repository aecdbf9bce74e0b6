"""`dlp-gateway scope import|export`: the officers' 范围表 becomes tables that check and hold."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from gateway.cli import main
from tests.fixtures_matchers import ROOT

SAMPLE = ROOT / "docs" / "范围表示例.xlsx"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def write_eml(path: Path, body: str) -> Path:
    path.write_text(
        "From: a@unit.example\nTo: b@outside.example\nSubject: test\n"
        'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
        f"{body}\n",
        encoding="utf-8",
    )
    return path


def cell(text: str, merge: str | None = None) -> str:
    props = f'<w:tcPr><w:vMerge w:val="{merge}"/></w:tcPr>' if merge else ""
    if merge == "continue":
        props = "<w:tcPr><w:vMerge/></w:tcPr>"
    return f"<w:tc>{props}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def docx_table(rows: list[list[str]]) -> bytes:
    """A minimal Word document with one table; 类别 cells merged down (vMerge) like officers do."""
    body = "".join(f"<w:tr>{''.join(cells)}</w:tr>" for cells in rows)
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>'
        f"<w:p><w:r><w:t>工作秘密事项范围表</w:t></w:r></w:p><w:tbl>{body}</w:tbl>"
        "</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("word/document.xml", document)
    return out.getvalue()


def test_sample_xlsx_imports_checks_and_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tables"
    assert main(["scope", "import", str(SAMPLE), "--out", str(out)]) == 0
    printed, err = capsys.readouterr()
    assert err == ""  # every row of the shipped sample maps
    assert printed.endswith(f"3 tables; check them with: dlp-gateway scope check {out}\n")
    assert sorted(p.name for p in out.iterdir()) == [
        "land.toml",
        "personnel.toml",
        "public-security.toml",
    ]
    land = (out / "land.toml").read_text(encoding="utf-8")
    assert 'name = "征地拆迁"' in land  # the merged 类别 cell covers all three rows
    assert "事项：土地收储计划和出让底价；保密期限：挂牌出让前；知悉范围：土储中心、局党组" in land
    assert 'severity = "medium"' in land  # every row is 工作秘密
    security = (out / "public-security.toml").read_text(encoding="utf-8")
    assert 'severity = "high"' in security  # one row is 秘密
    assert main(["scope", "check", str(out)]) == 0
    capsys.readouterr()

    held = write_eml(tmp_path / "held.eml", "王局：东片区块的用地红线初稿附后，请审阅。")
    passed = write_eml(tmp_path / "passed.eml", "王局：明天上午的会改到三楼会议室。")
    assert main(["scan", "--scope", str(out), str(held)]) == 1
    assert "征地拆迁" in capsys.readouterr().out
    assert main(["scan", "--scope", str(out), str(passed)]) == 0


def test_row_without_keywords_uses_the_item_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tables"
    assert main(["scope", "import", str(SAMPLE), "--out", str(out)]) == 0
    message = write_eml(tmp_path / "m.eml", "请各派出所按群体性事件处置预案做好警力部署。")
    capsys.readouterr()
    assert main(["scan", "--scope", str(out), str(message)]) == 1
    assert "公安维稳" in capsys.readouterr().out


def test_docx_table_with_merged_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "范围表.docx"
    source.write_bytes(
        docx_table(
            [
                [cell("序号"), cell("事项"), cell("类别/密级"), cell("保密期限"), cell("关键词")],
                [
                    cell("1"),
                    cell("低保对象花名册"),
                    cell("个人信息", "restart"),
                    cell("长期"),
                    cell(""),
                ],
                [
                    cell("2"),
                    cell("救助对象银行账户"),
                    cell("", "continue"),
                    cell("长期"),
                    cell("救助账户"),
                ],
            ]
        )
    )
    out = tmp_path / "tables"
    assert main(["scope", "import", str(source), "--out", str(out)]) == 0
    assert capsys.readouterr().err == ""
    table = (out / "personal-data.toml").read_text(encoding="utf-8")
    assert "第3行 事项：救助对象银行账户" in table
    assert main(["scope", "check", str(out)]) == 0
    message = write_eml(tmp_path / "m.eml", "附件是上垟村低保对象花名册，请核对。")
    capsys.readouterr()
    assert main(["scan", "--scope", str(out), str(message)]) == 1


def test_bad_rows_are_reported_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "范围表.csv"
    rows = [
        "某局工作秘密事项范围表,,,",
        "序号,事项名称,类别,关键词",
        "1,干部考察材料,干部人事,考察材料",
        "2,未定类别的事项,,",
        "3,,干部人事,",
        "4,某事项,干部人事,甲",
    ]
    source.write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))  # Excel's CSV on Windows
    out = tmp_path / "tables"
    assert main(["scope", "import", str(source), "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{source}:4: no 类别 or 密级: row skipped (未定类别的事项)",
        f"{source}:5: no 事项 and no 关键词: row skipped",
        f"{source}:6: keywords too short to match, dropped: 甲",
    ]
    assert main(["scope", "check", str(out)]) == 0


def test_file_without_header_row_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "notes.csv"
    source.write_text("会议记录\n今天讨论了范围表\n", encoding="utf-8")
    assert main(["scope", "import", str(source), "--out", str(tmp_path / "t")]) == 2
    assert capsys.readouterr().err == (
        f"dlp-gateway: {source}: no header row with a 事项 column in the first 20 rows\n"
    )
    assert not (tmp_path / "t").exists()


def test_never_overwrites_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    mine = out / "land.toml"
    mine.write_text("# the officer's own edits\n", encoding="utf-8")
    assert main(["scope", "import", str(SAMPLE), "--out", str(out)]) == 2
    assert "would overwrite land.toml (use --force)" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "# the officer's own edits\n"
    assert sorted(p.name for p in out.iterdir()) == ["land.toml"]  # nothing half-written
    assert main(["scope", "import", str(SAMPLE), "--out", str(out), "--force"]) == 0
    assert 'id = "land"' in mine.read_text(encoding="utf-8")


def test_export_writes_a_readable_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "tables.xlsx"
    assert main(["scope", "export", str(ROOT / "config" / "scope"), "--out", str(target)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {target}: 6 tables, ")
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["序号", "类别", "类别代码", "规则", "关键词"]
    assert any(r[1] == "征地拆迁" and r[3] == "词语" for r in rows[1:])
    assert main(["scope", "export", str(ROOT / "config" / "scope"), "--out", str(target)]) == 2
    assert "exists (use --force to overwrite)" in capsys.readouterr().err
