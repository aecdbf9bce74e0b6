"""Excel page header and footer codes turned into the text a printout shows.

A sheet's header is stored as ``&L&"宋体,常规"&12秘密★1年&C&A&R第&P页``: ``&L``/``&C``/``&R``
start the left, centre and right sections; ``&"font,style"``, ``&nn`` (size), ``&B`` ``&I``
``&U`` ``&E`` ``&S`` ``&X`` ``&Y`` ``&O`` ``&H`` and ``&K`` colours format; ``&P`` ``&N`` ``&D``
``&T`` ``&F`` ``&Z`` ``&A`` ``&G`` are fields (page, pages, date, time, file, path, sheet,
picture); ``&&`` is a literal ampersand (ECMA-376 Part 1 §18.3.1.39; MS-XLS 2.4.136). Sections
become lines of their own, so a marking in a header reads as a line, as it stands on paper.
"""

from __future__ import annotations

import re

__all__ = ["header_footer_text"]

_CODE = re.compile(
    r'&&|&[LCR]|&"[^"]*"|&\d{1,3}|&K(?:[0-9A-Fa-f]{6}|\d\d[+-]\d{3})?|&[BIUESXYOHPNDTFZAG]'
)


def header_footer_text(code: str, sheet: str = "") -> str:
    """The visible text of one header or footer (``sheet`` fills ``&A``)."""
    out: list[str] = []
    pos = 0
    for m in _CODE.finditer(code):
        out.append(code[pos : m.start()])
        token = m.group()
        if token == "&&":
            out.append("&")
        elif token in ("&L", "&C", "&R"):
            out.append("\n")
        elif token == "&A":
            out.append(sheet)
        pos = m.end()
    out.append(code[pos:])
    lines = (line.strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)
