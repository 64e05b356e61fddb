"""The REST side of signing: show the hash, sign with it, ask for and approve amendments.

Synced kinds (work orders, inspections) are signed by the same function as the sync command
(sync_commands.sign_record), so a console signature moves the status through the engine too.
"""

import time

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.db import new_id
from backend.errors import NotFound
from backend.signatures import service, sync_commands
from backend.signatures.models import Amendment
from backend.signatures.schemas import AmendmentOut, HashOut, SignedOut, SignIn
from backend.signatures.signable import SIGNED_FIELDS
from backend.sync_api.console import CLOCK
from sync.protocol import mutation_from_builtins


async def hash_preview(db: AsyncSession, kind: str, record_id: str, user: CurrentUser) -> HashOut:
    _view, text, digest = await service.record_hash(db, kind, record_id, user)
    locked = await service.is_locked(db, kind, record_id)
    return HashOut(kind, record_id, digest, text.decode(), locked)


async def sign(
    db: AsyncSession, key: Ed25519PrivateKey, kind: str, record_id: str, data: SignIn, user: CurrentUser
) -> SignedOut:
    if kind not in SIGNED_FIELDS:
        return await service.sign(db, key, kind, record_id, data.record_hash, data.capture, user)
    state = await service.synced_state(db, kind, record_id)
    if state is None:
        raise NotFound(f"No {kind} with id {record_id}.")
    now_ms = time.time_ns() // 1_000_000
    wire = {
        "name": f"{kind}.sign",
        "id": new_id(),
        "client_id": "server",
        "seq": 1,
        # The console signs what is current: only the hash decides whether it is stale.
        "hlc": CLOCK.next(now_ms, list(state["clocks"].values())),
        "record_id": record_id,
        "base": {"status": state["fields"]["status"]},
        "record_hash": data.record_hash,
        "capture": msgspec.to_builtins(data.capture),
    }
    mutation = mutation_from_builtins(wire)
    await sync_commands.sign_record(db, key, mutation, user, now_ms, rest=True)  # type: ignore[arg-type]
    row = await service.latest_signed(db, kind, record_id)
    return msgspec.convert(row, SignedOut, from_attributes=True)


def amendment_out(amendment: Amendment) -> AmendmentOut:
    return msgspec.convert(amendment, AmendmentOut, from_attributes=True)


async def request_amendment(
    db: AsyncSession, kind: str, record_id: str, reason: str, user: CurrentUser
) -> AmendmentOut:
    return amendment_out(await service.request_amendment(db, kind, record_id, reason, user))


async def approve_amendment(db: AsyncSession, amendment_id: str, user: CurrentUser) -> AmendmentOut:
    return amendment_out(await service.approve_amendment(db, amendment_id, user))
