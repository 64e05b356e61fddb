"""Photo intake refusals specific to images; the generic ones live in backend/errors.py."""

from backend.errors import Invalid


class UnreadableImage(Invalid):
    """422: an image Pillow refuses to decode safely (bomb, truncated, text-chunk bomb)."""

    code = "unreadable_image"
