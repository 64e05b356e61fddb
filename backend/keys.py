"""Secrets generated at first start into the data directory (never in the repository).

Files are created with mode 0600 inside a 0700 directory; an existing file is reused, so a
restart keeps sessions' CSRF tokens and push subscriptions valid.
"""

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from backend.push.vapid import VapidKeys, load_or_generate_vapid_keys


@dataclass(frozen=True)
class Keys:
    session_secret: str
    vapid: VapidKeys


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
    return Keys(
        session_secret=session_secret.decode().strip(),
        vapid=load_or_generate_vapid_keys(secrets_dir),
    )
