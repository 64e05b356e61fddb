"""The parts of tus 1.0 (https://tus.io/protocols/resumable-upload) we follow, as pure rules.

- Creation: the client announces the length (and here the SHA-256, which names the upload).
- HEAD returns `Upload-Offset`; PATCH sends bytes at exactly that offset (else 409).
- Checksum extension: `Upload-Checksum: sha256 <base64 digest>` per chunk; a mismatch discards
  the chunk and answers 460 (Checksum Mismatch).
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

TUS_VERSION = "1.0.0"
CHUNK_MEDIA_TYPE = "application/offset+octet-stream"
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Chunk:
    """One PATCH as received; headers may be missing until the service has checked ownership."""

    offset: int | None
    checksum: str | None
    media_type: str
    data: bytes


class BadChecksumHeader(ValueError):
    pass


def chunk_digest(header: str) -> bytes:
    """The digest named by an `Upload-Checksum` header; only sha256 is supported."""
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        raise BadChecksumHeader("Only `sha256 <base64>` checksums are supported.")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadChecksumHeader("The checksum is not valid base64.") from exc
    if len(digest) != 32:
        raise BadChecksumHeader("A sha256 checksum has 32 bytes.")
    return digest


def chunk_matches(chunk: bytes, header: str) -> bool:
    return hashlib.sha256(chunk).digest() == chunk_digest(header)


def checksum_header(chunk: bytes) -> str:
    return "sha256 " + base64.b64encode(hashlib.sha256(chunk).digest()).decode()


def offset_problem(expected: int, given: int, chunk_length: int, total: int) -> str | None:
    if given != expected:
        return f"The upload is at offset {expected}, not {given}."
    if given + chunk_length > total:
        return f"The chunk runs past the announced length {total}."
    return None
