"""OLE2 compound files: legacy Office and WPS documents, Outlook .msg, encrypted OOXML, and the
objects embedded in them.

The stream layout decides the format, not the name: ``WordDocument`` → Word/WPS text,
``Workbook``/``Book`` → Excel/ET, ``PowerPoint Document`` → PowerPoint/DPS, ``__substg1.0_*`` →
Outlook message, ``EncryptedPackage`` → a password-protected docx/xlsx/pptx (``encrypted``).
Embedded objects (``ObjectPool``, ``MBD*``, ``Ole10Native`` packages, ``Package`` streams,
``CONTENTS``) are handed back to the walker as nested documents, and pictures (Word's ``Data``,
PowerPoint's ``Pictures``, Excel's drawing group) to OCR (:mod:`.ole_pictures`).
"""

from __future__ import annotations

import struct

import olefile

from gateway.extract import msg as outlook
from gateway.extract import ole_excel, ole_pictures, ole_ppt, ole_word
from gateway.extract.detect import Kind
from gateway.extract.registry import extractor
from gateway.extract.walker import Node, Unreadable, Walker
from matchers.model import UnscannableReason

_MAX_STREAMS = 20_000


def open_ole(data: bytes, what: str) -> olefile.OleFileIO:
    try:
        return olefile.OleFileIO(data)
    except (
        OSError,
        ValueError,
        struct.error,
        IndexError,
        KeyError,
        TypeError,
        RecursionError,
    ) as exc:
        raise Unreadable(UnscannableReason.CORRUPT, f"{what} OLE 结构损坏：{exc}") from exc


class Storage:
    """One storage (the root or an embedded object's) inside an open OLE file."""

    def __init__(self, ole: olefile.OleFileIO, prefix: tuple[str, ...], walker: Walker) -> None:
        self.ole = ole
        self.prefix = prefix
        self.walker = walker
        self.entries = [
            tuple(e)
            for e in ole.listdir(streams=True, storages=True)
            if tuple(e[: len(prefix)]) == prefix
        ]
        if len(self.entries) > _MAX_STREAMS:
            raise Unreadable(UnscannableReason.LIMIT_MEMBERS, "OLE 流过多")

    def children(self) -> set[str]:
        return {e[len(self.prefix)] for e in self.entries if len(e) > len(self.prefix)}

    def has(self, name: str) -> bool:
        return any(len(e) == len(self.prefix) + 1 and e[-1] == name for e in self.entries)

    def read(self, name: str) -> bytes:
        path = "/".join((*self.prefix, name))
        try:
            size = self.ole.get_size(path)
            if size > self.walker.limits.max_expanded_bytes - self.walker.expanded:
                raise Unreadable(UnscannableReason.LIMIT_SIZE, f"OLE 流 {name} 过大")
            with self.ole.openstream(path) as fh:
                blob: bytes = fh.read()
        except Unreadable:
            raise
        except (OSError, ValueError, struct.error, IndexError, KeyError, TypeError) as exc:
            raise Unreadable(UnscannableReason.CORRUPT, f"OLE 流 {name} 无法读取：{exc}") from exc
        self.walker.add_expanded(len(blob))
        return blob

    def sub(self, name: str) -> Storage:
        return Storage(self.ole, (*self.prefix, name), self.walker)


@extractor(Kind.OLE, Kind.DOC, Kind.XLS, Kind.PPT, Kind.MSG)
def extract_ole(data: bytes, node: Node, walker: Walker) -> None:
    ole = open_ole(data, node.name)
    try:
        read_storage(Storage(ole, (), walker), node, walker)
    finally:
        ole.close()


