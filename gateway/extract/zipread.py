"""Reading zip containers in memory under the walker's limits (used by archives and office)."""

from __future__ import annotations

import io
import itertools
import re
import struct
import zipfile
import zlib

from gateway.extract.walker import RATIO_FLOOR, Unreadable, Walker
from matchers.model import UnscannableReason

_CHUNK = 1 << 20


def open_zip(
    data: bytes, what: str, walker: Walker | None = None, location: str = ""
) -> zipfile.ZipFile:
    """The zip in ``data``. A damaged or truncated one (no central directory, a member cut
    off) is, with a ``walker``, rebuilt from its local file headers (APPNOTE 4.3.7) and read as
    far as it goes — a cut member's XML is closed — and recorded as ``corrupt`` (held) too."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        problem = Unreadable(UnscannableReason.CORRUPT, f"{what} 不是有效的 zip：{exc}")
        if walker is None or not data.startswith(_LOCAL):
            raise problem from exc
        rebuilt, complete = _salvage(data, walker, what)
        if not rebuilt:
            raise problem from exc
        detail = (
            "zip 不完整（可能被截断），已读取可恢复部分" if not complete else f"zip 目录损坏：{exc}"
        )
        walker.fail(location or what, UnscannableReason.CORRUPT, detail)
        return zipfile.ZipFile(io.BytesIO(rebuilt))


_LOCAL = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.:-]*)[^<>]*?(/?)>|<!--.*?-->|<\?.*?\?>", re.DOTALL)


def _salvage(data: bytes, walker: Walker, what: str) -> tuple[bytes, bool]:
    """A new zip holding every member the local headers still give; (zip, all complete)."""
    out = io.BytesIO()
    count = 0
    complete = True
    with zipfile.ZipFile(out, "w") as rebuilt:
        pos = data.find(_LOCAL)
        while (
            pos != -1
            and pos + _LOCAL_HEADER.size <= len(data)
            and count < walker.limits.max_members
        ):
            fields = _LOCAL_HEADER.unpack_from(data, pos)
            flags, method, size, name_len, extra_len = (
                fields[2],
                fields[3],
                fields[7],
                fields[9],
                fields[10],
            )
            raw_name = data[pos + 30 : pos + 30 + name_len]
            start = pos + 30 + name_len + extra_len
            if flags & 0x1 or method not in (0, 8) or (method == 0 and flags & 0x8):
                complete = False
                break  # encrypted, exotic or of unknown length: nothing further can be walked
            known = not flags & 0x8
            chunk = data[start : start + size] if known else data[start:]
            cap = walker.cap(len(chunk))
            if method == 8:
                inflater = zlib.decompressobj(-15)
                try:
                    content = inflater.decompress(chunk, cap + 1)
                except zlib.error:
                    content, done = b"", False
                else:
                    done = inflater.eof
                used = len(chunk) - len(inflater.unused_data) if done else len(chunk)
            else:
                content, done, used = chunk, len(chunk) == size, len(chunk)
            walker.spend(len(content), used, f"{what}/{raw_name.decode('utf-8', 'replace')}")
            walker.add_expanded(len(content))
            name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
            if not done:
                complete = False
                if name.endswith((".xml", ".rels")):
                    content = close_xml(content)
            if name and not name.endswith("/"):
                rebuilt.writestr(name, content)
                count += 1
            if not done:
                break
            pos = data.find(_LOCAL, start + used)
    return (out.getvalue() if count else b""), complete


def close_xml(data: bytes) -> bytes:
    """Well-formed XML from a cut-off prefix: drop the broken last tag, close what is open."""
    data = data[: data.rfind(b">") + 1]
    open_tags: list[bytes] = []
    for m in _TAG.finditer(data):
        closing, name, empty = m.group(1), m.group(2), m.group(3)
        if name is None or empty:
            continue
        if closing:
            if open_tags and open_tags[-1] == name:
                open_tags.pop()
        else:
            open_tags.append(name)
    return data + b"".join(b"</" + name + b">" for name in reversed(open_tags))


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's display name. Without the UTF-8 flag (APPNOTE 4.4.4 bit 11) zipfile decodes
    cp437; Chinese Windows tools write GBK there, so re-read those bytes as UTF-8 or GB18030."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def check_entries(zf: zipfile.ZipFile, walker: Walker, what: str) -> None:
    """Refuse an obvious bomb from the central directory alone, before inflating anything:
    entries whose data overlap (one compressed kernel referenced many times, Fifield's
    "better zip bomb") and declared sizes beyond the message's expansion budget."""
    infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
    for prev, info in itertools.pairwise(infos):
        # a local header is 30 bytes plus the name before the data (APPNOTE 4.3.7)
        if info.header_offset < prev.header_offset + 30 + prev.compress_size:
            raise Unreadable(UnscannableReason.LIMIT_RATIO, f"{what} 的成员相互重叠（zip 炸弹）")
    for info in infos:  # declared ratios first: the more precise reason for the officer
        if (
            info.file_size > RATIO_FLOOR
            and info.file_size > info.compress_size * walker.limits.max_ratio
        ):
            raise Unreadable(
                UnscannableReason.LIMIT_RATIO,
                f"{what} › {member_name(info)} 声明的解压比超过 {walker.limits.max_ratio}:1",
            )
    declared = sum(i.file_size for i in infos)
    if walker.expanded + declared > walker.limits.max_expanded_bytes:
        raise Unreadable(
            UnscannableReason.LIMIT_SIZE,
            f"{what} 声明的解压总量 {declared} 字节超过 {walker.limits.max_expanded_bytes}",
        )


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, walker: Walker, what: str) -> bytes:
    """The member's bytes, stopping as soon as a size or ratio limit is overrun. A member whose
    declared size already breaks a limit is refused without inflating; every byte inflated,
    also of a member then refused, counts against ``max_expanded_bytes``."""
    if info.flag_bits & 0x1:
        raise Unreadable(UnscannableReason.ENCRYPTED, f"{what} 已加密（需要密码）")
    # zipfile never yields more than the declared size (it checks the CRC at that point), so
    # the declared size is the most a member can cost: refuse on it before any inflating
    walker.spend(info.file_size, info.compress_size, what)
    cap = walker.cap(info.compress_size)
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while len(out) <= cap:
                chunk = fh.read(min(_CHUNK, cap + 1 - len(out)))
                if not chunk:
                    break
                out += chunk
                walker.check_deadline()
    except NotImplementedError as exc:
        raise Unreadable(UnscannableReason.UNSUPPORTED, f"{what}：{exc}") from exc
    except RuntimeError as exc:  # zipfile: "File is encrypted, password required"
        raise Unreadable(UnscannableReason.ENCRYPTED, f"{what}：{exc}") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise Unreadable(UnscannableReason.CORRUPT, f"{what} 解压失败：{exc}") from exc
    finally:
        walker.add_expanded(len(out))  # inflated is spent, whatever happens next
    produced = len(out)
    if produced > RATIO_FLOOR and produced > info.compress_size * walker.limits.max_ratio:
        raise Unreadable(
            UnscannableReason.LIMIT_RATIO, f"{what} 解压比超过 {walker.limits.max_ratio}:1"
        )
    walker.spend(0, info.compress_size, what)  # the message's budget, this member included
    if produced > cap:
        raise Unreadable(UnscannableReason.LIMIT_SIZE, f"{what} 超过解压上限")
    return bytes(out)
