"""Office Open XML (docx/xlsx/pptx, transitional and Strict), read from the XML parts directly.

Read: document body (with text boxes and tracked insertions *and* deletions — ``w:delText``),
headers, footers, footnotes, endnotes, comments; every worksheet including hidden ones, with
shared strings resolved per cell, sheet names and page headers/footers; slides, speaker notes
and comments; SmartArt and chart text; core properties (title, subject, keywords); embedded
objects (recursively, as documents); pictures in ``media/`` (raster ones by OCR, EMF/WMF by
their text records and bitmaps). Not read: theme, font table,
styles, layouts and masters — they hold font names such as 宋体 and placeholder prompts, which
are not content. Elements are matched by local name so Strict OOXML namespaces work too.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator

from gateway.extract import xmltext
from gateway.extract.detect import Kind, sniff
from gateway.extract.headerfooter import header_footer_text
from gateway.extract.metafile import GZIP_MAGIC, is_metafile
from gateway.extract.ocr_formats import is_raster
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Unreadable, Walker
from gateway.extract.zipread import member_name, open_zip, read_member
from matchers.model import UnscannableReason

_WORD_TEXT = frozenset({"t", "delText"})
_PARA = frozenset({"p"})
_SKIP = frozenset({"Fallback", "instrText", "rPh"})  # VML duplicates of text boxes; field codes
_WORD_PARTS = (
    (re.compile(r"word/document\d*\.xml$"), "正文"),
    (re.compile(r"word/header\d*\.xml$"), "页眉"),
    (re.compile(r"word/footer\d*\.xml$"), "页脚"),
    (re.compile(r"word/footnotes\.xml$"), "脚注"),
    (re.compile(r"word/endnotes\.xml$"), "尾注"),
    (re.compile(r"word/comments\w*\.xml$"), "批注"),
)
_NUMBER = re.compile(r"(\d+)")
# Parts that hold formatting, layout, relationships or machine state rather than content.
_NOISE = re.compile(
    r"(^|/)(_rels/|\[Content_Types\]\.xml$|theme/|fontTable\.xml$|styles\w*\.xml$|"
    r"settings\.xml$|webSettings\.xml$|numbering\.xml$|app\.xml$|slideLayouts/|slideMasters/|"
    r"notesMasters/|handoutMasters/|presProps\.xml$|viewProps\.xml$|tableStyles\.xml$|"
    r"calcChain\.xml$|printerSettings/|vbaProject\.bin$|vbaData\.xml$|itemProps\d*\.xml$|"
    r"fonts/|glossary/|commentsIds\.xml$|commentsExtended\.xml$|commentsExtensible\.xml$|"
    r"people\.xml$|persons/|connections\.xml$|"
    r"diagrams/(layout|colors|quickStyle|drawing)\d*\.xml$|charts/(style|colors)\d*\.xml$|"
    r"drawings/vmlDrawing\d*\.vml$|activeX/|ink/|revisionInfo\.xml$|metadata\.xml$|"
    r"ppt/presentation\.xml$)"
)
_GRAPHIC_PARA = frozenset({"p", "pt", "v"})


def _natural(name: str) -> list[object]:
    return [int(p) if p.isdigit() else p for p in _NUMBER.split(name)]


class _Package:
    """An opened OPC package whose parts are read under the walker's limits."""

    def __init__(self, data: bytes, node: Node, walker: Walker) -> None:
        self.zf = open_zip(data, node.name, walker, node.location)
        self.node = node
        self.walker = walker
        self.infos = {i.filename: i for i in self.zf.infolist() if not i.is_dir()}
        self.done: set[str] = set()
        if len(self.infos) > walker.limits.max_members:
            raise Unreadable(
                UnscannableReason.LIMIT_MEMBERS,
                f"{node.name} 含 {len(self.infos)} 个部件，超过 {walker.limits.max_members}",
            )

    def names(self, pattern: re.Pattern[str]) -> list[str]:
        return sorted((n for n in self.infos if pattern.match(n)), key=_natural)

    def read(self, name: str) -> bytes:
        self.done.add(name)
        return read_member(self.zf, self.infos[name], self.walker, f"{self.node.name}/{name}")

    def leftovers(self) -> None:
        """Parts nothing above read and that are not known formatting. Office ignores a part
        its relationships do not name, but the part still leaves with the file: anything in
        it that looks like text or a document is read (opaque binaries and images are not)."""
        for name in sorted(self.infos, key=_natural):
            if name in self.done or _NOISE.search(name):
                continue
            data = self.read(name)
            if sniff(data, name) in (Kind.BINARY, Kind.IMAGE, Kind.EMPTY):
                continue
            label = f"其他部件 {name}"
            self.walker.document(
                data, posixpath.basename(name), self.node.at(label), self.node.depth + 1
            )

    def has(self, name: str) -> bool:
        return name in self.infos

    def close(self) -> None:
        self.zf.close()

    def embeddings(self, folder: str) -> None:
        for name in sorted(self.infos, key=_natural):
            if name.startswith(folder) and not name.endswith(".rels"):
                label = f"嵌入对象 {posixpath.basename(name)}"
                self.walker.document(
                    self.read(name),
                    posixpath.basename(name),
                    self.node.at(label),
                    self.node.depth + 1,
                )

    def pictures(self, folder: str) -> None:
        """Pictures in the package's media folder: raster ones read by OCR (a photographed page
        pasted into a report), vector ones (EMF/WMF, gzip-compressed ``.emz``/``.wmz`` too) by
        their text records and bitmaps, like those of legacy documents
        (:meth:`Walker.embedded_picture`)."""
        for name in sorted(self.infos, key=_natural):
            if not name.startswith(folder) or not self._starts_picture(name):
                continue  # anything else in media/ is left to leftovers() (a smuggled file)
            base = posixpath.basename(name)
            if not self.walker.embedded_picture(
                self.read(name), base, self.node.at(f"图片 {base}"), self.node.depth + 1
            ):
                self.done.discard(name)  # not a picture after all: leftovers() reads it

    def _starts_picture(self, name: str) -> bool:
        try:
            with self.zf.open(self.infos[name]) as fh:
                head = fh.read(64)
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
            zlib.error,
        ):
            return False  # read() will say what is wrong with it
        return is_raster(head) or is_metafile(head) or head[:2] == GZIP_MAGIC

    def graphics(self, root: str) -> None:
        """SmartArt (``diagrams/data*.xml``) and chart (``charts/chart*.xml``) text: an org chart
        of candidates is as sensitive as a table of them."""
        for label, pattern in (
            ("SmartArt 图形", re.compile(rf"{root}/diagrams/data\d*\.xml$")),
            ("图表", re.compile(rf"{root}/charts/chart\d*\.xml$")),
        ):
            for name in self.names(pattern):
                text = xmltext.paragraphs(
                    self.read(name), name, frozenset({"t", "v"}), _GRAPHIC_PARA
                )
                self.walker.text(self.node.at(label), re.sub(r"\n\s*\n+", "\n", text))

    def properties(self) -> None:
        self.custom_properties()
        if not self.has("docProps/core.xml"):
            return
        text = xmltext.paragraphs(
            self.read("docProps/core.xml"),
            "docProps/core.xml",
            frozenset({"title", "subject", "keywords", "description", "category"}),
            frozenset({"title", "subject", "keywords", "description", "category"}),
        )
        self.walker.text(self.node.at("文档属性"), text)

    def custom_properties(self) -> None:
        """``docProps/custom.xml``: user-defined properties (a unit's 密级 field lives here),
        read as ``name：value`` lines (ECMA-376 Part 1 §22.3)."""
        if not self.has("docProps/custom.xml"):
            return
        lines: list[str] = []
        name = ""
        for event, elem in xmltext.events(self.read("docProps/custom.xml"), "docProps/custom.xml"):
            tag = xmltext.local(elem.tag)
            if event == "start" and tag == "property":
                name = elem.get("name", "")
            elif event == "end" and tag != "property" and elem.text and elem.text.strip():
                lines.append(f"{name}：{elem.text.strip()}" if name else elem.text.strip())
        self.walker.text(self.node.at("自定义属性"), "\n".join(lines))


