"""REST inspection writes as sync mutations, decided and stored by the sync engine.

The console and demo loader build the mutations a phone would send (sync/protocol.py section
"Inspections") and apply them like backend/sync_api/console.py does for work orders: the
server's clock, `base` = the live record, a refusal is an HTTP error and nothing is stored. So
a record written over REST and one written by phones are stored, and pulled, the same way.

REST-only framing: editing a submitted record returns it to draft first (the server-only
move below; phones cannot send it), and an answer's `photos` list is the item's whole photo
set: blob hashes become photo events (a stable id per record, item and hash), event ids that
are already the item's photos stay, and the item's other photos are removed.
"""

import hashlib
import re
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.recorder import record as audit
from backend.auth.schemas import CurrentUser
from backend.db import new_id, utcnow
from backend.dialect import run_statements
from backend.errors import Invalid
from backend.inspections import sync_records
from backend.inspections.schemas import AnswerIn
from backend.inspections.sync_records import ReturnInspectionToDraft
from backend.sync_api import engine
from backend.sync_api.console import console_mutation, refuse
from backend.sync_api.entities import CHECKS
from backend.sync_api.service import now_ms
from backend.users.models import Role
from sync.protocol import (
    AddInspectionPhoto,
    AnswerInspectionItem,
    InspectionAnswer,
    InspectionFields,
    Mutation,
    PhotoData,
    RemoveInspectionPhoto,
    SetInspectionFields,
    StartInspection,
    SubmitInspection,
)

SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PLACEHOLDER = {"id": "", "client_id": "server", "seq": 1, "hlc": "000000000000000:00000:server"}


def server(kind: type[Mutation], record_id: str, **args: Any) -> Mutation:
    return kind(**{**_PLACEHOLDER, "id": new_id()}, record_id=record_id, **args)


def decide_all(statements, mutations: list[Mutation], caller: engine.Caller, at: int) -> dict[str, Any]:
    """Decide and store the mutations of one record in order; its state after them."""
    batch = engine.Batch(statements, caller, at, CHECKS)
    batch.load(mutations)
    key = (mutations[0].entity, mutations[0].record_id)
    for mutation in mutations:
        mutation = console_mutation(mutation, batch.states.get(key), at)
        decision = batch.decide(mutation)  # sync_records.Checks runs inside
        refuse(decision)
    batch.write()
    return batch.states[key]


async def apply(db: AsyncSession, mutations: list[Mutation], user: CurrentUser) -> dict[str, Any]:
    if not mutations:
        raise ValueError("nothing to apply")
    at = now_ms()

    def work(statements) -> dict[str, Any]:
        caller = engine.caller_of(statements, user.id, user.role == Role.admin)
        return decide_all(statements, mutations, caller, at)

    state = await run_statements(db, work)
    names = [type(m).__struct_config__.tag for m in mutations]
    audit(db, "update", "inspection_records", mutations[0].record_id, {"mutations": names})
    return state


async def load_state(db: AsyncSession, record_id: str) -> dict[str, Any]:
    states = await run_statements(db, lambda s: sync_records.load(s, [record_id]))
    return states[record_id]


def start(
    record_id: str,
    site_id: str,
    asset_id: str,
    round_id: str | None,
    template_id: str,
    started_at: datetime | None,
) -> Mutation:
    return server(
        StartInspection, record_id, site_id=site_id, asset_id=asset_id, round_id=round_id,
        template_id=template_id, started_at=started_at or utcnow(),
    )  # fmt: skip


def edits(state: dict[str, Any], answers: dict[str, AnswerIn], fields: dict[str, Any]) -> list[Mutation]:
    """The mutations of one console PATCH, in the order a phone would send them."""
    record_id = state["id"]
    mutations: list[Mutation] = []
    if state["fields"]["status"] == "submitted":
        mutations.append(server(ReturnInspectionToDraft, record_id))
    for item, answer in answers.items():
        data = InspectionAnswer(item=item, value=answer.value, not_applicable=answer.not_applicable,
                                note=answer.note)  # fmt: skip
        mutations.append(server(AnswerInspectionItem, record_id, answer_id=new_id(), answer=data))
        mutations += photo_edits(state, item, answer.photos)
    if fields:
        mutations.append(server(SetInspectionFields, record_id, fields=InspectionFields(**fields)))
    return mutations


def photo_edits(state: dict[str, Any], item: str, refs: list[str]) -> list[Mutation]:
    record_id, events = state["id"], state["events"]["photos"]
    live = {i: e for i, e in events.items() if not e["removed"] and e["data"] is not None}
    wanted: set[str] = set()
    adds: list[Mutation] = []
    for ref in refs:
        if ref in live and live[ref]["data"].get("item") == item:
            wanted.add(ref)
        elif SHA256.match(ref):
            photo_id = hashlib.sha256(f"{record_id}:{item}:{ref}".encode()).hexdigest()[:32]
            wanted.add(photo_id)
            if photo_id not in live:
                photo = PhotoData(sha256=ref, phase="other", captured_at=utcnow(), item=item)
                adds.append(server(AddInspectionPhoto, record_id, photo_id=photo_id, photo=photo))
        else:
            raise Invalid(f"{ref} is neither a photo of item {item} nor a blob hash.", code="unknown_photo")
    removals = [
        server(RemoveInspectionPhoto, record_id, photo_id=photo_id)
        for photo_id, event in sorted(live.items())
        if event["data"].get("item") == item and photo_id not in wanted
    ]
    return adds + removals


def submit(record_id: str, finished_at: datetime) -> Mutation:
    return server(SubmitInspection, record_id, finished_at=finished_at)


def fields_of(patch: Any) -> dict[str, Any]:
    names = ("problems", "cause", "solution", "parts_to_replace")
    values = msgspec.structs.asdict(patch)
    return {n: values[n] for n in names if values[n] is not msgspec.UNSET}
