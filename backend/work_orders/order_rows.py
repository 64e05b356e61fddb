"""Work-order rows as the lifecycle reads them on the database thread: plain dicts with aware
UTC datetimes, read with one query per table for a whole push (lifecycle.py)."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.dialect import in_list


def aware(value: Any) -> datetime | None:
    """A stored timestamp (SQLite text or a naive driver datetime) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_value(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def rows_by_id(statements, sql: str, ids: Iterable[str], keys: tuple[str, ...]) -> dict[str, dict]:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    fragment, params = in_list("i", ids)
    return {
        row[0]: dict(zip(keys, row, strict=True)) for row in statements.rows(sql.format(ids=fragment), params)
    }


_ORDERS = (
    "SELECT id, site_id, asset_id, severity, proposed_severity, reported_at, created_at, responded_at, "
    "arrived_at, resolved_at, closed_at, remote, cancel_reason, follow_up_due_by "
    "FROM work_orders WHERE id IN {ids}"
)
_ORDER_KEYS = (
    "id", "site_id", "asset_id", "severity", "proposed_severity", "reported_at", "created_at",
    "responded_at", "arrived_at", "resolved_at", "closed_at", "remote", "cancel_reason", "follow_up_due_by",
)  # fmt: skip
_TIMES = (
    "reported_at",
    "created_at",
    "responded_at",
    "arrived_at",
    "resolved_at",
    "closed_at",
    "follow_up_due_by",
)
_SITES = (
    "SELECT s.id, s.area, s.short_name, c.sla_policy FROM sites s "
    "LEFT JOIN contracts c ON c.id = s.contract_id WHERE s.id IN {ids}"
)


def load_orders(statements, ids: Iterable[str]) -> dict[str, dict]:
    orders = rows_by_id(statements, _ORDERS, ids, _ORDER_KEYS)
    for order in orders.values():
        for name in _TIMES:
            order[name] = aware(order[name])
    return orders


def load_sites(statements, ids: Iterable[str]) -> dict[str, dict]:
    return rows_by_id(statements, _SITES, ids, ("id", "area", "short_name", "sla_policy"))
