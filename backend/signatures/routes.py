"""Signing over REST: the hash shown to the signer, the signature, amendments, verification.

The paths name their record the way the rest of the API does (work_order_id, inspection_id)
and are scoped like it.
"""

import time

from litestar import Request, get, post
from litestar.params import FromPath, JSONBody

from backend.auth.middleware import SESSION_COOKIE, allow
from backend.deps import Db
from backend.errors import RateLimited
from backend.signatures import chain, record_check, signing
from backend.signatures.schemas import (
    AmendmentIn,
    AmendmentOut,
    HashOut,
    RecordCheck,
    SignedOut,
    SignIn,
    VerifyReport,
)
from backend.signatures.verify import verify_all
from backend.users.models import Role

field_staff = [allow(Role.admin, Role.dispatcher, Role.technician)]


@get("/api/verify", guards=[allow(Role.admin)])
async def verify_evidence(request: Request, db: Db) -> VerifyReport:
    public = chain.load_key(request.app.state.settings.secrets_dir).public_key()
    return await verify_all(db, request.app.state.media, public)


@get("/api/verify/{record_hash:str}", exclude_from_auth=True)
async def verify_record(request: Request, db: Db, record_hash: FromPath[str]) -> RecordCheck:
    """Public (a report's QR code): see record_check.py for what an anonymous caller is told."""
    wait = request.app.state.verify_limit.take(
        request.client.host if request.client else "", time.monotonic()
    )
    if wait is not None:
        raise RateLimited(f"Too many verification requests; try again in {wait} seconds.", retry_after=wait)
    public = chain.load_key(request.app.state.settings.secrets_dir).public_key()
    token = request.cookies.get(SESSION_COOKIE)
    return await record_check.check_record_hash(db, request.app.state.media, public, record_hash, token)


def record_routes(kind: str, collection: str) -> list:
    """The hash preview, sign and amendment routes of one kind of signable record: the logic is
    the same for every kind. The path names the id as the record's own routes do
    (work_order_id, inspection_id), so the handlers read it from the path by that name."""
    param = f"{kind}_id"
    path = f"/api/{collection}/{{{param}:str}}"

    @get(path + "/hash", name=f"{kind}-hash")
    async def record_hash(request: Request, db: Db) -> HashOut:
        return await signing.hash_preview(db, kind, request.path_params[param], request.user)

    @post(path + "/sign", guards=field_staff, status_code=201, name=f"{kind}-sign")
    async def sign(request: Request, db: Db, data: JSONBody[SignIn]) -> SignedOut:
        key = chain.load_key(request.app.state.settings.secrets_dir)
        return await signing.sign(db, key, kind, request.path_params[param], data, request.user)

    @post(path + "/amendments", guards=field_staff, status_code=201, name=f"{kind}-amend")
    async def amend(request: Request, db: Db, data: JSONBody[AmendmentIn]) -> AmendmentOut:
        return await signing.request_amendment(
            db, kind, request.path_params[param], data.reason, request.user
        )

    return [record_hash, sign, amend]


@post("/api/amendments/{amendment_id:str}/approve", guards=[allow(Role.admin, Role.dispatcher)])
async def approve_amendment(request: Request, db: Db, amendment_id: FromPath[str]) -> AmendmentOut:
    return await signing.approve_amendment(db, amendment_id, request.user)


ROUTES = [
    verify_evidence,
    verify_record,
    *record_routes("work_order", "work-orders"),
    *record_routes("inspection", "inspections"),
    approve_amendment,
]
