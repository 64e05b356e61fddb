"""Secrets generated at first start into the data directory (never in the repository).

Files are created with mode 0600 inside a 0700 directory; an existing file is reused, so a
restart keeps sessions' CSRF tokens and push subscriptions valid.
"""

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from webpush import VAPID


@dataclass(frozen=True)
class Keys:
    session_secret: str
    vapid_private_pem: bytes
    vapid_public_pem: bytes
    vapid_application_server_key: str


def ensure_file(path: Path, make: Callable[[], bytes]) -> bytes:
    if path.exists():
        return path.read_bytes()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(make())
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    return path.read_bytes()


def load_or_create(secrets_dir: Path) -> Keys:
    secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(secrets_dir, 0o700)
    session_secret = ensure_file(
        secrets_dir / "session.key", lambda: secrets.token_hex(32).encode()
    )
    if not (secrets_dir / "vapid_private.pem").exists():
        private_pem, public_pem, server_key = VAPID.generate_keys()
        ensure_file(secrets_dir / "vapid_public.pem", lambda: public_pem)
        ensure_file(secrets_dir / "vapid_application_server_key.txt", lambda: server_key.encode())
        ensure_file(secrets_dir / "vapid_private.pem", lambda: private_pem)
    return Keys(
        session_secret=session_secret.decode().strip(),
        vapid_private_pem=(secrets_dir / "vapid_private.pem").read_bytes(),
        vapid_public_pem=(secrets_dir / "vapid_public.pem").read_bytes(),
        vapid_application_server_key=(secrets_dir / "vapid_application_server_key.txt")
        .read_text()
        .strip(),
    )
