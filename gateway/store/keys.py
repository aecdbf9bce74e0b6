"""Key material outside the database: the audit key, retired audit keys, the fingerprint key.

- **The audit key** signs the chain and the checkpoints: ``audit.key`` (``DLP_AUDIT__KEY``) or the
  0600 file ``<data_dir>/audit.key`` (``audit.key_file``), created on first use.
- **Retired keys** signed the chain before a rotation (``dlp-gateway audit rotate-key``) and are
  needed only to verify it: read-only files ``audit.key.<id>`` next to the key file, or
  ``audit.retired_keys``. A key's *id* is a short HMAC of the key (it reveals nothing of it).
- **The fingerprint key** keys the registered secrets' fingerprints. It is derived from the audit
  key until the first rotation, which pins it (file ``fingerprint.key`` next to the key file, or
  ``audit.fingerprint_key``), because the fingerprints cannot be re-keyed: the register never
  kept the documents' text.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.errors import StoreError

if TYPE_CHECKING:
    from gateway.settings import Settings

log = logging.getLogger("dlp_gateway.audit")

MIN_KEY_CHARS = 32
FINGERPRINT_FILE = "fingerprint.key"
_ID_RE = re.compile(r"^[0-9a-f]{16}$")


def key_id(key: bytes) -> str:
    """A key's public name: 16 hex digits of HMAC(key, "dlp-audit-key-id")."""
    return hmac.new(key, b"dlp-audit-key-id", hashlib.sha256).hexdigest()[:16]


def new_key() -> bytes:
    """A fresh random key (64 hex characters), as the key file holds it."""
    return secrets.token_hex(32).encode("ascii")


# -- the audit key ------------------------------------------------------------------------------


def load_key(settings: Settings, *, create: bool = True) -> bytes:
    """The audit key: ``audit.key`` (env ``DLP_AUDIT__KEY``) or the key file, created if absent
    and ``create`` (never for verification: a new key cannot verify an old chain).

    The file must be private to the gateway's user (mode 0600 or stricter): a key others can read
    protects nothing, so a wider mode is refused.
    """
    if settings.audit.key is not None:
        value = settings.audit.key.get_secret_value()
        if len(value) < MIN_KEY_CHARS:
            raise StoreError(
                f"audit.key is too short ({len(value)} characters): use at least {MIN_KEY_CHARS} "
                "random characters (e.g. `openssl rand -hex 32`)"
            )
        return value.encode("utf-8")
    return _key_file(settings.audit_key_file, create)


