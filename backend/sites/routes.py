from typing import Annotated

from litestar import Request, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from backend.auth.middleware import allow
from backend.deps import Db
from backend.sites import service
from backend.sites.schemas import (
    AssignmentOut,
    ClientCreate,
    ClientOut,
    ContractCreate,
    ContractOut,
    SiteCreate,
    SiteOut,
    SitePatch,
)
from backend.users.models import Role

admin_only = [allow(Role.admin)]
staff = [allow(Role.admin, Role.dispatcher)]


@get("/api/clients")
async def list_clients(request: Request, db: Db) -> list[ClientOut]:
    return await service.list_clients(db, request.user)


@get("/api/clients/{client_id:str}")
async def get_client(request: Request, db: Db, client_id: FromPath[str]) -> ClientOut:
    return await service.get_client(db, client_id, request.user)


@post("/api/clients", guards=admin_only)
async def create_client(db: Db, data: JSONBody[ClientCreate]) -> ClientOut:
    return await service.create_client(db, data)


@get("/api/contracts")
async def list_contracts(request: Request, db: Db) -> list[ContractOut]:
    return await service.list_contracts(db, request.user)


@get("/api/contracts/{contract_id:str}")
async def get_contract(request: Request, db: Db, contract_id: FromPath[str]) -> ContractOut:
    return await service.get_contract(db, contract_id, request.user)


@post("/api/contracts", guards=admin_only)
async def create_contract(request: Request, db: Db, data: JSONBody[ContractCreate]) -> ContractOut:
    return await service.create_contract(db, data, request.user)


@get("/api/sites")
async def list_sites(request: Request, db: Db) -> list[SiteOut]:
    return await service.list_sites(db, request.user)


@get("/api/sites/{site_id:str}")
async def get_site(request: Request, db: Db, site_id: FromPath[str]) -> SiteOut:
    return await service.get_site(db, site_id, request.user)


@post("/api/sites", guards=admin_only)
async def create_site(request: Request, db: Db, data: JSONBody[SiteCreate]) -> SiteOut:
    return await service.create_site(db, data, request.user)


@patch("/api/sites/{site_id:str}", guards=admin_only)
async def update_site(request: Request, db: Db, site_id: FromPath[str], data: JSONBody[SitePatch]) -> SiteOut:
    return await service.update_site(db, site_id, data, request.user)


@get("/api/sites/{site_id:str}/assignments", guards=staff)
async def list_assignments(request: Request, db: Db, site_id: FromPath[str]) -> list[AssignmentOut]:
    return await service.list_assignments(db, site_id, request.user)


@get("/api/site-assignments", guards=staff)
async def list_site_assignments(
    request: Request, db: Db, site_id: Annotated[str | None, QueryParameter(max_length=64)] = None
) -> list[AssignmentOut]:
    return await service.list_site_assignments(db, request.user, site_id)


@put("/api/sites/{site_id:str}/assignments/{user_id:str}", guards=admin_only)
async def assign(request: Request, db: Db, site_id: FromPath[str], user_id: FromPath[str]) -> AssignmentOut:
    return await service.assign(db, site_id, user_id, request.user)


@delete("/api/sites/{site_id:str}/assignments/{user_id:str}", guards=admin_only, status_code=204)
async def unassign(
    request: Request,
    db: Db,
    site_id: FromPath[str],
    user_id: FromPath[str],
    open_tickets: Annotated[service.OpenTickets, QueryParameter()] = "return",
) -> None:
    await service.unassign(db, site_id, user_id, request.user, open_tickets)


ROUTES = [
    list_clients,
    get_client,
    create_client,
    list_contracts,
    get_contract,
    create_contract,
    list_sites,
    get_site,
    create_site,
    update_site,
    list_assignments,
    list_site_assignments,
    assign,
    unassign,
]
