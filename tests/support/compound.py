"""A minimal writer of OLE2 compound files ([MS-CFB] version 3), for building legacy Office
fixtures in tests: a real document's streams plus the stream a test needs (a ``Data`` stream
with a picture). Root-level streams only; streams under 4096 bytes go to the mini stream.
"""

from __future__ import annotations

import struct

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _chunks(data: bytes, size: int) -> int:
    return max(1, -(-len(data) // size)) if data else 0


def compound_file(streams: dict[str, bytes]) -> bytes:
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the CFB name order
    mini = bytearray()
    minifat: list[int] = []
    sectors = bytearray()
    fat: list[int] = []

    def allocate(data: bytes) -> int:
        count = _chunks(data, SECTOR)
        if not count:
            return END
        start = len(fat)
        fat.extend([*range(start + 1, start + count), END])
        sectors.extend(data.ljust(count * SECTOR, b"\x00"))
        return start

    places: dict[str, int] = {}
    for name in names:
        data = streams[name]
        if len(data) >= CUTOFF:
            places[name] = allocate(data)
            continue
        count = _chunks(data, MINI)
        if not count:
            places[name] = END
            continue
        start = len(minifat)
        minifat.extend([*range(start + 1, start + count), END])
        mini.extend(data.ljust(count * MINI, b"\x00"))
        places[name] = start
    mini_start = allocate(bytes(mini))
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    minifat_start = allocate(minifat_bytes)

    entries = [_entry("Root Entry", 5, mini_start, len(mini), child=1 if names else NOSTREAM)]
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NOSTREAM
        entries.append(_entry(name, 2, places[name], len(streams[name]), right=right))
    directory = b"".join(entries)
    while len(directory) % SECTOR:
        directory += _entry("", 0, 0, 0)
    directory_start = allocate(directory)

    fat_sectors = 1
    while fat_sectors * SECTOR // 4 < len(fat) + fat_sectors:
        fat_sectors += 1
    first_fat = len(fat)
    fat.extend([FATSECT] * fat_sectors)
    table = struct.pack(f"<{len(fat)}I", *fat) + b"\xff" * (fat_sectors * SECTOR - 4 * len(fat))
    sectors.extend(table)
    assert fat_sectors <= 109, "fixture too large for a header-only DIFAT"

    difat = [first_fat + i for i in range(fat_sectors)] + [FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIII", 0, fat_sectors, directory_start, 0)
        + struct.pack("<IIIII", CUTOFF, minifat_start, _chunks(minifat_bytes, SECTOR), END, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR
    return header + bytes(sectors)


def _entry(
    name: str, kind: int, start: int, size: int, *, right: int = NOSTREAM, child: int = NOSTREAM
) -> bytes:
    encoded = name.encode("utf-16-le")
    name_field = (encoded + b"\x00\x00").ljust(64, b"\x00") if name else b"\x00" * 64
    return (
        name_field
        + struct.pack("<HBB", len(encoded) + 2 if name else 0, kind, 1)
        + struct.pack("<III", NOSTREAM, right, child)
        + b"\x00" * 16  # CLSID
        + b"\x00" * 4  # state bits
        + b"\x00" * 16  # creation and modification times
        + struct.pack("<IQ", start if kind else 0, size)
    )


def blip(picture: bytes, kind: str = "png") -> bytes:
    """An OfficeArt BLIP record ([MS-ODRAW] §2.2.23) holding ``picture`` (one UID, a tag)."""
    rec_type, instance = {"png": (0xF01E, 0x6E0), "jpg": (0xF01D, 0x46A)}[kind]
    body = b"\x11" * 16 + b"\xff" + picture
    return struct.pack("<HHI", instance << 4, rec_type, len(body)) + body


def metafile_blip(picture: bytes, kind: str, width_px: int, height_px: int) -> bytes:
    """An EMF/WMF BLIP: one UID, the OfficeArtMetafileHeader (uncompressed), the metafile."""
    rec_type, instance = {"emf": (0xF01A, 0x3D4), "wmf": (0xF01B, 0x216)}[kind]
    emu = 9525
    header = struct.pack(
        "<I4i2iIBB",
        len(picture),
        0,
        0,
        width_px,
        height_px,
        width_px * emu,
        height_px * emu,
        len(picture),
        0xFE,
        0xFE,
    )
    body = b"\x22" * 16 + header + picture
    return struct.pack("<HHI", instance << 4, rec_type, len(body)) + body
