"""Type detection by content (magic bytes, zip member layout, OLE stream names), never by name.

The file name is consulted only to break ties the bytes cannot settle (a CSV and a TXT are the
same bytes) and never to decide whether a file is safe to skip.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from enum import StrEnum

import olefile


class Kind(StrEnum):
    EMPTY = "empty"
    TEXT = "text"
    HTML = "html"
    RTF = "rtf"
    PDF = "pdf"
    EMAIL = "email"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    OOXML_OTHER = "ooxml"  # xlsb, vsdx and other OPC packages we cannot read
    ODT = "odt"
    ODS = "ods"
    ODP = "odp"
    ODF = "odf"  # other OpenDocument (odg, odf formulas): content.xml is still read
    ZIP = "zip"
    DOC = "doc"  # Word 97-2003 and Kingsoft WPS text (.wps)
    XLS = "xls"  # Excel 97-2003 and Kingsoft ET (.et)
    PPT = "ppt"  # PowerPoint 97-2003 and Kingsoft DPS (.dps)
    MSG = "msg"  # Outlook message
    OLE = "ole"  # other compound files (encrypted OOXML, Works, embedded-object containers)
    SEVEN_Z = "7z"
    RAR = "rar"
    TAR = "tar"
    GZIP = "gzip"
    BZIP2 = "bzip2"
    XZ = "xz"
    TNEF = "tnef"
    IMAGE = "image"
    PGP = "pgp"  # OpenPGP or S/MIME encrypted data
    SIGNATURE = "signature"  # S/MIME CMS SignedData: detached, or wrapping the content
    BINARY = "binary"

    @property
    def content_type(self) -> str:
        return _CONTENT_TYPES[self]

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value)


_CONTENT_TYPES = {
    Kind.EMPTY: "application/x-empty",
    Kind.TEXT: "text/plain",
    Kind.HTML: "text/html",
    Kind.RTF: "application/rtf",
    Kind.PDF: "application/pdf",
    Kind.EMAIL: "message/rfc822",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Kind.OOXML_OTHER: "application/x-opc-package",
    Kind.ODT: "application/vnd.oasis.opendocument.text",
    Kind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    Kind.ODP: "application/vnd.oasis.opendocument.presentation",
    Kind.ODF: "application/vnd.oasis.opendocument",
    Kind.DOC: "application/msword",
    Kind.XLS: "application/vnd.ms-excel",
    Kind.PPT: "application/vnd.ms-powerpoint",
    Kind.MSG: "application/vnd.ms-outlook",
    Kind.ZIP: "application/zip",
    Kind.OLE: "application/x-ole-storage",
    Kind.SEVEN_Z: "application/x-7z-compressed",
    Kind.RAR: "application/vnd.rar",
    Kind.TAR: "application/x-tar",
    Kind.GZIP: "application/gzip",
    Kind.BZIP2: "application/x-bzip2",
    Kind.XZ: "application/x-xz",
    Kind.TNEF: "application/ms-tnef",
    Kind.IMAGE: "image/*",
    Kind.PGP: "application/pgp-encrypted",
    Kind.SIGNATURE: "application/pkcs7-signature",
    Kind.BINARY: "application/octet-stream",
}

_LABELS = {
    Kind.OOXML_OTHER: "未知的 Office Open XML 文档（如 xlsb）",
    Kind.BINARY: "未知的二进制文件",
    Kind.RAR: "RAR 压缩包",
    Kind.PGP: "加密数据（PGP/S/MIME）",
}

_IMAGE_EXACT = {b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*"}

_SIGNED_DATA = bytes.fromhex("06092a864886f70d010702")  # OID 1.2.840.113549.1.7.2
_ENVELOPED_DATA = bytes.fromhex("06092a864886f70d010703")  # OID 1.2.840.113549.1.7.3

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]", re.MULTILINE)
_MAIL_HEADERS = re.compile(
    rb"^(from|received|subject|message-id|mime-version|return-path|date|to|content-type|"
    rb"delivered-to|content-transfer-encoding|content-disposition|x-[a-z-]+):",
    re.IGNORECASE | re.MULTILINE,
)
_FIRST_HEADER = re.compile(rb"(?m)^(?:Date|From|Return-Path|Received|Message-ID|Subject):")
_HTML_START = re.compile(
    rb"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<div|<p[ >]|<table)", re.I
)


def sniff(data: bytes, name: str = "") -> Kind:
    """The kind of ``data``, decided by its bytes."""
    if not data:
        return Kind.EMPTY
    head = data[:16]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _ole_kind(data)
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return Kind.PDF
    if head.startswith(b"{\\rtf"):
        return Kind.RTF
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return Kind.SEVEN_Z
    if head.startswith(b"Rar!\x1a\x07"):
        return Kind.RAR
    if head.startswith(b"\x1f\x8b"):
        return Kind.GZIP
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return Kind.BZIP2
    if head.startswith(b"\xfd7zXZ\x00"):
        return Kind.XZ
    if head.startswith(b"\x78\x9f\x3e\x22"):
        return Kind.TNEF
    if len(data) > 262 and data[257:262] == b"ustar":
        return Kind.TAR
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return Kind.IMAGE
    if any(head.startswith(m) for m in _IMAGE_EXACT):
        return Kind.IMAGE
    if head.startswith(b"\x01\x00\x00\x00") and data[40:44] == b" EMF":
        return Kind.IMAGE
    if head.startswith((b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")):
        return Kind.IMAGE
    if head.startswith(b"-----BEGIN PGP MESSAGE") or _pgp_encrypted_packet(head):
        return Kind.PGP
    if head.startswith(b"BM") and len(data) > 18 and data[14] in (12, 40, 52, 56, 64, 108, 124):
        return Kind.IMAGE
    if head[:1] == b"\x30" and _SIGNED_DATA in data[:32]:
        return Kind.SIGNATURE  # CMS SignedData (RFC 5652 §5): see gateway.extract.cms
    if head[:1] == b"\x30" and _ENVELOPED_DATA in data[:32]:
        return Kind.PGP  # S/MIME EnvelopedData: encrypted
    if _looks_like_tar(data):
        return Kind.TAR
    if _has_zip_directory(data):
        return _zip_kind(data)
    if _is_text(data):
        return _text_kind(data, name)
    return Kind.BINARY


def _pgp_encrypted_packet(head: bytes) -> bool:
    """A binary OpenPGP message opening with a session-key packet (RFC 4880 §4.2, §5.1, §5.3)."""
    if len(head) < 8:
        return False
    first = head[0]
    if not first & 0x80:
        return False
    tag = first & 0x3F if first & 0x40 else (first >> 2) & 0x0F
    if tag not in (1, 3):
        return False
    version = head[2] if first & 0x40 or first & 0x03 == 0 else head[1 + (1 << (first & 0x03))]
    return version in (3, 4, 5, 6)


def _zip_kind(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist()[:5000])
            mimetype = b""
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                if info.file_size < 200:
                    mimetype = zf.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        # no usable central directory (a truncated file): the local headers still name the
        # members, so a cut docx is still read as a docx (and reported as corrupt)
        names, mimetype = _local_names(data)
        if "[Content_Types].xml" not in names and any(
            n.startswith(("word/", "xl/", "ppt/")) for n in names
        ):
            names.add("[Content_Types].xml")  # often written last, so the first to be cut off
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return _ODF_KINDS.get(mimetype.strip(), Kind.ODF)
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names or any(n.startswith("word/") for n in names):
            return Kind.DOCX
        if any(n.startswith("xl/") and n.endswith(".xml") for n in names) and (
            "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names)
        ):
            return Kind.XLSX
        if any(n.startswith("ppt/") for n in names):
            return Kind.PPTX
        return Kind.OOXML_OTHER
    if "content.xml" in names and "META-INF/manifest.xml" in names:
        return Kind.ODF
    return Kind.ZIP


def _local_names(data: bytes) -> tuple[set[str], bytes]:
    """Member names (and an ODF ``mimetype``) from the local file headers (APPNOTE 4.3.7)."""
    names: set[str] = set()
    mimetype = b""
    pos = data.find(b"PK\x03\x04")
    while pos != -1 and len(names) < 5000 and pos + 30 <= len(data):
        method, size, name_len, extra_len = struct.unpack_from("<8xH8xI4xHH", data, pos)
        name = data[pos + 30 : pos + 30 + name_len].decode("utf-8", "replace")
        names.add(name)
        if name == "mimetype" and method == 0 and size < 200:
            start = pos + 30 + name_len + extra_len
            mimetype = data[start : start + size]
        pos = data.find(b"PK\x03\x04", pos + 30)
    return names, mimetype


_ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": Kind.ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": Kind.ODS,
    b"application/vnd.oasis.opendocument.presentation": Kind.ODP,
}


def _ole_kind(data: bytes) -> Kind:
    """The compound file's format from its top-level stream names ([MS-CFB] directory)."""
    try:
        with olefile.OleFileIO(data) as ole:
            names = {entry[0] for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # olefile raises many types on garbage; the OLE reader reports "corrupt"
        return Kind.OLE
    if "EncryptedPackage" in names or "\tDRMContent" in names:
        return Kind.OLE
    if any(n.startswith("__substg1.0_") for n in names):
        return Kind.MSG
    if "WordDocument" in names:
        return Kind.DOC
    if "Workbook" in names or "Book" in names:
        return Kind.XLS
    if "PowerPoint Document" in names:
        return Kind.PPT
    return Kind.OLE


def _has_zip_directory(data: bytes) -> bool:
    """A zip appended to something else (self-extractors, ``exe_with_zip``)."""
    tail = data[-65557:]
    if b"PK\x05\x06" not in tail:
        return False
    return zipfile.is_zipfile(io.BytesIO(data))


def _looks_like_tar(data: bytes) -> bool:
    """Old (v7) tar without the ustar magic: a valid header checksum in the first block."""
    if len(data) < 512 or data[:1] == b"\x00":
        return False
    block = data[:512]
    try:
        stored = int(block[148:156].replace(b"\x00", b" ").strip() or b"-1", 8)
    except ValueError:
        return False
    computed = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    return stored == computed


def _is_text(data: bytes) -> bool:
    sample = data[:8192]
    if len(data) <= 8192:
        sample = sample.rstrip(b"\x00")  # C strings (TNEF, MAPI) end in NUL
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in sample:
        # UTF-16 without BOM: every other byte zero in ASCII-heavy text
        zeros = sample.count(b"\x00")
        return zeros > len(sample) // 3 and _utf16_plausible(sample)
    controls = sum(1 for b in sample if b < 9 or (13 < b < 32 and b != 27))
    return controls <= len(sample) // 100


def _utf16_plausible(sample: bytes) -> bool:
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample[: len(sample) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            continue
        if sum(1 for c in text if c.isprintable() or c in "\r\n\t") > len(text) * 0.9:
            return True
    return False


def _text_kind(data: bytes, name: str) -> Kind:
    sample = data[:4096]
    if sample.startswith(b"\xef\xbb\xbf"):
        sample = sample[3:]
    if mail_start(sample) >= 0:
        return Kind.EMAIL
    if _HTML_START.match(sample) or (b"<html" in sample[:1024].lower() and b"</" in sample.lower()):
        return Kind.HTML
    if sample.lstrip().startswith(b"{\\rtf"):
        return Kind.RTF
    return Kind.TEXT


def mail_start(sample: bytes) -> int:
    """Offset of the header block in ``sample`` (mailbox files such as Foxmail's ``.box`` put a
    few bytes of their own before it), or -1."""
    if _looks_like_mail(sample):
        return 0
    found = _FIRST_HEADER.search(sample[:1024])
    if found and found.start() > 0 and _looks_like_mail(sample[found.start() :]):
        return found.start()
    return -1


def _looks_like_mail(sample: bytes) -> bool:
    """RFC 5322 header block: the first line is a header field, and known fields follow."""
    if sample.startswith(b"From ") and b"\n" in sample:  # mbox "From " line
        sample = sample.split(b"\n", 1)[1]
    if not _HEADER_LINE.match(sample):
        return False
    header_block = re.split(rb"\r?\n\r?\n", sample, maxsplit=1)[0]
    return len(_MAIL_HEADERS.findall(header_block)) >= 2