def _key_file(path: Path, create: bool) -> bytes:
    if not create and not path.exists():
        raise StoreError(
            f"audit key file {path} not found: the chain can only be checked with the key it was "
            "written with (set DLP_AUDIT__KEY or audit.key_file)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if write_private(path, new_key(), exclusive=True):
            log.warning("created a new audit key in %s: back it up with the database", path)
        return read_private(path)
    except OSError as exc:
        raise StoreError(f"audit key file {path}: {exc.strerror or exc}") from exc


def read_private(path: Path) -> bytes:
    """A key file's text; refused when others may read it or it is too short."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise StoreError(
            f"audit key file {path} is readable by others (mode {mode:o}): chmod 600 {path}"
        )
    value = path.read_text("utf-8").strip()
    if len(value) < MIN_KEY_CHARS:
        raise StoreError(f"audit key file {path} holds fewer than {MIN_KEY_CHARS} characters")
    return value.encode("utf-8")


def write_private(path: Path, value: bytes, *, exclusive: bool, mode: int = 0o600) -> bool:
    """Write ``value`` to a new private file (fsynced); False when ``exclusive`` and it exists."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as out:
        out.write(value + b"\n")
        out.flush()
        os.fsync(out.fileno())
    return True


# -- retired keys ---------------------------------------------------------------------------------


def retired_keys(settings: Settings) -> tuple[bytes, ...]:
    """Every retired key on hand: ``audit.retired_keys`` and the ``audit.key.<id>`` files."""
    found = [k.get_secret_value().encode("utf-8") for k in settings.audit.retired_keys]
    path = settings.audit_key_file
    try:
        candidates = sorted(path.parent.glob(f"{path.name}.*"))
    except OSError:
        candidates = []
    for candidate in candidates:
        if not _ID_RE.match(candidate.name.rpartition(".")[2]):
            continue
        try:
            found.append(read_private(candidate))
        except OSError as exc:
            raise StoreError(f"retired audit key {candidate}: {exc.strerror or exc}") from exc
    return tuple(found)


def keyring(current: bytes, retired: tuple[bytes, ...] = ()) -> dict[str, bytes]:
    """Keys by id: the current key and the retired ones (for verification)."""
    ring = {key_id(k): k for k in retired}
    ring[key_id(current)] = current
    return ring


# -- the fingerprint key --------------------------------------------------------------------------


def derive_fingerprint_key(audit_key: bytes) -> bytes:
    """HMAC-SHA256(audit key, "fingerprint"): distinct from the chain's key, one-way from it."""
    return hmac.new(audit_key, b"fingerprint", hashlib.sha256).digest()


def fingerprint_file(settings: Settings) -> Path:
    return settings.audit_key_file.with_name(FINGERPRINT_FILE)


def load_fingerprint_key(settings: Settings, *, create: bool = True) -> bytes:
    """The registered secrets' key: pinned (setting or file) or derived from the audit key."""
    if settings.audit.fingerprint_key is not None:
        return _fingerprint_hex(
            settings.audit.fingerprint_key.get_secret_value(), "audit.fingerprint_key"
        )
    path = fingerprint_file(settings)
    if path.exists():
        try:
            text = read_private(path).decode("utf-8")
        except OSError as exc:
            raise StoreError(f"fingerprint key file {path}: {exc.strerror or exc}") from exc
        return _fingerprint_hex(text, str(path))
    return derive_fingerprint_key(load_key(settings, create=create))


def _fingerprint_hex(text: str, where: str) -> bytes:
    try:
        value = bytes.fromhex(text.strip())
    except ValueError:
        value = b""
    if len(value) != 32:
        raise StoreError(f"{where}: expected 64 hex digits (the pinned fingerprint key)")
    return value


# -- rotation -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RotationFiles:
    """Where a rotation put its keys: see :func:`prepare_rotation`."""

    old_id: str
    new_id: str
    new_key: bytes
    retired: Path
    pending: Path  # the new key, moved over the key file by :func:`finish_rotation`
    fingerprint: Path | None  # the fingerprint key pinned by this rotation, if it was not yet


def prepare_rotation(settings: Settings, old: bytes, new_key_file: Path | None) -> RotationFiles:
    """Before the chain is re-anchored: pin the fingerprint key, keep the old key read-only as
    ``audit.key.<id>``, and write the new key where it will be taken from (never over the key
    in use yet). Nothing is written to the database here."""
    new = new_key()
    path = settings.audit_key_file
    if settings.audit.key is not None:
        if new_key_file is None:
            raise StoreError(
                "the audit key comes from audit.key (DLP_AUDIT__KEY): give --new-key-file FILE; "
                "the new key is written there, to be set as DLP_AUDIT__KEY on every instance"
            )
        pending = new_key_file
    else:
        if new_key_file is not None:
            raise StoreError(
                f"the audit key is the file {path}: it is replaced in place (no --new-key-file)"
            )
        pending = path.with_name(path.name + ".new")
    old_id = key_id(old)
    retired = path.with_name(f"{path.name}.{old_id}")
    pinned: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if settings.audit.fingerprint_key is None and not fingerprint_file(settings).exists():
            pinned = fingerprint_file(settings)
            write_private(pinned, derive_fingerprint_key(old).hex().encode(), exclusive=True)
        if (
            not write_private(retired, old, exclusive=True, mode=0o400)
            and read_private(retired) != old
        ):
            raise StoreError(f"{retired} exists and holds another key")
        if not write_private(pending, new, exclusive=True):
            raise StoreError(f"{pending} exists: remove it (a rotation that did not finish?)")
    except OSError as exc:
        raise StoreError(f"audit key rotation: {exc.filename}: {exc.strerror or exc}") from exc
    return RotationFiles(old_id, key_id(new), new, retired, pending, pinned)


def finish_rotation(settings: Settings, files: RotationFiles) -> Path:
    """After the chain names the new key: the key file becomes the new key (atomically)."""
    if settings.audit.key is not None:
        return files.pending
    path = settings.audit_key_file
    try:
        os.replace(files.pending, path)
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise StoreError(
            f"the chain was re-anchored under key {files.new_id} but {files.pending} could not "
            f"replace {path} ({exc.strerror or exc}): move it there by hand before restarting"
        ) from exc
    return path


def abandon_rotation(files: RotationFiles) -> None:
    """The database refused the rotation: the new key was never used; forget it."""
    files.pending.unlink(missing_ok=True)
