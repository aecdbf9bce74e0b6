"""Turning bytes into text: declared, mislabelled and undeclared charsets.

Policy (DESIGN "Extraction"): a ``gb2312``/``gbk`` label is read as GB18030 (its superset; mail
labelled gb2312 routinely holds GBK-only characters); ``big5`` as Big5-HKSCS; ``iso-8859-1`` and
``us-ascii`` as windows-1252 (the WHATWG Encoding Standard does the same). A label that does not
decode the bytes is treated as a lie: UTF-8 is tried next, then detection. Undeclared text is
tried as UTF-8 first and otherwise detected with charset-normalizer, restricted to the encodings
a Chinese unit actually receives so that short samples are not guessed as something exotic.

Bytes whose charset is *uncertain* — invalid under the declared charset or, undeclared, not
valid UTF-8 (one stray 0xFF, a cp1252 smart quote, a multibyte character cut off by a truncating
client, lines in two encodings, UTF-16/32 without a BOM) — are read more than one way:
:func:`readings` gives the chosen reading first and then every other plausible one (UTF-8 with
replacement, the declared charset, GB18030, Big5, UTF-16/32 where the bytes look like it, and a
line-by-line reading for mixed encodings). Every reading is matched, so a single bad byte cannot
turn a phrase every mail client shows into mojibake the tables never see.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-euc-cn": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ks_c_5601-1987": "cp949",
    "unicode-1-1-utf-7": "utf-7",
}

# What charset-normalizer may choose from for undeclared bytes.
_CANDIDATES = [
    "utf_8",
    "gb18030",
    "big5hkscs",
    "utf_16",
    "cp1252",
    "shift_jis",
    "euc_jp",
    "cp949",
    "koi8_r",
    "cp1251",
]


def codec_for(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or ``None`` if unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` honouring ``declared`` when it fits the bytes; never raises."""
    if not data:
        return ""
    bom = _bom(data)
    if bom:
        return data.decode(bom, errors="replace")
    codec = codec_for(declared)
    if codec in (None, "ascii", "cp1252") and b"~{" in data and b"~}" in data:
        return detect(data)  # undeclared or ASCII-labelled HZ (RFC 1843)
    if codec and codec not in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if codec == "cp1252" and not _has_cjk_pairs(data):
        return data.decode("cp1252", errors="replace")
    return detect(data)


def readings(data: bytes, declared: str | None = None) -> list[tuple[str, str]]:
    """``[("", chosen reading), (name, other reading), …]``; one item when the bytes are certain.

    ``name`` says how the extra reading was made (``按UTF-8解读``), for the officer's view.
    """
    chosen = decode(data, declared)
    out = [("", chosen)]
    if _certain(data, declared):
        return out
    seen = {chosen}
    for name, text in _alternatives(data, declared):
        if text not in seen and _plausible(text):
            seen.add(text)
            out.append((name, text))
    return out


def _certain(data: bytes, declared: str | None) -> bool:
    if not data or _bom(data):
        return True
    if _nul_share(data) > 0.05:
        return False
    if data.isascii():
        return True
    if _looks_utf16(data):
        return False
    codec = codec_for(declared)
    for name in (codec, "utf-8"):
        if name and name not in ("cp1252", "ascii"):
            try:
                data.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
            return True
    if _utf8_share(data) >= 0.5:
        return False  # damaged UTF-8: a clean legacy decode would be mojibake
    # Undeclared legacy text read cleanly: statistics decide between GB18030 and Big5 (every
    # Big5 byte pair is also a GBK one), except in a text too short for statistics.
    if not _strict(data, "gb18030"):
        return False
    return len(data) >= _SHORT or not _strict(data, "big5hkscs")


#: Below this many bytes a statistical guess between legacy charsets is not to be trusted.
_SHORT = 64


