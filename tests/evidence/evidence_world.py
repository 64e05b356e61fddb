"""A photo and its blob on each side of the world, for the access matrix.

The blob's rendition files are really written next to the test's database, so even the test
world keeps the rule that no row points to a missing file (and `verify` stays clean).
"""

import hashlib
import io
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from backend.blobs.models import Blob
from backend.blobs.store import MediaStore
from backend.photos.models import Photo
from backend.signatures.models import Amendment


def tiny_jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), colour).save(out, "JPEG")
    return out.getvalue()


def media_dir_of(session) -> Path:
    """Without the app's media_dir (build_world's callers outside the `world` fixture): beside
    the SQLite file, as the app's is; a PostgreSQL database has no file: the temp folder."""
    url = session.get_bind().url
    if url.get_backend_name() == "sqlite":
        return Path(url.database).parent / "media"
    return Path(tempfile.gettempdir()) / "weibao-pg" / "media"


async def add_evidence(session, world) -> None:
    store = MediaStore(session.info.get("media_dir") or media_dir_of(session))
    for tag, side, colour in (("a", world.a, (200, 0, 0)), ("b", world.b, (0, 0, 200))):
        data = tiny_jpeg(colour)
        rendition = store.put_content(data)
        sha = hashlib.sha256(f"original photo of side {tag}".encode()).hexdigest()
        session.add(
            Blob(
                sha256=sha,
                length=100,
                content_type="image/jpeg",
                state="present",
                received=100,
                created_by=world.user_ids[f"technician_{tag}"],
                rendition_type="image/jpeg",
                full_sha256=rendition,
                display_sha256=rendition,
                thumb_sha256=rendition,
                width=10,
                height=10,
                completed_at=datetime(2026, 11, 20, tzinfo=UTC),
            )
        )
        photo = Photo(
            blob_sha256=sha,
            site_id=side.site_id,
            record_kind="work_order",
            record_id=f"wo-{tag}",
            phase="before",
            captured_at=datetime(2026, 11, 20, tzinfo=UTC),
            taken_by=world.user_ids[f"technician_{tag}"],
            state="present",
        )
        session.add(photo)
        await session.flush()
        world.extra[tag]["blob_sha256"] = sha
        world.extra[tag]["photo_id"] = photo.id
        # An amendment request waiting for a dispatcher (no chain entry needed to approve it).
        amendment = Amendment(
            record_kind="work_order",
            record_id=f"wo-{tag}",
            version=1,
            site_id=side.site_id,
            reason="wrong part number",
            requested_by=world.user_ids[f"technician_{tag}"],
        )
        session.add(amendment)
        await session.flush()
        world.extra[tag]["amendment_id"] = amendment.id
