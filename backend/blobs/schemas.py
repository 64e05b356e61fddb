from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Sha256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]
Rendition = Literal["full", "display", "thumb"]


class UploadCreate(msgspec.Struct, forbid_unknown_fields=True):
    sha256: Sha256
    length: Annotated[int, Meta(ge=1)]
    content_type: Annotated[str, Meta(min_length=1, max_length=100)]
    # The site the photo is for: uploads are only accepted for sites the caller works on.
    site_id: Annotated[str, Meta(min_length=1, max_length=36)]


class UploadState(msgspec.Struct):
    sha256: str
    state: str  # uploading | present
    offset: int
    length: int