def _strict(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _utf8_share(data: bytes) -> float:
    """How much of the non-ASCII bytes form UTF-8 sequences: near 1 for UTF-8 with a few bad
    bytes (then a clean GB18030 decode is mojibake), low for text in a legacy charset."""
    sample = data[:65536]
    high = sum(1 for b in sample if b >= 0x80)
    if not high:
        return 0.0
    return sum(len(m) for m in _UTF8_SEQUENCE.findall(sample)) / high


def _alternatives(data: bytes, declared: str | None) -> list[tuple[str, str]]:
    codecs_tried = [("按UTF-8解读", "utf-8")]
    codec = codec_for(declared)
    if codec and codec not in ("utf-8", "gb18030", "big5hkscs"):
        codecs_tried.append((f"按声明编码 {declared} 解读", codec))
    codecs_tried += [("按GB18030解读", "gb18030"), ("按Big5解读", "big5hkscs")]
    if _looks_utf16(data):
        codecs_tried += [
            ("按UTF-16LE解读", "utf-16-le"),
            ("按UTF-16BE解读", "utf-16-be"),
            ("按UTF-32LE解读", "utf-32-le"),
            ("按UTF-32BE解读", "utf-32-be"),
        ]
    out = []
    for name, codec_name in codecs_tried:
        try:
            out.append((name, data.decode(codec_name, errors="replace")))
        except LookupError:
            continue
    out.append(("逐行识别编码", _by_line(data)))
    return out


def _by_line(data: bytes) -> str:
    """Mixed encodings in one part: each line in the first charset that reads it cleanly."""
    lines = []
    for line in data.splitlines(keepends=True):
        for codec in ("utf-8", "gb18030", "big5hkscs"):
            try:
                lines.append(line.decode(codec))
                break
            except UnicodeDecodeError:
                continue
        else:
            lines.append(line.decode("utf-8", errors="replace"))
    return "".join(lines)


def _plausible(text: str) -> bool:
    """Not mostly replacement characters or controls."""
    if not text.strip():
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\r\n"))
    return bad <= max(2, len(text) // 20)


#: A 16-bit unit that is neither a common ideograph, ASCII, CJK punctuation nor a full-width form.
_UNCOMMON_UNIT = re.compile("[^\u4e00-\u9fff\x00-\x7e\u3000-\u303f\uff00-\uffef]")


def _looks_utf16(data: bytes) -> bool:
    """UTF-16/32 without a BOM: many NUL bytes (Latin text), or 16-bit units that are almost all
    common ideographs, ASCII or CJK punctuation (Chinese text; garbage lands there a third of
    the time)."""
    if _nul_share(data) > 0.05:
        return True
    if len(data) % 2 or len(data) < 8:
        return False
    sample = data[:8192]
    for codec in ("utf-16-le", "utf-16-be"):
        text = sample.decode(codec, errors="replace")
        head = text[: len(text) // 3]
        if len(head) - len(_UNCOMMON_UNIT.sub("", head)) > 0.2 * len(text):
            continue  # the usual 8-bit text: its first third alone rules out 90 % common units
        common = len(_UNCOMMON_UNIT.sub("", text))
        if common >= 0.9 * len(text):
            return True
    return False


def _nul_share(data: bytes) -> float:
    sample = data[:4096]
    return sample.count(0) / len(sample) if sample else 0.0


def detect(data: bytes) -> str:
    """Decode bytes whose charset is unknown (or a lie)."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        pass
    else:
        if "~{" in text and "~}" in text:  # HZ-GB-2312 (RFC 1843): 7-bit GB2312 in old mail
            try:
                return data.decode("hz")
            except UnicodeDecodeError:
                pass
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if len(data) < _SHORT and _strict(data, "gb18030"):
        return data.decode("gb18030")  # too short for statistics: the unit's usual charset
    best = from_bytes(data[:65536], cp_isolation=_CANDIDATES).best()
    encoding = best.encoding if best is not None else "gb18030"
    return data.decode(encoding, errors="replace")


def decode_header_bytes(data: bytes, hint: str | None = None) -> str:
    """Raw 8-bit bytes in a header (no RFC 2047): UTF-8, then the message's body charset, then
    GB18030 if it decodes cleanly (short strings defeat statistical detection)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = codec_for(hint)
    if codec and codec not in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    if len(data) >= 32:
        return detect(data)
    for codec in ("gb18030", "big5hkscs"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def _bom(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _has_cjk_pairs(data: bytes) -> bool:
    """Bytes labelled Latin-1 that are really GB/Big5: many consecutive high bytes."""
    high = sum(1 for b in data[:4096] if b >= 0x80)
    return high > 16 and high > len(data[:4096]) // 10