def _package(data: bytes, node: Node, walker: Walker) -> _Package:
    return _Package(data, node, walker)


_CELL = frozenset({"tc"})
_ROW = frozenset({"tr"})


@extractor(Kind.DOCX)
def extract_docx(data: bytes, node: Node, walker: Walker) -> None:
    pkg = _package(data, node, walker)
    try:
        for pattern, label in _WORD_PARTS:
            for name in pkg.names(pattern):
                text = xmltext.paragraphs(
                    pkg.read(name), name, _WORD_TEXT, _PARA, skip_tags=_SKIP,
                    cell_tags=_CELL, row_tags=_ROW,
                )  # fmt: skip
                walker.text(node.at(label), text)
        pkg.graphics("word")
        pkg.properties()
        pkg.embeddings("word/embeddings/")
        pkg.pictures("word/media/")
        pkg.leftovers()
    finally:
        pkg.close()


@extractor(Kind.PPTX)
def extract_pptx(data: bytes, node: Node, walker: Walker) -> None:
    pkg = _package(data, node, walker)
    try:
        for label, pattern in (
            ("幻灯片", re.compile(r"ppt/slides/slide(\d+)\.xml$")),
            ("备注", re.compile(r"ppt/notesSlides/notesSlide(\d+)\.xml$")),
        ):
            for name in pkg.names(pattern):
                number = _NUMBER.findall(posixpath.basename(name))[-1]
                text = xmltext.paragraphs(pkg.read(name), name, frozenset({"t"}), _PARA)
                walker.text(node.at(f"{label} {number}"), text)
        # masters carry the footer and markings every slide shows (内部资料, 秘密★); layouts
        # only repeat placeholder prompts and are not read
        for name in pkg.names(re.compile(r"ppt/slideMasters/slideMaster\d+\.xml$")):
            text = xmltext.paragraphs(pkg.read(name), name, frozenset({"t"}), _PARA)
            walker.text(node.at("母版"), text)
        for name in pkg.names(re.compile(r"ppt/comments/.*\.xml$")):
            walker.text(
                node.at("批注"),
                xmltext.paragraphs(  # legacy comments (p:text) and modern ones (a:t)
                    pkg.read(name), name, frozenset({"text", "t"}), frozenset({"cm", "p"})
                ),
            )
        pkg.graphics("ppt")
        pkg.properties()
        pkg.embeddings("ppt/embeddings/")
        pkg.pictures("ppt/media/")
        pkg.leftovers()
    finally:
        pkg.close()


