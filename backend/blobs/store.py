"""Files under data_dir/media, written so that a row never points to a missing file.

Every file is written to a temporary name, fsynced, renamed into place and its directory
fsynced BEFORE the caller commits the row that refers to it (a rename is atomic on POSIX, and
only the directory fsync makes the rename itself durable). A crash can leave an orphan file,
never a dangling row. Chunk appends fsync the partial file before the offset row commits; the
database offset is the authority and the file is cut back to it on the next append.
"""

import asyncio
import hashlib
import os
import secrets
from pathlib import Path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


class MediaStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.uploads = self.root / "uploads"
        self.blobs = self.root / "blobs"
        self.tmp = self.root / "tmp"
        self._locks: dict[str, asyncio.Lock] = {}

    def ensure_dirs(self) -> None:
        for path in (self.root, self.uploads, self.blobs, self.tmp):
            path.mkdir(parents=True, exist_ok=True)

    def part_path(self, sha256: str) -> Path:
        return self.uploads / f"{sha256}.part"

    def blob_path(self, sha256: str) -> Path:
        return self.blobs / sha256[:2] / sha256

    def lock(self, sha256: str) -> asyncio.Lock:
        """Serialises appends to one upload inside this process (the offset CAS covers the rest)."""
        return self._locks.setdefault(sha256, asyncio.Lock())

    def write_durably(self, target: Path, data: bytes) -> None:
        self.ensure_dirs()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.tmp / f"{target.name}.{secrets.token_hex(6)}"
        with open(tmp, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)

    def put_content(self, data: bytes) -> str:
        """Store bytes under their own hash; an existing file with that name is kept."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.blob_path(sha256)
        if not target.exists():
            self.write_durably(target, data)
        return sha256

    def start_part(self, sha256: str) -> None:
        self.write_durably(self.part_path(sha256), b"")

    def append(self, sha256: str, offset: int, chunk: bytes) -> None:
        with open(self.part_path(sha256), "r+b") as f:
            f.truncate(offset)
            f.seek(offset)
            f.write(chunk)
            f.flush()
            os.fsync(f.fileno())

    def read_part(self, sha256: str) -> bytes:
        return self.part_path(sha256).read_bytes()

    def discard_part(self, sha256: str) -> None:
        self.part_path(sha256).unlink(missing_ok=True)
        self._locks.pop(sha256, None)

    def read_blob(self, sha256: str) -> bytes:
        return self.blob_path(sha256).read_bytes()
