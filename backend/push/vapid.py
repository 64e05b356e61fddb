"""VAPID key pair (RFC 8292): created once in the data directory, loaded at every start.

Only the private key is authoritative; the public key is derived from it on load, so a crash or
two processes starting together can never leave a mismatched pair on disk.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from webpush.vapid import VAPID

PRIVATE_KEY_FILE = "vapid_private.pem"
PUBLIC_KEY_FILE = "vapid_public.pem"


class VapidKeyError(Exception):
    """The key file is missing, unreadable, not a P-256 key, or readable by others."""


@dataclass(frozen=True, slots=True)
class VapidKeys:
    private_pem: bytes
    public_pem: bytes
    # The uncompressed P-256 point, base64url without padding: what the browser's
    # pushManager.subscribe({applicationServerKey}) needs and what `k=` carries (RFC 8292 §3.2).
    application_server_key: str


def load_or_generate_vapid_keys(directory: Path) -> VapidKeys:
    """First start creates the pair; every later start (and every other process) loads it."""
    if not (directory / PRIVATE_KEY_FILE).exists():
        generate_vapid_keys(directory)
    return load_vapid_keys(directory)


def generate_vapid_keys(directory: Path) -> VapidKeys:
    """Write a new pair with mode 0600 unless one exists already; returns the pair on disk."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_pem, _, _ = VAPID.generate_keys()
    _write_private_once(directory / PRIVATE_KEY_FILE, private_pem)
    keys = load_vapid_keys(directory)
    _write_replacing(directory / PUBLIC_KEY_FILE, keys.public_pem)
    return keys


def load_vapid_keys(directory: Path) -> VapidKeys:
    path = directory / PRIVATE_KEY_FILE
    try:
        if path.stat().st_mode & 0o077:
            raise VapidKeyError(f"{path} must not be readable by group or others (chmod 600)")
        private_pem = path.read_bytes()
        private_key = serialization.load_pem_private_key(private_pem, password=None)
    except (OSError, ValueError, TypeError) as error:
        raise VapidKeyError(f"cannot load the VAPID private key from {path}: {error}") from error
    if not isinstance(private_key, ec.EllipticCurvePrivateKey) or not isinstance(
        private_key.curve, ec.SECP256R1
    ):
        raise VapidKeyError(f"{path} is not a P-256 key (RFC 8292 §3.2 requires ES256)")
    public_key = private_key.public_key()
    return VapidKeys(
        private_pem=private_pem,
        public_pem=public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        application_server_key=VAPID.get_application_server_key(public_key),
    )


def _write_private_once(path: Path, data: bytes) -> None:
    # Written to a private temporary file, then hard-linked: the final name appears complete
    # or not at all, and the link fails if another process won the race, so every process
    # ends up using the same key.
    temporary = _write_temporary(path.parent, data)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def _write_replacing(path: Path, data: bytes) -> None:
    os.replace(_write_temporary(path.parent, data), path)


def _write_temporary(directory: Path, data: bytes) -> Path:
    # mkstemp creates the file with mode 0600 from the first byte on: no window where the
    # key is readable by others.
    descriptor, name = tempfile.mkstemp(dir=directory, prefix=".vapid-")
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    return Path(name)
