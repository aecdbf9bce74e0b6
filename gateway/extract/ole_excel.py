"""Excel 97-2003 ``.xls`` and Kingsoft ``.et`` cells, sheet by sheet, from the BIFF stream.

[MS-XLS] §2.4: FILEPASS (0x002F) means the workbook is encrypted (RC4 or XOR); BOUNDSHEET8
(0x0085) gives sheet names and hidden state; SST (0x00FC, continued in CONTINUE 0x003C records)
holds the shared strings that LABELSST (0x00FD) cells point to. Each sheet is a BOF…EOF
substream after the workbook globals; its cells are LABELSST, LABEL/RSTRING (inline text in the
CODEPAGE charset, BIFF5/7), NUMBER, RK and MULRK (numbers: a phone number in a roster is one),
FORMULA results (text ones in the following STRING record), and HEADER/FOOTER. Strings split
across a CONTINUE record restart with a fresh option byte (§2.5.293), which :class:`_Reader`
honours.
"""

from __future__ import annotations

import struct

from gateway.extract.charset import codec_for
from gateway.extract.headerfooter import header_footer_text
from gateway.extract.walker import Unreadable
from matchers.model import UnscannableReason

_FILEPASS = 0x002F
_SST = 0x00FC
_CONTINUE = 0x003C
_LABEL = 0x0204
_BOUNDSHEET = 0x0085
_CODEPAGE = 0x0042
_STRING = 0x0207
_LABELSST = 0x00FD
_RSTRING = 0x00D6
_NUMBER = 0x0203
_RK = 0x027E
_MULRK = 0x00BD
_FORMULA = 0x0006
_BOF = 0x0809
_EOF = 0x000A
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


def text(stream: bytes, biff8: bool, budget: int) -> list[tuple[str, str]]:
    """[(label, text)]: the sheet names, then every sheet's cells row by row (text, numbers,
    formula results) with its page header/footer. ``budget`` caps the characters produced
    (a shared string referenced by many cells is counted each time)."""
    recs = records(stream)
    codec = "cp1252"
    sheets: list[tuple[str, bool]] = []
    strings: list[str] = []
    for index, (rtype, body) in enumerate(recs):
        if rtype == _FILEPASS:
            raise Unreadable(UnscannableReason.ENCRYPTED, "Excel 工作簿已加密（需要密码）")
        if rtype == _CODEPAGE and len(body) >= 2:
            (cp,) = struct.unpack_from("<H", body)
            codec = "utf-16-le" if cp == 1200 else codec_for(f"cp{cp}") or "cp1252"
        elif rtype == _BOUNDSHEET and len(body) > 6:
            hidden = body[4] & 0x03 != 0  # hsState: 1 hidden, 2 very hidden
            sheets.append((_short_string(body[6:], biff8, codec), hidden))
        elif rtype == _SST and biff8:
            chunks = [body[8:]]
            for ctype, cbody in recs[index + 1 :]:
                if ctype != _CONTINUE:
                    break
                chunks.append(cbody)
            (unique,) = struct.unpack_from("<I", body, 4) if len(body) >= 8 else (0,)
            strings = _Reader(chunks).strings(unique)
    grid = _Grid(budget)
    depth = 0
    sheet = -2  # the first substream is the workbook globals
    formula_cell: tuple[int, int] | None = None
    for rtype, body in recs:
        if rtype == _BOF:
            depth += 1
            if depth == 1:
                sheet += 1
            continue
        if rtype == _EOF:
            depth = max(0, depth - 1)
            continue
        if sheet < 0 or depth != 1:
            continue  # globals, or a chart embedded in a sheet
        try:
            formula_cell = _cell(rtype, body, sheet, grid, strings, biff8, codec, formula_cell)
        except (struct.error, IndexError):
            continue  # one malformed record: the rest of the sheet still counts
    out: list[tuple[str, str]] = []
    if sheets:
        out.append(("工作表名称", "\n".join(name for name, _ in sheets)))
    for number, lines in grid.sheets():
        name, hidden = sheets[number] if number < len(sheets) else (f"Sheet{number + 1}", False)
        out.append((f"工作表 {name}（隐藏）" if hidden else f"工作表 {name}", lines))
    return out


def _cell(
    rtype: int,
    body: bytes,
    sheet: int,
    grid: _Grid,
    strings: list[str],
    biff8: bool,
    codec: str,
    formula_cell: tuple[int, int] | None,
) -> tuple[int, int] | None:
    """Add one cell record to ``grid``; returns the formula cell awaiting a STRING record."""
    if rtype == _LABELSST:
        row, col, _xf, isst = struct.unpack_from("<HHHI", body)
        grid.add(sheet, row, col, strings[isst] if isst < len(strings) else "")
    elif rtype in (_LABEL, _RSTRING):
        row, col = struct.unpack_from("<HH", body)
        grid.add(sheet, row, col, _long_string(body[6:], biff8, codec))
    elif rtype == _NUMBER:
        row, col, _xf, value = struct.unpack_from("<HHHd", body)
        grid.add(sheet, row, col, _number(value))
    elif rtype == _RK:
        row, col, _xf, rk = struct.unpack_from("<HHHi", body)
        grid.add(sheet, row, col, _number(_rk(rk)))
    elif rtype == _MULRK:
        row, first = struct.unpack_from("<HH", body)
        for i in range((len(body) - 6) // 6):
            (rk,) = struct.unpack_from("<i", body, 4 + 6 * i + 2)
            grid.add(sheet, row, first + i, _number(_rk(rk)))
    elif rtype == _FORMULA:
        row, col = struct.unpack_from("<HH", body)
        if body[12:14] == b"\xff\xff":  # a non-numeric result
            return (row, col) if body[6] == 0 else None  # 0: the text follows in STRING
        (value,) = struct.unpack_from("<d", body, 6)
        grid.add(sheet, row, col, _number(value))
    elif rtype == _STRING and formula_cell is not None:
        grid.add(sheet, *formula_cell, _long_string(body, biff8, codec))
    elif rtype in (_HEADER, _FOOTER) and len(body) > 2:
        value = _long_string(body, biff8, codec) if biff8 else _short_string(body, False, codec)
        grid.add(sheet, 1 << 20, 0, header_footer_text(value))  # after the last row
    return None


def _rk(rk: int) -> float:
    """[MS-XLS] §2.5.217 RkNumber: a 30-bit integer or the high bits of a double, maybe /100."""
    if rk & 0x02:
        value = float(rk >> 2)
    else:
        (value,) = struct.unpack("<d", struct.pack("<q", (rk & ~0x03) << 32))
    return value / 100 if rk & 0x01 else value


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # 13662615434, not 13662615434.0
    return repr(value)


class _Grid:
    """Cells per sheet, row and column, under a character budget."""

    def __init__(self, budget: int) -> None:
        self.cells: dict[int, dict[int, dict[int, str]]] = {}
        self.budget = budget

    def add(self, sheet: int, row: int, col: int, value: str) -> None:
        if not value:
            return
        self.budget -= len(value)
        if self.budget < 0:
            raise Unreadable(UnscannableReason.LIMIT_SIZE, "Excel 单元格文本展开后超过上限")
        self.cells.setdefault(sheet, {}).setdefault(row, {})[col] = value

    def sheets(self) -> list[tuple[int, str]]:
        out = []
        for sheet in sorted(self.cells):
            rows = self.cells[sheet]
            lines = ["\t".join(rows[r][c] for c in sorted(rows[r])) for r in sorted(rows)]
            out.append((sheet, "\n".join(lines)))
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
