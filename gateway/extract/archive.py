"""Archives and compressed streams: zip, 7z, tar, gzip, bzip2, xz — in memory, under limits.

Every member is read with a byte cap (``max_expanded_bytes`` left in the message's budget, and
``max_ratio`` × its compressed size once it passes 1 MiB), counted against ``max_members``, and
handed back to the walker as a nested document one level deeper (``max_depth`` stops quines such
as ``droste.zip`` and ``quine.gz``). Member names are labels only. Encrypted members are
``encrypted``. RAR lives in :mod:`.rar`. A zip is first checked from its central directory alone
(overlapping entries, declared sizes and ratios) so that an obvious bomb is refused before
anything is inflated; every byte inflated counts, also that of a member then refused.
"""

from __future__ import annotations

import bz2
import io
import lzma
import posixpath
import tarfile
import zlib
from collections.abc import Callable
from typing import Protocol

import py7zr
import py7zr.exceptions
import py7zr.io

from gateway.extract import charset
from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Unreadable, Walker
from gateway.extract.zipread import check_entries, member_name, open_zip, read_member
from matchers.model import UnscannableReason


def _too_many(node: Node, count: int, walker: Walker) -> None:
    if count > walker.limits.max_members:
        raise Unreadable(
            UnscannableReason.LIMIT_MEMBERS,
            f"{node.name} 含 {count} 个成员，超过 {walker.limits.max_members}",
        )


def _member(node: Node, name: str, walker: Walker, data: bytes) -> None:
    """A member is a nested document; its name is text too (names alone can leak a matter)."""
    location = node.at(name)
    walker.text(f"{location} › 文件名", name)
    walker.document(data, posixpath.basename(name.rstrip("/")) or name, location, node.depth + 1)


@extractor(Kind.ZIP)
def extract_zip(data: bytes, node: Node, walker: Walker) -> None:
    start = data.find(b"PK\x03\x04")
    if start > 0:  # a zip appended to something (self-extractor, script): read the prefix too
        prefix = data[:start]
        if b"\x00" not in prefix[:4096]:
            walker.text(node.at("前置内容"), charset.decode(prefix))
    with open_zip(data, node.name, walker, node.location) as zf:
        # a "directory" entry that carries data is read like a file: unzip tools differ on it
        infos = [i for i in zf.infolist() if not i.is_dir() or i.file_size or i.compress_size]
        _too_many(node, len(infos), walker)
        check_entries(zf, walker, node.name)
        for info in infos:
            name = member_name(info).replace("\\", "/")
            member = read_member(zf, info, walker, f"{node.name} › {name}")
            if member == data:  # a quine (droste.zip): it would contain itself for ever
                raise Unreadable(UnscannableReason.LIMIT_DEPTH, f"{node.name} 包含自身（zip 炸弹）")
            _member(node, name, walker, member)


class _CappedIO(py7zr.io.Py7zIO):
    """An in-memory member; all members of one archive share one byte allowance."""

    def __init__(self, factory: _Factory) -> None:
        self.factory = factory
        self.buffer = io.BytesIO()

    def write(self, s: bytes | bytearray) -> int:
        self.factory.total += len(s)
        if self.factory.total > self.factory.cap:
            raise _Overrun
        return self.buffer.write(s)

    def read(self, size: int | None = None) -> bytes:
        return self.buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.buffer.seek(offset, whence)

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return len(self.buffer.getbuffer())


class _Overrun(Exception):
    pass


class _Factory(py7zr.io.WriterFactory):
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.total = 0
        self.products: dict[str, _CappedIO] = {}

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        product = _CappedIO(self)
        self.products[filename] = product
        return product


# What py7zr lets escape from a damaged archive (it does not wrap its decoders' errors).
_SEVENZIP_FAULTS: tuple[type[BaseException], ...] = (
    py7zr.exceptions.Bad7zFile,
    py7zr.exceptions.ArchiveError,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    lzma.LZMAError,
)
# ... and while decoding members.
_SEVENZIP_DECODE_FAULTS: tuple[type[BaseException], ...] = (
    py7zr.exceptions.CrcError,
    zlib.error,
    *_SEVENZIP_FAULTS,
)