def read_storage(storage: Storage, node: Node, walker: Walker) -> None:
    names = storage.children()
    if not names:
        return  # an empty compound file (PowerPoint writes these for some objects): no content
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise Unreadable(UnscannableReason.ENCRYPTED, "Office 文档已加密（需要密码）")
    if "\tDRMContent" in names or "\x09DRMContent" in names:
        raise Unreadable(UnscannableReason.ENCRYPTED, "Office 文档受权限管理（IRM/DRM）保护")
    if "EncryptedSummary" in names:
        raise Unreadable(UnscannableReason.ENCRYPTED, "PowerPoint 文档已加密（需要密码）")
    if any(n.startswith("__substg1.0_") for n in names):
        outlook.read_message(storage, node, walker)
        return
    understood = False
    if "WordDocument" in names:
        understood = True
        tables: dict[str, bytes] = {t: storage.read(t) for t in ("0Table", "1Table") if t in names}
        for label, text in ole_word.stories(storage.read("WordDocument"), tables):
            walker.text(node.at(label), text)
        if "Data" in names and storage.has("Data"):
            ole_pictures.read_pictures(storage.read("Data"), node, walker)
    for book in ("Workbook", "Book"):
        if book in names:
            understood = True
            budget = walker.limits.max_expanded_bytes - walker.expanded
            workbook = storage.read(book)
            for label, text in ole_excel.text(workbook, book == "Workbook", budget):
                walker.text(node.at(label), text)
            group = ole_pictures.drawing_group(ole_excel.records(workbook))
            if group:
                ole_pictures.read_pictures(group, node, walker)
            break
    if "PowerPoint Document" in names:
        understood = True
        stream = storage.read("PowerPoint Document")
        for label, text in ole_ppt.stories(stream):
            walker.text(node.at(label), text)
        for index, blob in enumerate(ole_ppt.embedded(stream, walker.cap(len(stream))), start=1):
            walker.add_expanded(len(blob))
            label = f"嵌入对象 {index}"
            walker.document(blob, label, node.at(label), node.depth + 1)
        if "Pictures" in names and storage.has("Pictures"):
            ole_pictures.read_pictures(storage.read("Pictures"), node, walker)
    if "\x01Ole10Native" in names:
        understood = True
        ole10_native(storage.read("\x01Ole10Native"), node, walker)
    for name in sorted(names):
        # Word/Excel write "Package"/"CONTENTS"; WPS writes "package"
        if name.lower() in ("package", "contents") and storage.has(name):
            understood = True
            walker.document(storage.read(name), name, node.at(f"嵌入对象 {name}"), node.depth + 1)
    understood |= _embedded(storage, names, node, walker)
    if not understood:
        raise Unreadable(
            UnscannableReason.UNSUPPORTED, "无法识别的 OLE 复合文档（如 Microsoft Works）"
        )


def _embedded(storage: Storage, names: set[str], node: Node, walker: Walker) -> bool:
    """Objects in ``ObjectPool`` (Word), ``MBD*`` storages (Excel), ``_*`` (PowerPoint ExOleObj
    streams are compressed and not read)."""
    found = False
    pools: list[tuple[Storage, str]] = []
    if "ObjectPool" in names:
        pool = storage.sub("ObjectPool")
        pools += [(pool, n) for n in sorted(pool.children())]
    pools += [(storage, n) for n in sorted(names) if n.startswith("MBD")]
    for parent, name in pools:
        sub = parent.sub(name)
        if not sub.children():
            continue
        found = True
        location = node.at(f"嵌入对象 {name}")
        if node.depth + 1 > walker.limits.max_depth:
            walker.fail(
                location, UnscannableReason.LIMIT_DEPTH, f"嵌套超过 {walker.limits.max_depth} 层"
            )
            continue
        try:
            read_storage(sub, Node(location, name, node.depth + 1), walker)
        except Unreadable as exc:
            if exc.reason is not UnscannableReason.UNSUPPORTED:
                walker.fail(location, exc.reason, exc.detail)
    return found


def ole10_native(blob: bytes, node: Node, walker: Walker) -> None:
    """OLE1 "Package" object: size, type, label\\0, path\\0, …, data ([MS-OLEDS] §2.3.6)."""
    try:
        pos = 6
        label_end = blob.index(b"\x00", pos)
        label = blob[pos:label_end].decode("gb18030", errors="replace")
        pos = blob.index(b"\x00", label_end + 1) + 1  # file path
        pos += 4  # reserved
        (temp_len,) = struct.unpack_from("<I", blob, pos)
        pos += 4 + temp_len
        (size,) = struct.unpack_from("<I", blob, pos)
        data = blob[pos + 4 : pos + 4 + size]
    except (ValueError, struct.error):
        label, data = "Ole10Native", blob[4:]
    name = label or "Ole10Native"
    walker.document(data, name, node.at(f"嵌入对象 {name}"), node.depth + 1)
