"""Example declarations for the entities this engine is proven on.

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

INSPECTION_STATUSES = ["draft", "submitted", "signed", "refused"]

INSPECTION_TRANSITIONS = {
    "draft": ["submitted"],
    # Editing a submitted record on the console returns it to draft: it is submitted again.
    "submitted": ["draft", "signed", "refused"],
    "signed": [],
    "refused": [],
}

_NARRATIVE = {"kind": "scalar", "default": "", "lock_on_sign": True}

INSPECTION = {
    "entity": "inspection",
    "fields": {
        "problems": _NARRATIVE,
        "cause": _NARRATIVE,
        "solution": _NARRATIVE,
        "parts_to_replace": _NARRATIVE,
        "status": {
            "kind": "state",
            "default": "draft",
            "values": INSPECTION_STATUSES,
            "transitions": INSPECTION_TRANSITIONS,
        },
        # Answers and photos are events keyed by client UUIDs; the newest answer per
        # checklist item (by HLC) is the one that counts, older ones stay as history.
        "answers": {"kind": "events", "lock_on_sign": True},
        "photos": {"kind": "events", "lock_on_sign": True},
    },
    "signed_when": {"field": "status", "values": ["signed", "refused"]},
}

DECLARATIONS: dict[str, Declaration] = {
    "asset": load_declaration(ASSET),
    "work_order": load_declaration(WORK_ORDER),
    "inspection": load_declaration(INSPECTION),
}
