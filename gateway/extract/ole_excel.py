"""Excel 97-2003 ``.xls`` and Kingsoft ``.et`` text from the BIFF Workbook stream.

[MS-XLS] §2.4: FILEPASS (0x002F) means the workbook is encrypted (RC4 or XOR); BOUNDSHEET8
(0x0085) gives sheet names; SST (0x00FC, continued in CONTINUE 0x003C records) holds every shared
string of every sheet, hidden sheets included; LABEL (0x0204, BIFF5/7 ``Book`` streams and some
writers) holds inline cell strings in the CODEPAGE (0x0042) charset; STRING (0x0207) the text
results of formulas; HEADER/FOOTER (0x0014/0x0015) the page header and footer. Strings split across a
CONTINUE record restart with a fresh option byte (§2.5.293), which :class:`_Reader` honours.
"""

from __future__ import annotations

import struct

from gateway.extract.charset import codec_for
from gateway.extract.walker import Unreadable
from matchers.model import UnscannableReason

_FILEPASS = 0x002F
_SST = 0x00FC
_CONTINUE = 0x003C
_LABEL = 0x0204
_BOUNDSHEET = 0x0085
_CODEPAGE = 0x0042
_STRING = 0x0207
_HEADER = 0x0014
_FOOTER = 0x0015


def records(stream: bytes) -> list[tuple[int, bytes]]:
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos + 4 <= len(stream):
        rtype, length = struct.unpack_from("<HH", stream, pos)
        out.append((rtype, stream[pos + 4 : pos + 4 + length]))
        pos += 4 + length
    return out


def text(stream: bytes, biff8: bool) -> list[tuple[str, str]]:
    """[(label, text)]: sheet names and every string cell."""
    recs = records(stream)
    codec = "cp1252"
    sheets: list[str] = []
    strings: list[str] = []
    labels: list[str] = []
    for index, (rtype, body) in enumerate(recs):
        if rtype == _FILEPASS:
            raise Unreadable(UnscannableReason.ENCRYPTED, "Excel 工作簿已加密（需要密码）")
        if rtype == _CODEPAGE and len(body) >= 2:
            (cp,) = struct.unpack_from("<H", body)
            codec = "utf-16-le" if cp == 1200 else codec_for(f"cp{cp}") or "cp1252"
        elif rtype == _BOUNDSHEET and len(body) > 6:
            sheets.append(_short_string(body[6:], biff8, codec))
        elif rtype == _SST and biff8:
            chunks = [body[8:]]
            for ctype, cbody in recs[index + 1 :]:
                if ctype != _CONTINUE:
                    break
                chunks.append(cbody)
            (unique,) = struct.unpack_from("<I", body, 4) if len(body) >= 8 else (0,)
            strings = _Reader(chunks).strings(unique)
        elif rtype == _LABEL and len(body) > 8:
            labels.append(_long_string(body[6:], biff8, codec))
        elif rtype == _STRING and len(body) > 2:  # a formula's cached text result
            labels.append(_long_string(body, biff8, codec))
        elif rtype in (_HEADER, _FOOTER) and len(body) > 2:
            labels.append(
                _long_string(body, biff8, codec) if biff8 else _short_string(body, False, codec)
            )
    out: list[tuple[str, str]] = []
    if sheets:
        out.append(("工作表名称", "\n".join(sheets)))
    cells = [s for s in strings + labels if s]
    if cells:
        out.append(("单元格", "\n".join(cells)))
    return out


def _short_string(body: bytes, biff8: bool, codec: str) -> str:
    length = body[0]
    if biff8:
        flags = body[1]
        raw = body[2 : 2 + length * (2 if flags & 1 else 1)]
        return raw.decode("utf-16-le" if flags & 1 else "latin-1", errors="replace")
    return body[1 : 1 + length].decode(codec, errors="replace")


def _long_string(body: bytes, biff8: bool, codec: str) -> str:
    (length,) = struct.unpack_from("<H", body)
    if biff8:
        flags = body[2]
        raw = body[3 : 3 + length * (2 if flags & 1 else 1)]
        return raw.decode("utf-16-le" if flags & 1 else "latin-1", errors="replace")
    return body[2 : 2 + length].decode(codec, errors="replace")


class _Reader:
    """Reads XLUnicodeRichExtendedStrings across SST/CONTINUE record boundaries."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.index = 0
        self.pos = 0

    def _need(self, n: int) -> bytes:
        out = bytearray()
        while len(out) < n:
            if self.index >= len(self.chunks):
                raise EOFError
            chunk = self.chunks[self.index]
            take = chunk[self.pos : self.pos + n - len(out)]
            out += take
            self.pos += len(take)
            if self.pos >= len(chunk) and len(out) < n:
                self.index += 1
                self.pos = 0
        return bytes(out)

    def _chars(self, count: int, wide: bool) -> str:
        parts: list[str] = []
        while count > 0:
            if self.index >= len(self.chunks):
                raise EOFError
            chunk = self.chunks[self.index]
            if self.pos >= len(chunk):
                self.index += 1
                self.pos = 0
                if self.index >= len(self.chunks):
                    raise EOFError
                wide = bool(self.chunks[self.index][0] & 1)  # fresh option byte
                self.pos = 1
                continue
            width = 2 if wide else 1
            available = (len(chunk) - self.pos) // width
            take = min(count, available)
            if take == 0:  # a malformed split in the middle of a character
                self.pos = len(chunk)
                continue
            raw = chunk[self.pos : self.pos + take * width]
            parts.append(raw.decode("utf-16-le" if wide else "latin-1", errors="replace"))
            self.pos += take * width
            count -= take
        return "".join(parts)

    def _skip(self, n: int) -> None:
        if n > 0:
            self._need(n)

    def strings(self, unique: int) -> list[str]:
        out: list[str] = []
        try:
            for _ in range(min(unique, 10_000_000)):
                (count,) = struct.unpack("<H", self._need(2))
                flags = self._need(1)[0]
                runs = struct.unpack("<H", self._need(2))[0] if flags & 0x08 else 0
                ext = struct.unpack("<I", self._need(4))[0] if flags & 0x04 else 0
                out.append(self._chars(count, bool(flags & 1)))
                self._skip(4 * runs)
                self._skip(ext)
        except (EOFError, struct.error):
            pass  # a truncated SST: keep the strings read so far
        return out
