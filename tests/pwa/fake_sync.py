"""A stand-in for /api/sync/* at the browser's network boundary (Playwright routing).

It decides pushes with the reference server of the sync package (sync/replica.py, the rules
of PROTOCOL.md) and decodes them with the real wire decoder, so a client that sends anything
the protocol does not allow fails here too. Knobs let a test fail pushes with 5xx or hold
back the pull's confirmation.
"""

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import msgspec

from sync.entities import ASSET, DECLARATIONS, WORK_ORDER
from sync.protocol import PushRequest, decode_push
from sync.replica import Replica

# What the browser gets: the same reference declarations, as plain JSON.
CLIENT_DECLARATIONS = {"asset": ASSET, "work_order": WORK_ORDER}


@dataclass
class FakeSyncServer:
    replica: Replica = field(default_factory=lambda: Replica(DECLARATIONS))
    log: list[dict[str, Any]] = field(default_factory=list)
    batches: list[list[str]] = field(default_factory=list)
    pushers: list[str] = field(default_factory=list)
    pulls: int = 0
    push_attempts: int = 0
    fail_pushes: int = 0
    confirm: bool = True
    decided_seq: dict[str, tuple[int, str]] = field(default_factory=dict)

    def route(self, target, who: str = "page") -> None:
        target.route("**/api/sync/**", lambda route: self.handle(route, who))

    def handle(self, route, who: str) -> None:
        request = route.request
        if request.url.split("?")[0].endswith("/api/sync/push") and request.method == "POST":
            status, body = self.push(request.post_data_buffer, who)
        elif "/api/sync/pull" in request.url and request.method == "GET":
            status, body = 200, self.pull(parse_qs(urlparse(request.url).query))
        else:
            status, body = 404, {"error": "not_found", "message": "no such sync endpoint", "detail": None}
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    def push(self, raw: bytes, who: str) -> tuple[int, dict]:
        self.push_attempts += 1
        if self.fail_pushes > 0:
            self.fail_pushes -= 1
            return 503, {"error": "unavailable", "message": "try later", "detail": None}
        request: PushRequest = decode_push(raw)
        self.batches.append([m.id for m in request.mutations])
        self.pushers.append(who)
        before = {key: json.dumps(state, sort_keys=True) for key, state in self.replica.records.items()}
        response = self.replica.push(request, int(time.time() * 1000))
        for mutation in request.mutations:
            known = self.decided_seq.get(request.client_id)
            if known is None or mutation.seq > known[0]:
                self.decided_seq[request.client_id] = (mutation.seq, mutation.id)
        for key, state in self.replica.records.items():
            if before.get(key) != json.dumps(state, sort_keys=True):
                self.append_change(key, state)
        return 200, msgspec.to_builtins(response)

    def append_change(self, key: tuple[str, str], state: dict[str, Any]) -> None:
        op = "tombstone" if state.get("deleted") else "upsert"
        self.log.append({"seq": len(self.log) + 1, "op": op, "entity": key[0], "id": key[1], "data": state})

    def pull(self, query: dict[str, list[str]]) -> dict:
        self.pulls += 1
        after = int(query.get("cursor", ["0"])[0])
        limit = int(query.get("limit", ["500"])[0])
        page = [c for c in self.log if c["seq"] > after][:limit]
        cursor = page[-1]["seq"] if page else after
        client = query.get("client_id", [None])[0]
        confirmed = self.decided_seq.get(client, (0, None))[1] if self.confirm else None
        return {
            "changes": page,
            "cursor": str(cursor),
            "has_more": any(c["seq"] > cursor for c in self.log),
            "last_applied_mutation_id": confirmed,
            "reset_required": False,
        }

    def record(self, entity: str, record_id: str) -> dict[str, Any] | None:
        return self.replica.records.get((entity, record_id))
