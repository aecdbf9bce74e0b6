"""The officers' 范围表 (xlsx, docx or csv) ↔ scope tables (TOML), both ways.

Import reads the unit's 工作秘密事项范围表 as officers keep it — a header row somewhere near
the top (序号, 事项, 类别/密级, 保密期限, 知悉范围, 关键词, with the usual variants of the
names), merged cells, titles and notes around the table — and turns every row into scope
rules, one table per 类别:

* terms from the 关键词 column when it has any (weight 100: an officer chose them);
* otherwise the 事项 text itself (weight 100) and its phrases (weight 50, so two of them must
  meet), split at punctuation and conjunctions, generic words dropped;
* a comment above each rule with the row's 事项, 保密期限 and 知悉范围.

Rows it cannot map are reported one per line, ``file:row: problem``. The tables are written
to a temporary directory and loaded with :func:`matchers.scope.load_scope` before anything is
moved into place, so what is written always passes ``scope check``.

Export writes the current tables back into an xlsx an officer can read: one row per rule.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree

from matchers.errors import DlpError
from matchers.scope import ScopeSet, load_scope, squeeze

# header names as units write them (compared after removing spaces and line breaks)
COLUMNS: dict[str, tuple[str, ...]] = {
    "item": (
        "工作秘密事项",
        "国家秘密事项",
        "事项名称",
        "具体事项",
        "事项内容",
        "秘密事项",
        "事项",
    ),
    "category": ("事项类别", "所属类别", "类别", "分类", "类型"),
    "level": ("密级", "秘密等级", "保密等级", "定密等级"),
    "period": ("保密期限", "期限"),
    "scope": ("知悉范围", "知悉人员范围"),
    "keywords": ("关键词", "关键字", "检索词", "敏感词", "检测词"),
}
HEADER_SEARCH_ROWS = 20
KNOWN_IDS = {
    "干部人事": "personnel",
    "组织人事": "personnel",
    "人事": "personnel",
    "公安维稳": "public-security",
    "社会治安": "public-security",
    "维稳": "public-security",
    "信访维稳": "public-security",
    "征地拆迁": "land",
    "土地征收": "land",
    "自然资源": "land",
    "国家秘密": "state-secret",
    "工作秘密": "work-secret",
    "个人信息": "personal-data",
    "民政": "civil-affairs",
    "应急": "emergency",
    "应急管理": "emergency",
    "财政": "finance",
}
SEVERITY = {"绝密": "critical", "机密": "high", "秘密": "high", "工作秘密": "medium"}
# split 事项 text into phrases at punctuation and conjunctions
SPLIT = re.compile(
    r"[\s，,。．.、；;：:（）()【】\[\]《》<>“”\"'‘’/／]+|(?:及其|以及|及|和|与|或者|或|等)"
)
GENERIC = {
    "情况", "工作", "有关", "相关", "事项", "材料", "内容", "信息", "资料", "文件", "方面",
    "问题", "意见", "其他", "以及", "过程", "阶段", "尚未", "未", "前", "中", "的",
}  # fmt: skip
KEYWORD_SPLIT = re.compile(r"[\s，,、;；/／|]+")
MIN_PHRASE, MAX_PHRASE, MAX_WHOLE = 3, 16, 30


class ImportProblem(DlpError):
    """The file as a whole cannot be imported (unreadable, no header row, nothing mapped)."""


@dataclass(slots=True)
class Rule:
    row: int
    item: str
    period: str
    scope: str
    strong: list[str]
    weak: list[str]


@dataclass(slots=True)
class Table:
    id: str
    name: str
    level: str = ""
    rules: list[Rule] = field(default_factory=list)


@dataclass(slots=True)
class ImportResult:
    written: list[Path]
    problems: list[str]  # "file:row: problem"


# -- reading the officers' file ------------------------------------------------------------------


def read_rows(path: Path) -> list[list[str]]:
    """Every row of the first table-like sheet, merged cells filled with their value."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(f"{path}: cannot read: {exc.strerror}") from None
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _xlsx_rows(data)
        if suffix == ".docx":
            return _docx_rows(data)
        if suffix == ".csv":
            return _csv_rows(data)
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError) as exc:
        raise ImportProblem(f"{path}: not a readable {suffix[1:]} file ({exc})") from None
    raise ImportProblem(f"{path}: unsupported file type (use .xlsx, .docx or .csv)")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    best: list[list[str]] = []
    for sheet in book.worksheets:
        grid = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:  # a merged 类别 cell covers its rows
            value = _cell(sheet.cell(merged.min_row, merged.min_col).value)
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r - 1 < len(grid) and c - 1 < len(grid[r - 1]):
                        grid[r - 1][c - 1] = value
        if _header_index(grid) is not None:
            return grid
        best = best or grid
    return best


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_rows(data: bytes) -> list[list[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = ElementTree.fromstring(package.read("word/document.xml"))
    tables = []
    for table in root.iter(f"{W}tbl"):
        rows: list[list[str]] = []
        above: dict[int, str] = {}
        for tr in table.iter(f"{W}tr"):
            row: list[str] = []
            for tc in tr.findall(f"{W}tc"):
                paragraphs = [
                    "".join(t.text or "" for t in p.iter(f"{W}t")) for p in tc.iter(f"{W}p")
                ]
                text = "\n".join(p for p in paragraphs if p).strip()
                props = tc.find(f"{W}tcPr")
                span = 1
                if props is not None:
                    grid_span = props.find(f"{W}gridSpan")
                    if grid_span is not None:
                        span = int(grid_span.get(f"{W}val", "1"))
                    merge = props.find(f"{W}vMerge")
                    if merge is not None and merge.get(f"{W}val") != "restart":
                        text = above.get(len(row), "")  # vertically merged: the cell above
                for _ in range(span):
                    above[len(row)] = text
                    row.append(text)
            rows.append(row)
        tables.append(rows)
    for rows in tables:
        if _header_index(rows) is not None:
            return rows
    return tables[0] if tables else []


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV in GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("neither UTF-8 nor GBK")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def _norm(header: str) -> str:
    return re.sub(r"\s+", "", header)


def _columns(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _norm(cell)
        if not name or len(name) > 12:
            continue
        for key, variants in COLUMNS.items():
            if key not in found and any(v in name for v in variants):
                # "类别/密级" is both: the category column, and the level when no own column
                found[key] = index
                break
        if "密级" in name and "level" not in found:
            found["level"] = index
    return found


def _header_index(rows: list[list[str]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _columns(row)
        if "item" in columns and len(columns) >= 2:
            return index
    return None


# -- rows → rules --------------------------------------------------------------------------------


def phrases(item: str) -> list[str]:
    """Candidate phrases of a 事项 text: pieces between punctuation and conjunctions."""
    out: list[str] = []
    for piece in SPLIT.split(item):
        piece = piece.strip()
        for generic in ("的有关情况", "有关情况", "相关情况", "的情况", "情况"):
            piece = piece.removesuffix(generic)
        if MIN_PHRASE <= len(piece) <= MAX_PHRASE and piece not in GENERIC and piece not in out:
            out.append(piece)
    return out


def category_id(name: str, taken: dict[str, str]) -> str:
    """A table id for a 类别: known names map to the default ids, others are numbered."""
    key = _norm(name)
    for known, ident in KNOWN_IDS.items():
        if known == key or (known in key and len(known) >= 2):
            candidate = ident
            break
    else:
        candidate = f"category-{len(taken) + 1}"
    while candidate in taken.values():
        candidate = f"{candidate}-{len(taken) + 1}"
    return candidate


def build_tables(rows: list[list[str]], source: str) -> tuple[list[Table], list[str]]:
    header = _header_index(rows)
    if header is None:
        raise ImportProblem(
            f"{source}: no header row with a 事项 column in the first {HEADER_SEARCH_ROWS} rows"
        )
    columns = _columns(rows[header])
    tables: dict[str, Table] = {}
    ids: dict[str, str] = {}
    problems: list[str] = []

    def get(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    for number, row in enumerate(rows[header + 1 :], header + 2):
        if not any(cell.strip() for cell in row):
            continue
        item = get(row, "item")
        category = get(row, "category") or get(row, "level")
        keywords = [k for k in KEYWORD_SPLIT.split(get(row, "keywords")) if k]
        if not item and not keywords:
            if any(cell.strip() for i, cell in enumerate(row) if i != columns.get("item")):
                problems.append(f"{source}:{number}: no 事项 and no 关键词: row skipped")
            continue
        if not category:
            problems.append(f"{source}:{number}: no 类别 or 密级: row skipped ({item[:20]})")
            continue
        strong = [k for k in keywords if len(squeeze(k)) >= 2]
        short = [k for k in keywords if len(squeeze(k)) < 2]
        if short:
            problems.append(
                f"{source}:{number}: keywords too short to match, dropped: {'、'.join(short)}"
            )
        weak: list[str] = []
        if not strong:
            if len(squeeze(item)) > MAX_WHOLE and not phrases(item):
                problems.append(f"{source}:{number}: 事项 gives no usable phrase: row skipped")
                continue
            if 2 <= len(squeeze(item)) <= MAX_WHOLE:
                strong = [item]
            weak = [p for p in phrases(item) if p != item]
            if not strong and len(weak) < 2:
                problems.append(
                    f"{source}:{number}: 事项 too long and gives under two phrases: "
                    f"add a 关键词: row skipped"
                )
                continue
        level = get(row, "level")
        if category not in ids:
            ids[category] = category_id(category, ids)
            tables[category] = Table(ids[category], category, level)
        elif _rank(level) > _rank(tables[category].level):
            tables[category].level = level  # the table is as severe as its strictest row
        tables[category].rules.append(
            Rule(number, item, get(row, "period"), get(row, "scope"), strong, weak)
        )
    return list(tables.values()), problems


def _rank(level: str) -> int:
    """绝密 > 机密 > 秘密 > 工作秘密 > none (工作秘密 contains 秘密: test it first)."""
    for rank, name in ((4, "绝密"), (3, "机密"), (1, "工作秘密"), (2, "秘密")):
        if name in level:
            return rank
    return 0


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _comment(text: str) -> str:
    return " ".join(text.split())


def render_table(table: Table, source: str) -> str:
    severity = next((v for k, v in SEVERITY.items() if _rank(k) == _rank(table.level)), "high")
    lines = [
        f"# 由 `dlp-gateway scope import` 从 {Path(source).name} 生成；请核对后再投入使用。",
        f"# 类别：{_comment(table.name)}"
        + (f"（密级：{_comment(table.level)}）" if table.level else ""),
        f"id = {_toml_str(table.id)}",
        f"name = {_toml_str(table.name)}",
        f"severity = {_toml_str(severity)}",
        'action = "quarantine"',
        'release = "single"',
        "threshold = 100",
    ]
    for rule in table.rules:
        lines.append("")
        note = f"# 第{rule.row}行 事项：{_comment(rule.item) or '（空）'}"
        if rule.period:
            note += f"；保密期限：{_comment(rule.period)}"
        if rule.scope:
            note += f"；知悉范围：{_comment(rule.scope)}"
        lines.append(note)
        if rule.strong:
            words = ", ".join(_toml_str(w) for w in rule.strong)
            lines += ["[[terms]]", f"words = [{words}]", "weight = 100"]
        if rule.weak:
            if rule.strong:
                lines.append("# 事项中的短语：两个同时出现才扣押")
            words = ", ".join(_toml_str(w) for w in rule.weak)
            lines += ["[[terms]]", f"words = [{words}]", "weight = 50"]
    return "\n".join(lines) + "\n"


def import_table(path: Path, out: Path, *, force: bool = False) -> ImportResult:
    """Read ``path``, write one ``<id>.toml`` per 类别 into ``out``. Raises ImportProblem."""
    rows = read_rows(path)
    tables, problems = build_tables(rows, str(path))
    if not tables:
        raise ImportProblem(f"{path}: no row could be mapped to a scope rule")
    targets = [out / f"{table.id}.toml" for table in tables]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        names = ", ".join(t.name for t in existing)
        raise ImportProblem(f"{out}: would overwrite {names} (use --force)")
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp)
        for table, target in zip(tables, targets, strict=True):
            (staged / target.name).write_text(render_table(table, str(path)), encoding="utf-8")
        load_scope(staged)  # what is written must pass `scope check` (raises ScopeError)
        out.mkdir(parents=True, exist_ok=True)
        for target in targets:
            shutil.copyfile(staged / target.name, target)
    return ImportResult(targets, problems)


# -- tables → xlsx -------------------------------------------------------------------------------

EXPORT_HEADER = ("序号", "类别", "类别代码", "规则", "关键词", "权重", "窗口（字）", "处置", "阈值")
ACTION_NAMES = {"monitor": "仅记录", "quarantine": "扣押待审", "reject": "拒收"}


def export_rows(scope: ScopeSet) -> Iterable[tuple[object, ...]]:
    n = 0
    for category in scope.categories:
        action = ACTION_NAMES.get(category.action.value, category.action.value)
        head = (category.name, category.id)
        tail = (action, category.threshold)
        for term in category.terms:
            n += 1
            yield (n, *head, "词语", "、".join(term.words), term.weight, "", *tail)
        for near in category.near:
            n += 1
            groups = " ＋ ".join("、".join(group) for group in near.groups)
            yield (n, *head, "邻近规则", groups, near.weight, near.window, *tail)
        for pattern in category.patterns:
            n += 1
            kind = "检测器" if pattern.detector else "正则表达式"
            yield (n, *head, kind, pattern.label, pattern.weight, "", *tail)
        for exclude in category.excludes:
            n += 1
            yield (n, *head, "排除词", "、".join(exclude.words), "", exclude.window, *tail)


def export_tables(scope: ScopeSet, target: Path, *, force: bool = False) -> int:
    """Write the tables as an officer-readable xlsx; returns the number of rule rows."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    if target.exists() and not force:
        raise ImportProblem(f"{target}: exists (use --force to overwrite)")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "范围表"
    sheet.append(list(EXPORT_HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for row in export_rows(scope):
        sheet.append(list(row))
        count += 1
    for column, width in zip("ABCDEFGHI", (6, 14, 16, 10, 60, 6, 10, 10, 6), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return count
