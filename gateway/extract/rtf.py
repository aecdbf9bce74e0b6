"""RTF: a small reader for text, ``\\uN`` Unicode escapes (with ``\\ucN`` skip counts) and
``\\'hh`` bytes decoded in the font's charset or the document's ``\\ansicpgN`` (RTF 1.9.1
spec, "Character set" and "Unicode RTF"). ``\\ansicpg936`` / ``\\fcharset134`` → GBK (read as
GB18030); ``\\fcharset136`` → Big5.

Skipped destinations: font/colour/style tables, pictures, object data, field instructions and
every ``\\*`` destination. Embedded objects (``\\objdata``, OLE1: [MS-OLEDS] §2.2) are unpacked and
read as nested documents; ``Package`` objects carry a file (Ole10Native).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, replace

from gateway.extract.charset import codec_for
from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Walker
from matchers.model import UnscannableReason

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
    objdata: bool = False  # inside \objdata: hex digits of an embedded OLE1 object
    uc: int = 1
    codec: str = "cp1252"


def rtf_to_text(data: bytes) -> str:
    return parse(data)[0]


def parse(data: bytes) -> tuple[str, list[bytes]]:
    """(text, embedded objects' OLE1 data) of an RTF document."""
    fonts = {int(f): _CHARSETS.get(int(c), "") for f, c in _FONT.findall(data[:200_000])}
    ansi = "cp1252"
    match = re.search(rb"\\ansicpg(\d+)", data[:4096])
    if match:
        ansi = codec_for(f"cp{int(match.group(1))}") or "cp1252"
    state = _State(codec=ansi)
    stack: list[_State] = []
    out: list[str] = []
    objects: list[bytearray] = []
    pending = bytearray()
    skip_chars = 0

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
            elif stack:
                state = stack.pop()
            skip_chars = 0
            continue
        if word is not None:
            if word == b"objdata":
                state = replace(state, skip=True, objdata=True)
                objects.append(bytearray())
            elif word in _SKIP_DESTINATIONS:
                state = replace(state, skip=True)
            elif state.skip:
                continue
            elif word == b"u" and param is not None:
                flush()
                code = int(param)
                if -32768 <= code <= 65535:
                    out.append(chr(code + 65536 if code < 0 else code))
                skip_chars = state.uc
            elif word == b"uc" and param is not None:
                state = replace(state, uc=max(0, min(int(param), 10)))
            elif word == b"f" and param is not None:
                flush()
                state = replace(state, codec=fonts.get(int(param)) or ansi)
            elif word in _BREAKS:
                flush()
                out.append(_BREAKS[word])
            continue
        if symbol is not None:
            if symbol == b"*":  # \* marks a destination a reader may ignore
                state = replace(state, skip=True)
            elif state.skip:
                pass
            elif skip_chars:
                skip_chars -= 1
            else:
                flush()
                out.append(_SYMBOLS.get(symbol, ""))
            continue
        if state.objdata and text is not None and objects:
            objects[-1] += text
            continue
        if state.skip:
            continue
        if hexbyte is not None:
            if skip_chars:
                skip_chars -= 1
            else:
                pending.append(int(hexbyte, 16))
            continue
        if text is not None:
            if skip_chars:
                drop = min(skip_chars, len(text))
                text = text[drop:]
                skip_chars -= drop
            pending.extend(text)
    flush()
    blobs = []
    for hex_digits in objects:
        digits = re.sub(rb"[^0-9a-fA-F]", b"", bytes(hex_digits))
        blobs.append(bytes.fromhex(digits[: len(digits) // 2 * 2].decode("ascii")))
    return "".join(out), blobs


def ole1_object(blob: bytes) -> tuple[str, bytes] | None:
    """(class name, native data) of an embedded OLE1 object ([MS-OLEDS] §2.2.4 ObjectHeader,
    §2.2.5 EmbeddedObject); ``None`` for links and anything malformed."""
    try:
        _version, format_id = struct.unpack_from("<II", blob, 0)
        if format_id != 2:  # 1 = linked: the data is elsewhere
            return None
        pos = 8
        names: list[bytes] = []
        for _ in range(3):  # ClassName, TopicName, ItemName (length-prefixed ANSI)
            (length,) = struct.unpack_from("<I", blob, pos)
            names.append(blob[pos + 4 : pos + 4 + length].rstrip(b"\x00"))
            pos += 4 + length
        (size,) = struct.unpack_from("<I", blob, pos)
        return names[0].decode("latin-1"), blob[pos + 4 : pos + 4 + size]
    except struct.error:
        return None


def _complete(data: bytes) -> bool:
    """The outermost group is closed: every ``{`` has its ``}`` (escaped braces aside)."""
    plain = re.sub(rb"\\[\\{}]", b"", data)
    return plain.count(b"{") <= plain.count(b"}") and plain.rstrip(b"\x00\r\n\t ").endswith(b"}")


@extractor(Kind.RTF)
def extract_rtf(data: bytes, node: Node, walker: Walker) -> None:
    from gateway.extract.ole import ole10_native

    text, objects = parse(data)
    walker.text(node.location or "正文", text)
    if not _complete(data):  # what was read is matched; the rest is unread, so it is held
        walker.fail(
            node.location or "正文", UnscannableReason.CORRUPT, "RTF 文件不完整（可能被截断）"
        )
    for index, blob in enumerate(objects, start=1):
        walker.add_expanded(len(blob))
        found = ole1_object(blob)
        if found is None:
            continue
        class_name, native = found
        if class_name.startswith("Package"):
            ole10_native(struct.pack("<I", len(native)) + native, node, walker)
        else:
            label = f"嵌入对象 {index} {class_name}"
            walker.document(native, class_name, node.at(label), node.depth + 1)
