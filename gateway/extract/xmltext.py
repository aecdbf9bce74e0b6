"""Safe XML reading for office formats: no DTDs, no entities, no network, bounded size.

defusedxml refuses any DTD, which is how the "billion laughs" xlsx files in the corpus (POI
54764, poc-xmlbomb) are stopped: an office part never legitimately carries a DTD, so one is
treated as a hostile expansion attempt (``limit_size``).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from gateway.extract.walker import Unreadable
from matchers.model import UnscannableReason


def local(tag: str) -> str:
    """``{namespace}t`` → ``t`` (Strict OOXML and transitional use different namespaces)."""
    return tag.rsplit("}", 1)[-1]


def events(data: bytes, what: str) -> Iterator[tuple[str, ET.Element]]:
    """``iterparse`` start/end events; hostile or broken XML becomes :class:`Unreadable`."""
    try:
        yield from iterparse(
            io.BytesIO(data), events=("start", "end"), forbid_dtd=True, forbid_entities=True
        )
    except DefusedXmlException as exc:
        raise Unreadable(
            UnscannableReason.LIMIT_SIZE,
            f"{what} 含 DTD/实体声明（XML 炸弹防护）：{type(exc).__name__}",
        ) from exc
    except ET.ParseError as exc:
        raise Unreadable(UnscannableReason.CORRUPT, f"{what} XML 解析失败：{exc}") from exc


def paragraphs(
    data: bytes,
    what: str,
    text_tags: frozenset[str],
    para_tags: frozenset[str],
    tab_tags: frozenset[str] = frozenset({"tab"}),
    break_tags: frozenset[str] = frozenset({"br", "cr", "line-break"}),
    skip_tags: frozenset[str] = frozenset(),
    on_end: Callable[[str, ET.Element], None] | None = None,
    cell_tags: frozenset[str] = frozenset(),
    row_tags: frozenset[str] = frozenset(),
) -> str:
    """Text of the elements named ``text_tags``, one line per ``para_tags`` element.

    A table row (``row_tags``) becomes one line with its cells (``cell_tags``) separated by a
    tab, so that what belongs to one person or one parcel stays on one line (rosters are
    counted by rows); paragraphs inside a cell are joined by a space."""
    out: list[str] = []
    skipping = 0
    cells = 0  # depth of table cells around the current element
    for event, elem in events(data, what):
        name = local(elem.tag)
        if event == "start":
            if name in skip_tags:
                skipping += 1
            elif name in cell_tags:
                cells += 1
            continue
        if name in skip_tags:
            skipping -= 1
        elif not skipping:
            if name in text_tags:
                if elem.text:
                    out.append(elem.text)
            elif name in tab_tags:
                out.append("\t")
            elif name in cell_tags:
                cells -= 1
                if out and out[-1] == " ":
                    out[-1] = "\t"
                else:
                    out.append("\t")
            elif name in row_tags:
                if out and out[-1] == "\t":
                    out.pop()
                out.append("\n")
            elif name in para_tags and cells:
                out.append(" ")
            elif name in break_tags or name in para_tags:
                out.append("\n")
        if on_end is not None:
            on_end(name, elem)
        if name in para_tags or name in text_tags:
            elem.clear()
    return "".join(out)


def all_text(data: bytes, what: str, para_tags: frozenset[str]) -> str:
    """Mixed-content text (ODF): each outermost ``para_tags`` element becomes one line."""
    out: list[str] = []
    depth = 0
    for event, elem in events(data, what):
        if local(elem.tag) not in para_tags:
            continue
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth == 0:
            out.append(_mixed_text(elem))
            out.append("\n")
            elem.clear()
    return "".join(out)


def _mixed_text(elem: ET.Element) -> str:
    parts: list[str] = []

    def visit(node: ET.Element) -> None:
        name = local(node.tag)
        if name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        elif name == "s":
            parts.append(" ")
        elif name in ("note-citation",):
            pass
        if node.text:
            parts.append(node.text)
        for child in node:
            visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(elem)
    return "".join(parts)
