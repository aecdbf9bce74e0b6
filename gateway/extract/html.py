"""HTML to text: tags and entities removed, never rendered (DESIGN "Normalisation").

Script and style contents are dropped; ``alt`` and ``title`` attributes and comments are kept
(text that travels with the mail, seen or not); block elements break lines so words from
separate cells do not run together.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from gateway.extract import charset
from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Walker

_BLOCK = frozenset(
    [
        "p",
        "div",
        "br",
        "tr",
        "li",
        "ul",
        "ol",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "title",
        "dt",
        "dd",
        "hr",
        "td",
        "th",
        "option",
    ]
)
_SKIP = frozenset({"script", "style", "head", "noscript", "template"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag != "head":
            self.skip += 1
        if tag in _BLOCK:
            self.out.append("\n")
        for key, value in attrs:
            if key in ("alt", "title") and value:
                self.out.append(f" {value} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag != "head" and self.skip:
            self.skip -= 1
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)

    def handle_comment(self, data: str) -> None:
        # invisible to the reader, but still leaves with the mail: a hiding place worth reading
        self.out.append(f"\n{data}\n")


def html_to_text(markup: str) -> str:
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # html.parser gives up on some garbage: keep what it had
        pass
    text = "".join(parser.out)
    text = re.sub(r"[ \t\r\f\v]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text)


def html_charset(data: bytes, declared: str | None) -> str | None:
    """The declared charset, else the one a ``<meta charset>`` names."""
    if not declared:
        found = _META_CHARSET.search(data[:4096])
        if found:
            declared = found.group(1).decode("ascii", "replace")
    return declared


def decode_html(data: bytes, declared: str | None) -> str:
    """Decode HTML bytes: the declared charset, else a ``<meta charset>``, else detection."""
    return charset.decode(data, html_charset(data, declared))


@extractor(Kind.HTML)
def extract_html(data: bytes, node: Node, walker: Walker) -> None:
    walker.texts(
        node.location or "正文", data, html_charset(data, node.charset or None), html_to_text
    )