@extractor(Kind.SEVEN_Z)
def extract_7z(data: bytes, node: Node, walker: Walker) -> None:
    try:
        archive = py7zr.SevenZipFile(io.BytesIO(data), mode="r")
    except py7zr.exceptions.PasswordRequired as exc:
        raise Unreadable(UnscannableReason.ENCRYPTED, "7z 文件名已加密（需要密码）") from exc
    except _SEVENZIP_FAULTS as exc:
        raise Unreadable(UnscannableReason.CORRUPT, f"7z 无法打开：{exc}") from exc
    with archive:
        if archive.needs_password():
            raise Unreadable(UnscannableReason.ENCRYPTED, "7z 已加密（需要密码）")
        entries = [e for e in archive.list() if not e.is_directory]
        _too_many(node, len(entries), walker)
        cap = walker.cap(len(data))
        declared = sum(e.uncompressed or 0 for e in entries)
        if declared > cap:
            walker.spend(declared, len(data), node.name)
            raise Unreadable(UnscannableReason.LIMIT_SIZE, f"{node.name} 解压超过上限")
        factory = _Factory(cap)
        try:
            archive.extract(factory=factory)
        except _Overrun as exc:
            raise Unreadable(UnscannableReason.LIMIT_SIZE, f"{node.name} 解压超过上限") from exc
        except py7zr.exceptions.UnsupportedCompressionMethodError as exc:
            raise Unreadable(UnscannableReason.UNSUPPORTED, f"7z 压缩方法不受支持：{exc}") from exc
        except _SEVENZIP_DECODE_FAULTS as exc:
            raise Unreadable(
                UnscannableReason.CORRUPT, f"7z 解压失败：{type(exc).__name__}: {exc}"
            ) from exc
    total = sum(p.size() for p in factory.products.values())
    walker.spend(total, len(data), node.name)
    walker.add_expanded(total)
    for name, product in factory.products.items():
        _member(node, name, walker, product.buffer.getvalue())


@extractor(Kind.TAR)
def extract_tar(data: bytes, node: Node, walker: Walker) -> None:
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")  # noqa: SIM115 (closed below)
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise Unreadable(UnscannableReason.CORRUPT, f"tar 无法打开：{exc}") from exc
    with archive:
        count = 0
        for info in archive:
            walker.check_deadline()
            if not info.isfile():
                continue  # links and devices carry no content; never followed
            count += 1
            _too_many(node, count, walker)
            walker.spend(info.size, len(data), f"{node.name} › {info.name}")
            handle = archive.extractfile(info)
            if handle is None:
                continue
            blob = handle.read(info.size)
            walker.add_expanded(len(blob))
            _member(node, info.name, walker, blob)


def _stream(
    data: bytes,
    node: Node,
    walker: Walker,
    make: Callable[[], _Decompressor],
    errors: tuple[type[BaseException], ...],
) -> None:
    cap = walker.cap(len(data))
    out = bytearray()
    try:
        decomp, feed = make(), data
        while len(out) <= cap:
            chunk = decomp.decompress(feed, cap + 1 - len(out))
            out += chunk
            walker.check_deadline()
            if decomp.eof:
                rest = decomp.unused_data
                if not rest.strip(b"\x00"):
                    break
                decomp, feed = make(), rest  # concatenated members (RFC 1952 §2.2)
                continue
            if decomp.needs_input or (not chunk and not feed):
                break  # truncated stream: scan what was recovered
            feed = b""
    except errors as exc:
        if not out:
            raise Unreadable(UnscannableReason.CORRUPT, f"{node.name} 解压失败：{exc}") from exc
    walker.spend(len(out), len(data), node.name)
    if len(out) > cap:
        raise Unreadable(UnscannableReason.LIMIT_SIZE, f"{node.name} 解压超过上限")
    walker.add_expanded(len(out))
    inner = node.name
    for suffix, replacement in (
        (".tgz", ".tar"),
        (".tbz2", ".tar"),
        (".gz", ""),
        (".bz2", ""),
        (".xz", ""),
        (".txz", ".tar"),
    ):
        if inner.lower().endswith(suffix):
            inner = inner[: -len(suffix)] + replacement
            break
    walker.document(bytes(out), inner, node.at(inner), node.depth + 1)


class _Decompressor(Protocol):
    @property
    def eof(self) -> bool: ...
    @property
    def unused_data(self) -> bytes: ...
    @property
    def needs_input(self) -> bool: ...

    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


class _Gzip:
    """zlib's gzip decoder with the bz2/lzma decompressor interface."""

    def __init__(self) -> None:
        self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def decompress(self, data: bytes, max_length: int = -1) -> bytes:
        return self._d.decompress(data or self._d.unconsumed_tail, max(max_length, 0))

    @property
    def eof(self) -> bool:
        return self._d.eof

    @property
    def unused_data(self) -> bytes:
        return self._d.unused_data

    @property
    def needs_input(self) -> bool:
        return not self._d.unconsumed_tail


@extractor(Kind.GZIP)
def extract_gzip(data: bytes, node: Node, walker: Walker) -> None:
    _stream(data, node, walker, _Gzip, (zlib.error,))


@extractor(Kind.BZIP2)
def extract_bzip2(data: bytes, node: Node, walker: Walker) -> None:
    _stream(data, node, walker, bz2.BZ2Decompressor, (OSError, ValueError, EOFError))


@extractor(Kind.XZ)
def extract_xz(data: bytes, node: Node, walker: Walker) -> None:
    _stream(
        data,
        node,
        walker,
        lambda: lzma.LZMADecompressor(memlimit=256 * 1024 * 1024),
        (lzma.LZMAError, EOFError),
    )
