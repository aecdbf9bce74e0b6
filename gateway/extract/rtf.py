"""RTF: a small reader for text, ``\\uN`` Unicode escapes (with ``\\ucN`` skip counts) and
``\\'hh`` bytes decoded in the font's charset or the document's ``\\ansicpgN`` (RTF 1.9.1
spec, "Character set" and "Unicode RTF"). ``\\ansicpg936`` / ``\\fcharset134`` → GBK (read as
GB18030); ``\\fcharset136`` → Big5.

Skipped destinations: font/colour/style tables, pictures, object data, field instructions and
every ``\\*`` destination. Embedded OLE objects inside RTF (``\\objdata``) are not unpacked; their
``\\result`` text, which Word stores beside them, is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from gateway.extract.charset import codec_for
from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Walker

_TOKEN = re.compile(
    rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|([^\\{}\r\n]+)|[\r\n]+",
    re.S,
)
_SKIP_DESTINATIONS = frozenset(
    b"fonttbl colortbl stylesheet info pict objdata fldinst themedata colorschememapping "
    b"datastore latentstyles listtable listoverridetable rsidtbl generator xmlnstbl mmathPr "
    b"bkmkstart bkmkend blipuid pgdsctbl filetbl revtbl private userprops nonshppict "
    b"objclass objname wgrffmtfilter fontemb fontfile panose falt".split()
)
_CHARSETS = {
    128: "cp932",
    129: "cp949",
    134: "gb18030",
    136: "big5hkscs",
    161: "cp1253",
    162: "cp1254",
    177: "cp1255",
    178: "cp1256",
    186: "cp1257",
    204: "cp1251",
    222: "cp874",
    238: "cp1250",
}
_FONT = re.compile(rb"\\f(\d+)[^{}]*?\\fcharset(\d+)")
_BREAKS = {
    b"par": "\n",
    b"line": "\n",
    b"row": "\n",
    b"sect": "\n",
    b"page": "\n",
    b"cell": "\t",
    b"tab": "\t",
}
_SYMBOLS = {b"~": "\u00a0", b"_": "-", b"\\": "\\", b"{": "{", b"}": "}", b"-": ""}


@dataclass(frozen=True, slots=True)
class _State:
    skip: bool = False
    uc: int = 1
    codec: str = "cp1252"


def rtf_to_text(data: bytes) -> str:
    fonts = {int(f): _CHARSETS.get(int(c), "") for f, c in _FONT.findall(data[:200_000])}
    ansi = "cp1252"
    match = re.search(rb"\\ansicpg(\d+)", data[:4096])
    if match:
        ansi = codec_for(f"cp{int(match.group(1))}") or "cp1252"
    state = _State(codec=ansi)
    stack: list[_State] = []
    out: list[str] = []
    pending = bytearray()
    skip_chars = 0
    new_group = False

    def flush() -> None:
        if pending:
            out.append(pending.decode(state.codec, errors="replace"))
            pending.clear()

    for m in _TOKEN.finditer(data):
        word, param, hexbyte, symbol, brace, text = m.groups()
        if brace is not None:
            flush()
            if brace == b"{":
                stack.append(state)
                new_group = True
            else:
                state = stack.pop() if stack else state
            skip_chars = 0
            continue
        starts_group = new_group
        new_group = False
        if word is not None:
            if word in _SKIP_DESTINATIONS or (word == b"fonttbl"):
                state = replace(state, skip=True)
            elif state.skip:
                continue
            elif word == b"u" and param is not None:
                flush()
                code = int(param)
                out.append(
                    chr(code + 65536 if code < 0 else code) if -32768 <= code <= 65535 else ""
                )
                skip_chars = state.uc
            elif word == b"uc" and param is not None:
                state = replace(state, uc=max(0, min(int(param), 10)))
            elif word == b"f" and param is not None:
                flush()
                state = replace(state, codec=fonts.get(int(param)) or ansi)
            elif word in _BREAKS:
                flush()
                out.append(_BREAKS[word])
            elif word in (b"bin",) and param is not None:
                # \binN: N raw bytes follow; they are not text.
                skip_chars = 0
            continue
        if symbol is not None:
            if symbol == b"*" and starts_group is False and stack:
                state = replace(state, skip=True)
                continue
            if symbol == b"*":
                state = replace(state, skip=True)
                continue
            if state.skip:
                continue
            if skip_chars:
                skip_chars -= 1
                continue
            flush()
            out.append(_SYMBOLS.get(symbol, ""))
            continue
        if state.skip:
            continue
        if hexbyte is not None:
            if skip_chars:
                skip_chars -= 1
                continue
            pending.append(int(hexbyte, 16))
            continue
        if text is not None:
            if skip_chars:
                drop = min(skip_chars, len(text))
                text = text[drop:]
                skip_chars -= drop
            pending.extend(text)
    flush()
    return "".join(out)


@extractor(Kind.RTF)
def extract_rtf(data: bytes, node: Node, walker: Walker) -> None:
    walker.text(node.location or "正文", rtf_to_text(data))
