"""HTTP adapter of the sync package: push, pull, conflict cards, clock clamps."""

from typing import Annotated, Any, Literal

import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from backend.auth.middleware import allow
from backend.deps import Db
from backend.errors import Invalid
from backend.inspections import after_sync
from backend.sync_api import service
from backend.sync_api.schemas import ClampOut, ConflictCard, Resolution
from backend.users.models import Role
from sync.protocol import ProtocolError, PushResponse, decode_push

syncing = [allow(Role.admin, Role.dispatcher, Role.technician)]
staff = [allow(Role.admin, Role.dispatcher)]


@post("/api/sync/push", guards=syncing, status_code=200)
async def push(request: Request, db: Db) -> PushResponse:
    try:
        batch = decode_push(await request.body())
        response = await service.push(db, batch, request.user, ends=after_sync.nothing_follows)
    except ProtocolError as error:
        raise Invalid(str(error), code="id_reused" if "already used" in str(error) else "bad_push") from None
    # What a submit does beyond its status move (round done, fault work orders), as REST does.
    await after_sync.after_push(
        db, list(batch.mutations), response.results, request.user, request.app.state.settings
    )
    return response


@get("/api/sync/pull", guards=syncing)
async def pull(
    request: Request,
    db: Db,
    cursor: Annotated[str | None, QueryParameter(max_length=20)] = None,
    client_id: Annotated[str | None, QueryParameter(max_length=64)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1000,
) -> Response:
    page = await service.pull_changes(db, request.user, request.app.state.settings, cursor, limit, client_id)
    return Response(msgspec.json.encode(page), media_type=MediaType.JSON)


@get("/api/sync/declarations", guards=syncing)
async def declarations() -> dict[str, Any]:
    """The merge kind of every syncable field; the phone replays its outbox with these."""
    return service.declarations()


@get("/api/conflicts", guards=staff)
async def list_conflicts(
    request: Request, db: Db, status: Annotated[Literal["open", "resolved"], QueryParameter()] = "open"
) -> list[ConflictCard]:
    cards = await service.list_conflicts(db, request.user, status)
    return msgspec.convert(cards, list[ConflictCard])


@post("/api/conflicts/{conflict_id:str}/resolve", guards=staff, status_code=200)
async def resolve_conflict(
    request: Request, db: Db, conflict_id: FromPath[str], data: JSONBody[Resolution]
) -> ConflictCard:
    card = await service.resolve_conflict(db, conflict_id, data.choice, data.values, request.user)
    await after_sync.after_resolution(db, card, request.user, request.app.state.settings)
    return msgspec.convert(card, ConflictCard)


@get("/api/sync/clock-clamps", guards=[allow(Role.admin)])
async def list_clamps(db: Db) -> list[ClampOut]:
    return msgspec.convert(await service.list_clamps(db), list[ClampOut])


ROUTES = [push, pull, declarations, list_conflicts, resolve_conflict, list_clamps]
