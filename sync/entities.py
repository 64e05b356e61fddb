"""Example declarations for the two entities this engine is proven on.

The backend owns the real declarations; these are the reference data the tests and
conformance vectors use, kept in step with the mutation Structs in protocol.py.
"""

from sync.declaration import Declaration, load_declaration

ASSET_STATUSES = ["in_service", "faulty", "offline", "under_repair", "retired"]

ASSET = {
    "entity": "asset",
    "fields": {
        "notes": {"kind": "scalar", "default": ""},
        "location": {"kind": "scalar", "default": ""},
        # A status change made on stale information (someone else already marked the
        # camera faulty) needs a person to decide, not a silent last-writer-wins.
        "status": {"kind": "important", "default": "in_service", "values": ASSET_STATUSES},
    },
}

WORK_ORDER_STATUSES = [
    "reported", "dispatched", "accepted", "en_route", "on_site",
    "repaired", "verified", "signed", "closed", "cancelled",
]

WORK_ORDER_TRANSITIONS = {
    "reported": ["dispatched", "cancelled"],
    "dispatched": ["accepted", "reported", "cancelled"],
    "accepted": ["en_route", "dispatched", "cancelled"],
    "en_route": ["on_site"],
    "on_site": ["repaired"],
    # A failed verification sends the technician back to work on site.
    "repaired": ["verified", "on_site"],
    "verified": ["signed"],
    "signed": ["closed"],
    "closed": [],
    "cancelled": [],
}

WORK_ORDER = {
    "entity": "work_order",
    "fields": {
        "title": {"kind": "scalar", "default": "", "lock_on_sign": True},
        "notes": {"kind": "scalar", "default": "", "lock_on_sign": True},
        "status": {
            "kind": "state",
            "default": "reported",
            "values": WORK_ORDER_STATUSES,
            "transitions": WORK_ORDER_TRANSITIONS,
        },
        # Assignment is compare-and-set on the assignee the user saw; any move is legal.
        "assignee": {"kind": "state", "default": None, "lock_on_sign": True},
        "comments": {"kind": "events"},
    },
    "signed_when": {"field": "status", "values": ["signed", "closed"]},
}

DECLARATIONS: dict[str, Declaration] = {
    "asset": load_declaration(ASSET),
    "work_order": load_declaration(WORK_ORDER),
}
