"""The tamper-evident chain as pure functions: what an entry's hash covers, seal and check.

entry_hash = SHA-256(canonical JSON of {prev, seq, kind, record_id, version, site_id,
record_hash, capture_hash, files, signed_by, signed_at}); the first entry's prev is 64 zeros.
Changing any signed row, or removing one from the middle, breaks every later hash; forging a
consistent tail needs the Ed25519 key that seals each entry_hash.
"""

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from backend.keys import ensure_file
from backend.signatures.canonical import digest

GENESIS = "0" * 64
KEY_FILE = "chain_ed25519.pem"


def entry_hash(prev: str, seq: int, fields: dict) -> str:
    return digest({"prev": prev, "seq": seq, **fields})


def seal(key: Ed25519PrivateKey, entry: str) -> str:
    return base64.b64encode(key.sign(bytes.fromhex(entry))).decode()


def seal_holds(public: Ed25519PublicKey, entry: str, sealed: str) -> bool:
    try:
        public.verify(base64.b64decode(sealed), bytes.fromhex(entry))
    except (InvalidSignature, ValueError):
        return False
    return True


def _new_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_key(secrets_dir: Path) -> Ed25519PrivateKey:
    """The chain key, generated on first use into the 0700 secrets directory as a 0600 file."""
    secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(secrets_dir, 0o700)
    pem = ensure_file(secrets_dir / KEY_FILE, _new_key_pem)
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key
