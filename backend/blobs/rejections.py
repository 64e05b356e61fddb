"""Upload refusals whose HTTP statuses the foundation's table does not have yet.

They are added to the one table in backend/errors.py (STATUS) rather than handled here, so the
body shape stays {"error", "message", "detail"}. 460 is tus 1.0's "Checksum Mismatch".
"""

from backend.errors import STATUS, DomainError, Invalid


class TooLarge(DomainError):
    code = "too_large"


class UnsupportedMedia(DomainError):
    code = "unsupported_media_type"


class ChecksumMismatch(DomainError):
    code = "checksum_mismatch"


class UnreadableImage(Invalid):
    """422: an image Pillow refuses to decode safely (bomb, truncated, text-chunk bomb)."""

    code = "unreadable_image"


class ServiceUnavailable(DomainError):
    code = "unavailable"


STATUS.update({TooLarge: 413, UnsupportedMedia: 415, ChecksumMismatch: 460, ServiceUnavailable: 503})