@extractor(Kind.XLSX)
def extract_xlsx(data: bytes, node: Node, walker: Walker) -> None:
    pkg = _package(data, node, walker)
    try:
        shared = _shared_strings(pkg) if pkg.has("xl/sharedStrings.xml") else []
        sheets = _sheets(pkg)
        walker.text(node.at("工作表名称"), "\n".join(name for name, _, _ in sheets))
        done: set[str] = set()
        for sheet, hidden, part in sheets:
            label = f"工作表 {sheet}（隐藏）" if hidden else f"工作表 {sheet}"
            if part in pkg.infos and part not in done:
                done.add(part)
                walker.text(node.at(label), _sheet_text(pkg.read(part), part, shared, walker))
        for part in pkg.names(re.compile(r"xl/worksheets/[^/]+\.xml$")):
            if part not in done:  # a sheet the workbook does not list: still content
                walker.text(
                    node.at(f"工作表 {posixpath.basename(part)}"),
                    _sheet_text(pkg.read(part), part, shared, walker),
                )
        for part in pkg.names(re.compile(r"xl/(comments\d*|threadedComments/\w+)\.xml$")):
            walker.text(
                node.at("批注"),
                xmltext.paragraphs(
                    pkg.read(part),
                    part,
                    frozenset({"t", "text"}),
                    frozenset({"comment", "threadedComment"}),
                    skip_tags=_SKIP,
                ),
            )
        for part in pkg.names(re.compile(r"xl/drawings/drawing\d+\.xml$")):
            walker.text(
                node.at("图形文字"),
                xmltext.paragraphs(pkg.read(part), part, frozenset({"t"}), _PARA),
            )
        pkg.graphics("xl")
        pkg.properties()
        pkg.embeddings("xl/embeddings/")
        pkg.pictures("xl/media/")
        pkg.leftovers()
    finally:
        pkg.close()


