"""Small builders for sync tests: wire mutations as plain dicts, decoded like a push."""

from typing import Any

from sync.protocol import ClientMutation, mutation_from_builtins

NOW = 1_700_000_000_000
_counter = iter(range(1, 10**9))


def hlc(wall_ms: int, node: str = "c1", counter: int = 0) -> str:
    return f"{wall_ms:015d}:{counter:05d}:{node}"


def mutation_id(n: int | None = None) -> str:
    n = next(_counter) if n is None else n
    return f"{0x01890000 + n % 0xFFFFFFF:08x}-0000-7000-8000-{n:012d}"


def wire(
    name: str,
    record_id: str = "wo-1",
    *,
    client: str = "c1",
    seq: int = 1,
    at: int = NOW,
    counter: int = 0,
    base: dict | None = None,
    n: int | None = None,
    **args: Any,
) -> dict[str, Any]:
    body = {
        "name": name,
        "id": mutation_id(n),
        "client_id": client,
        "seq": seq,
        "hlc": hlc(at, client, counter),
        "record_id": record_id,
        **args,
    }
    if base is not None:
        body["base"] = base
    return body


def mutation(name: str, record_id: str = "wo-1", **kwargs: Any) -> ClientMutation:
    return mutation_from_builtins(wire(name, record_id, **kwargs))
