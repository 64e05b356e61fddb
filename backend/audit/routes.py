from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import get
from litestar.params import FromQuery, QueryParameter
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.auth.middleware import allow
from backend.deps import Db
from backend.users.models import Role


class AuditEntryOut(msgspec.Struct):
    id: int
    at: datetime
    actor_id: str | None
    actor_name: str
    device: str | None
    entity: str
    entity_id: str
    action: str
    changes: dict[str, Any]


async def read_audit(
    db: Db, entity: str | None, entity_id: str | None, before_id: int | None, limit: int
) -> list[AuditEntryOut]:
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if before_id:
        stmt = stmt.where(AuditEntry.id < before_id)
    rows = await db.scalars(stmt)
    return [msgspec.convert(r, AuditEntryOut, from_attributes=True) for r in rows]


@get("/api/audit", guards=[allow(Role.admin)])
async def list_audit(
    db: Db,
    entity: FromQuery[str | None] = None,
    entity_id: FromQuery[str | None] = None,
    before_id: FromQuery[int | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
) -> list[AuditEntryOut]:
    return await read_audit(db, entity, entity_id, before_id, limit)


ROUTES = [list_audit]
