"""Builders for sync API tests: wire mutations with real UUIDv7 ids, pushes and pulls."""

import itertools
from typing import Any

from backend.db import new_id

NOW_MS = 1_700_000_000_000
_seq = itertools.count(1)


def hlc(wall_ms: int, node: str, counter: int = 0) -> str:
    return f"{wall_ms:015d}:{counter:05d}:{node}"


def mutation(
    name: str,
    record_id: str,
    client: str = "phone-a",
    *,
    at: int | None = None,
    seq: int | None = None,
    base: dict | None = None,
    **args: Any,
) -> dict[str, Any]:
    import time

    wall = at if at is not None else time.time_ns() // 1_000_000
    body = {
        "name": name,
        "id": new_id(),
        "client_id": client,
        "seq": seq or next(_seq),
        "hlc": hlc(wall, client),
        "record_id": record_id,
        **args,
    }
    if base is not None:
        body["base"] = base
    return body


async def push(client, *mutations: dict[str, Any], client_id: str | None = None):
    cid = client_id or mutations[0]["client_id"]
    return await client.post("/api/sync/push", json={"client_id": cid, "mutations": list(mutations)})


async def pull_all(client, cursor: str | None = None, client_id: str | None = None) -> dict:
    """Every change after `cursor`, following has_more; the last page's envelope plus all changes."""
    changes: list[dict] = []
    while True:
        params = {k: v for k, v in {"cursor": cursor, "client_id": client_id}.items() if v}
        page = (await client.get("/api/sync/pull", params=params)).json()
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return {**page, "changes": changes}
