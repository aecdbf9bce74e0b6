"""Reading zip containers in memory under the walker's limits (used by archives and office)."""

from __future__ import annotations

import io
import zipfile
import zlib

from gateway.extract.walker import Unreadable, Walker
from matchers.model import UnscannableReason

_CHUNK = 1 << 20


def open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise Unreadable(UnscannableReason.CORRUPT, f"{what} 不是有效的 zip：{exc}") from exc


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


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, walker: Walker, what: str) -> bytes:
    """The member's bytes, stopping as soon as a size or ratio limit is overrun."""
    if info.flag_bits & 0x1:
        raise Unreadable(UnscannableReason.ENCRYPTED, f"{what} 已加密（需要密码）")
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
    walker.spend(len(out), info.compress_size, what)
    if len(out) > cap:  # the cap came from the budget, not the ratio
        raise Unreadable(UnscannableReason.LIMIT_SIZE, f"{what} 超过解压上限")
    walker.add_expanded(len(out))
    return bytes(out)
