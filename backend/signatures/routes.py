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


WO = "/api/work-orders/{work_order_id:str}"
INSPECTION = "/api/inspections/{inspection_id:str}"


async def _sign(request: Request, db: Db, kind: str, record_id: str, data: SignIn) -> SignedOut:
    key = chain.load_key(request.app.state.settings.secrets_dir)
    return await signing.sign(db, key, kind, record_id, data, request.user)


@get(WO + "/hash")
async def work_order_hash(request: Request, db: Db, work_order_id: FromPath[str]) -> HashOut:
    return await signing.hash_preview(db, "work_order", work_order_id, request.user)


@post(WO + "/sign", guards=field_staff, status_code=201)
async def sign_work_order(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[SignIn]
) -> SignedOut:
    return await _sign(request, db, "work_order", work_order_id, data)


@post(WO + "/amendments", guards=field_staff, status_code=201)
async def amend_work_order(
    request: Request, db: Db, work_order_id: FromPath[str], data: JSONBody[AmendmentIn]
) -> AmendmentOut:
    return await signing.request_amendment(db, "work_order", work_order_id, data.reason, request.user)


@get(INSPECTION + "/hash")
async def inspection_hash(request: Request, db: Db, inspection_id: FromPath[str]) -> HashOut:
    return await signing.hash_preview(db, "inspection", inspection_id, request.user)


@post(INSPECTION + "/sign", guards=field_staff, status_code=201)
async def sign_inspection(
    request: Request, db: Db, inspection_id: FromPath[str], data: JSONBody[SignIn]
) -> SignedOut:
    return await _sign(request, db, "inspection", inspection_id, data)


@post(INSPECTION + "/amendments", guards=field_staff, status_code=201)
async def amend_inspection(
    request: Request, db: Db, inspection_id: FromPath[str], data: JSONBody[AmendmentIn]
) -> AmendmentOut:
    return await signing.request_amendment(db, "inspection", inspection_id, data.reason, request.user)


@post("/api/amendments/{amendment_id:str}/approve", guards=[allow(Role.admin, Role.dispatcher)])
async def approve_amendment(request: Request, db: Db, amendment_id: FromPath[str]) -> AmendmentOut:
    return await signing.approve_amendment(db, amendment_id, request.user)


ROUTES = [
    verify_evidence,
    verify_record,
    work_order_hash,
    sign_work_order,
    amend_work_order,
    inspection_hash,
    sign_inspection,
    amend_inspection,
    approve_amendment,
]