def _shared_strings(pkg: _Package) -> list[str]:
    strings: list[str] = []
    for event, elem in xmltext.events(pkg.read("xl/sharedStrings.xml"), "xl/sharedStrings.xml"):
        if event != "end" or xmltext.local(elem.tag) != "si":
            continue
        strings.append("".join(_rich_text(elem)))
        elem.clear()
    return strings


def _rich_text(si: ET.Element) -> Iterator[str]:
    """Text of a shared string: plain ``t`` or rich-text runs; phonetic guides (``rPh``) skipped."""
    for child in si:
        name = xmltext.local(child.tag)
        if name == "t":
            yield child.text or ""
        elif name == "r":
            for sub in child:
                if xmltext.local(sub.tag) == "t":
                    yield sub.text or ""


def _sheets(pkg: _Package) -> list[tuple[str, bool, str]]:
    """(name, hidden, part name) for every sheet the workbook lists."""
    if not pkg.has("xl/workbook.xml"):
        return []
    targets: dict[str, str] = {}
    if pkg.has("xl/_rels/workbook.xml.rels"):
        for event, elem in xmltext.events(
            pkg.read("xl/_rels/workbook.xml.rels"), "workbook.xml.rels"
        ):
            if event == "end" and xmltext.local(elem.tag) == "Relationship":
                target = elem.get("Target", "")
                target = (
                    target[1:]
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                targets[elem.get("Id", "")] = target
    result: list[tuple[str, bool, str]] = []
    for event, elem in xmltext.events(pkg.read("xl/workbook.xml"), "xl/workbook.xml"):
        if event != "end" or xmltext.local(elem.tag) != "sheet":
            continue
        rid = next((v for k, v in elem.attrib.items() if xmltext.local(k) == "id"), "")
        hidden = elem.get("state") in ("hidden", "veryHidden")
        result.append((elem.get("name", ""), hidden, targets.get(rid, "")))
    return result


_SHEET_HEADERS = frozenset(
    {"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"}
)


def _sheet_text(data: bytes, part: str, shared: list[str], walker: Walker) -> str:
    """Cells row by row. Shared strings are counted as produced text each time a cell uses them,
    so one 1 MB string referenced by a million cells (POI's poc-shared-strings) is ``limit_size``."""
    budget = walker.limits.max_expanded_bytes - walker.expanded
    produced = 0
    rows: list[str] = []
    cells: list[str] = []
    kind = ""
    value: str | None = None
    inline: list[str] = []
    for event, elem in xmltext.events(data, part):
        name = xmltext.local(elem.tag)
        if event == "start":
            if name == "c":
                kind, value, inline = elem.get("t", ""), None, []
            continue
        if name == "v":
            value = elem.text
        elif name in _SHEET_HEADERS:  # page header/footer: codes become the printed text
            if elem.text:
                rows.append(header_footer_text(elem.text))
        elif name == "t":
            inline.append(elem.text or "")
        elif name == "c":
            cell = _cell(kind, value, inline, shared)
            produced += len(cell)
            if produced > budget:
                raise Unreadable(UnscannableReason.LIMIT_SIZE, f"{part} 展开后的单元格文本超过上限")
            cells.append(cell)
            elem.clear()
        elif name == "row":
            line = "\t".join(c for c in cells if c)
            if line:
                rows.append(line)
            cells = []
            elem.clear()
    walker.add_expanded(produced)
    return "\n".join(rows)


def _cell(kind: str, value: str | None, inline: list[str], shared: list[str]) -> str:
    if kind == "s" and value is not None:
        try:
            return shared[int(value)]
        except (ValueError, IndexError):
            return ""
    if kind == "inlineStr":
        return "".join(inline)
    if kind == "b":
        return ""
    return value or ""


@extractor(Kind.OOXML_OTHER)
def extract_other(data: bytes, node: Node, walker: Walker) -> None:
    with open_zip(data, node.name) as zf:
        names = [member_name(i) for i in zf.infolist()]
    if any(n.startswith("xl/") and n.endswith(".bin") for n in names):
        raise Unreadable(UnscannableReason.UNSUPPORTED, "Excel 二进制工作簿（xlsb）无法检查")
    raise Unreadable(UnscannableReason.UNSUPPORTED, "无法识别的 Office Open XML 文档")
