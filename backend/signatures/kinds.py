"""Which records can be signed. A record domain registers a loader for its kind:

    register("work_order", load_work_order)   # async (session, record_id) -> RecordView | None

The loader returns the record's site (for scope) and its fields as JSON types; the photo
hashes are added by the signature service, so every kind signs its photos the same way.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class RecordView:
    site_id: str
    fields: dict[str, Any]


Loader = Callable[[AsyncSession, str], Awaitable[RecordView | None]]

RECORD_KINDS: dict[str, Loader] = {}


def register(kind: str, loader: Loader) -> None:
    RECORD_KINDS[kind] = loader
