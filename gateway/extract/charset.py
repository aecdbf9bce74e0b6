"""Turning bytes into text: declared, mislabelled and undeclared charsets.

Policy (DESIGN "Extraction"): a ``gb2312``/``gbk`` label is read as GB18030 (its superset; mail
labelled gb2312 routinely holds GBK-only characters); ``big5`` as Big5-HKSCS; ``iso-8859-1`` and
``us-ascii`` as windows-1252 (the WHATWG Encoding Standard does the same). A label that does not
decode the bytes is treated as a lie: UTF-8 is tried next, then detection. Undeclared text is
tried as UTF-8 first and otherwise detected with charset-normalizer, restricted to the encodings
a Chinese unit actually receives so that short samples are not guessed as something exotic.
"""

from __future__ import annotations

import codecs

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
