"""Word 97-2003 ``.doc`` and Kingsoft WPS ``.wps`` text from the WordDocument piece table.

[MS-DOC] §2.5 (FIB), §2.9.38 (Clx/Pcdt), §2.4.1 (retrieving text): the FIB says which table
stream (``0Table``/``1Table``) holds the Clx; each piece descriptor gives a file offset and
whether the piece is 8-bit (cp1252, ``fCompressed``) or UTF-16LE. The character counts in
FibRgLw97 split the text into body, footnotes, headers, comments, endnotes and text boxes.
Field instructions (between 0x13 and 0x14) are dropped; field results are kept.
"""

from __future__ import annotations

import re
import struct

from gateway.extract import charset
from gateway.extract.walker import Unreadable
from matchers.model import UnscannableReason

_STORIES = ("正文", "脚注", "页眉页脚", "宏", "批注", "尾注", "文本框", "页眉文本框")
_FIELD = re.compile(r"\x13[^\x13\x14\x15]*(?:\x14|\x15)")


def encrypted(word: bytes) -> bool:
    if len(word) < 0x20:
        return False
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    return bool(flags & 0x0100)  # fEncrypted (covers RC4 and XOR obfuscation, fObfuscation)


def stories(word: bytes, tables: dict[str, bytes]) -> list[tuple[str, str]]:
    """[(label, text)] for a Word 97+ document; empty stories are omitted."""
    if len(word) < 0x200:
        raise Unreadable(UnscannableReason.CORRUPT, "WordDocument 流过短")
    _ident, nfib = struct.unpack_from("<HH", word, 0)
    if encrypted(word):
        raise Unreadable(UnscannableReason.ENCRYPTED, "Word 文档已加密（需要密码）")
    if nfib < 193:  # Word 6/95 (nFib 101-105): 8-bit text in the system code page
        return [("正文", _legacy_text(word))]
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    table = tables.get("1Table" if flags & 0x0200 else "0Table")
    if table is None:
        raise Unreadable(UnscannableReason.CORRUPT, "缺少 Table 流")
    # FibBase (32) + csw (2) + FibRgW97 (28) + cslw (2) → FibRgLw97 at 0x40.
    ccps = struct.unpack_from("<8i", word, 0x4C)
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x01A2)
    text = _piece_text(word, table, fc_clx, lcb_clx)
    out: list[tuple[str, str]] = []
    pos = 0
    for label, count in zip(_STORIES, ccps, strict=True):
        if count <= 0:
            continue
        story = text[pos : pos + count]
        pos += count
        out.append((label, _clean(story)))
    if pos < len(text) and not out:
        out.append(("正文", _clean(text)))
    return out


def _piece_text(word: bytes, table: bytes, fc_clx: int, lcb_clx: int) -> str:
    clx = table[fc_clx : fc_clx + lcb_clx]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: skip grpprl
        (cb,) = struct.unpack_from("<H", clx, pos + 1)
        pos += 3 + cb
    if pos >= len(clx) or clx[pos] != 0x02:
        raise Unreadable(UnscannableReason.CORRUPT, "Word 片段表（Clx）无效")
    (lcb,) = struct.unpack_from("<I", clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + lcb]
    count = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    out: list[str] = []
    for i in range(count):
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * i + 2)[0]
        length = cps[i + 1] - cps[i]
        if length <= 0 or length > len(word):
            continue
        if fc & 0x40000000:
            start = (fc & ~0x40000000) // 2
            out.append(word[start : start + length].decode("cp1252", errors="replace"))
        else:
            out.append(word[fc : fc + 2 * length].decode("utf-16-le", errors="replace"))
    return "".join(out)


def _clean(text: str) -> str:
    text = _FIELD.sub("", text)
    text = (
        text.replace("\r", "\n").replace("\x07", "\t").replace("\x0b", "\n").replace("\x0c", "\n")
    )
    return re.sub(r"[\x00-\x08\x0e-\x1f]", "", text)


def _legacy_text(word: bytes) -> str:
    """Word 6/95: text starts at fcMin (FIB 0x18) and runs to fcMac (0x1C), 8-bit."""
    fc_min, fc_mac = struct.unpack_from("<II", word, 0x18)
    if not 0 < fc_min < fc_mac <= len(word):
        raise Unreadable(UnscannableReason.CORRUPT, "Word 6 文档头无效")
    return _clean(charset.decode(word[fc_min:fc_mac]))
