"""A ticket's registration: when it counts as reported, the level proposed for it, and the SLA
deadlines that follow (DOMAIN.md, "Severity and SLA"; sla.py holds the rules).

Two callers, one computation: a sync push registers the tickets it creates while it writes
them (guard.Requirements.created → the INSERT carries the columns: no read-back, no second
UPDATE — issue 4's throughput goal), and lifecycle.settle_rows registers or re-times stored
tickets (REST creates with a fault scope, severity changes).
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from backend.work_orders.models import WorkOrder
from backend.work_orders.order_rows import aware, json_value, load_sites, rows_by_id
from backend.work_orders.sla import DEFAULT_POLICY, SlaPolicy, SlaTermsOverride, deadlines, merge_policy
from backend.work_orders.sla import propose_severity as propose

# (user ids, kind, work order id, severity, site short name): enqueue_notification's arguments.
Notice = tuple[list[str], str, str, int, str]

COLUMNS = ("reported_at", "proposed_severity", "respond_by", "on_site_by", "repaired_by")

_CRITICALITY = "SELECT id, criticality FROM assets WHERE id IN {ids}"
_TECHNICIANS = (
    "SELECT u.id FROM users u JOIN site_assignments a ON a.user_id = u.id "
    "WHERE a.site_id = :site AND u.role = 'technician'"
)


def effective_severity(order: WorkOrder | dict[str, Any]) -> int:
    get = order.get if isinstance(order, dict) else lambda name: getattr(order, name)
    return get("severity") or get("proposed_severity") or 3


def policy_from(overrides: dict | None) -> SlaPolicy:
    try:
        parsed = {int(k): SlaTermsOverride(**_durations(v)) for k, v in (overrides or {}).items()}
        return merge_policy(DEFAULT_POLICY, parsed)
    except (TypeError, ValueError, AttributeError):
        return DEFAULT_POLICY  # an unreadable contract override must not block a fault report


def _durations(terms: dict) -> dict:
    """Contract JSON states minutes: {"2": {"respond": 20, "repair": null}}."""
    return {k: None if v is None else timedelta(minutes=v) for k, v in terms.items()}


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def register(
    statements, tickets: list[dict], now: datetime, fault_scope: str = "function_lost"
) -> tuple[list[dict], list[Notice]]:
    """The registration columns of each ticket (`COLUMNS` + id), and the notices it raises.

    A ticket is a dict with id, site_id, asset_id, severity, proposed_severity, reported_at;
    one not yet reported is reported `now` with a proposed level (a level-1 proposal alerts
    the site's technicians). A push's tickets mostly share site, level and receipt time, so
    sites and assets are read with one query each and deadlines computed once per kind.
    """
    sites = load_sites(statements, (t["site_id"] for t in tickets))
    fresh = [t for t in tickets if aware(t["reported_at"]) is None]
    keys = rows_by_id(statements, _CRITICALITY, (t["asset_id"] for t in fresh), ("id", "criticality"))
    rows, notices, cache = [], [], {}
    # Proposed once per device criticality (not per ticket), and only when a ticket needs one.
    levels = {kind: int(propose(kind, fault_scope)) for kind in ("key", "normal") if fresh}  # type: ignore[arg-type]
    for ticket in tickets:
        site = sites[ticket["site_id"]]
        reported_at, proposed = aware(ticket["reported_at"]), ticket["proposed_severity"]
        if reported_at is None:
            reported_at = now
            key = "key" if keys.get(ticket["asset_id"], {}).get("criticality") == "key" else "normal"
            proposed = levels[key]
            if proposed == 1:
                technicians = [r[0] for r in statements.rows(_TECHNICIANS, {"site": site["id"]})]
                notices.append((technicians, "new_level1", ticket["id"], 1, site["short_name"]))
        severity = ticket["severity"] or proposed or 3
        stamps = _stamps(statements, site, severity, reported_at, cache)
        rows.append({"id": ticket["id"], "proposed_severity": proposed, **stamps})
    return rows, notices


def _stamps(statements, site: dict, severity: int, reported_at: datetime, cache: dict) -> dict:
    key = (site["id"], severity, reported_at)
    if key not in cache:
        policy = policy_from(json_value(site["sla_policy"]))
        terms = deadlines(policy, severity, site["area"], reported_at)
        stamp = statements.timestamp
        cache[key] = {
            "reported_at": stamp(reported_at),
            "respond_by": stamp(terms.respond_by),
            "on_site_by": stamp(terms.on_site_by),
            "repaired_by": stamp(terms.repaired_by),
        }
    return cache[key]
