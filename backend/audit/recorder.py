"""Writes an audit row for every insert, update and delete flushed by any session.

Hooked on the ORM flush so no service can forget it. `after_flush` sees inserted rows with
their defaults and keys filled in while attribute history still holds the old values; the
rows go in with a Core insert on the same connection, inside the same transaction. The acting
user and device come from `session.info["actor"]`, set once per request (or "system").
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.db import utcnow


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    name: str
    device: str | None = None


SYSTEM = Actor(user_id=None, name="system")


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def field_changes(obj: Any, *, new: bool) -> dict[str, list[Any]]:
    """{field: [before, after]} for the columns that changed; secrets are masked."""
    state = inspect(obj)
    secret = getattr(obj, "__audit_secret__", frozenset())
    changes = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not new and not history.has_changes():
            continue
        before = None if new else (history.deleted[0] if history.deleted else None)
        after = getattr(obj, attr.key)
        if attr.key in secret:
            before, after = ("***" if before else None), "***"
        changes[attr.key] = [jsonable(before), jsonable(after)]
    return changes


def audit_row(actor: Actor, obj: Any, action: str, changes: dict) -> dict[str, Any]:
    entity_id = "/".join(str(v) for v in inspect(obj).mapper.primary_key_from_instance(obj))
    return {
        "at": utcnow(),
        "actor_id": actor.user_id,
        "actor_name": actor.name,
        "device": actor.device,
        "entity": obj.__tablename__,
        "entity_id": entity_id,
        "action": action,
        "changes": changes,
    }


def record(session: Session, action: str, entity: str, entity_id: str, changes: dict) -> None:
    """An explicit audit row for events that are not row changes (login, logout)."""
    actor = session.info.get("actor", SYSTEM)
    session.add(
        AuditEntry(
            actor_id=actor.user_id,
            actor_name=actor.name,
            device=actor.device,
            entity=entity,
            entity_id=entity_id,
            action=action,
            changes=changes,
        )
    )


def _audited(obj: Any) -> bool:
    return getattr(obj, "__audited__", True)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    actor = session.info.get("actor", SYSTEM)
    rows = [audit_row(actor, o, "create", field_changes(o, new=True)) for o in filter(_audited, session.new)]
    rows += [
        audit_row(actor, o, "update", field_changes(o, new=False))
        for o in filter(_audited, session.dirty)
        if session.is_modified(o, include_collections=False)
    ]
    rows += [audit_row(actor, o, "delete", {}) for o in filter(_audited, session.deleted)]
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)
