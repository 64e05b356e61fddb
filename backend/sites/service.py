"""Clients, contracts, sites and who is assigned where. Reads are always scoped."""

from typing import Literal, TypeVar

import msgspec
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.errors import Conflict, Invalid, NotFound
from backend.sites.models import Client, Contract, Site, SiteAssignment
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
from backend.sites.scope import get_scoped, scoped
from backend.sync_api import service as sync_scope
from backend.users.models import Role, User
from backend.work_orders import service as work_orders

# What happens to the open tickets someone holds at a site they leave (the console's default:
# back to the dispatch queue; "keep" leaves them with a person who can no longer see them).
OpenTickets = Literal["return", "keep"]

S = TypeVar("S", bound=msgspec.Struct)


def to_struct(row: object, struct: type[S]) -> S:
    return msgspec.convert(row, struct, from_attributes=True)


async def list_scoped(db: AsyncSession, model, order, struct: type[S], user: CurrentUser) -> list[S]:
    rows = await db.scalars(scoped(select(model).order_by(order), model, user))
    return [to_struct(r, struct) for r in rows]


async def list_clients(db: AsyncSession, user: CurrentUser) -> list[ClientOut]:
    return await list_scoped(db, Client, Client.name, ClientOut, user)


async def get_client(db: AsyncSession, client_id: str, user: CurrentUser) -> ClientOut:
    return to_struct(await get_scoped(db, Client, client_id, user), ClientOut)


async def create_client(db: AsyncSession, data: ClientCreate) -> ClientOut:
    client = Client(name=data.name)
    db.add(client)
    await db.flush()
    return to_struct(client, ClientOut)


async def list_contracts(db: AsyncSession, user: CurrentUser) -> list[ContractOut]:
    return await list_scoped(db, Contract, Contract.code, ContractOut, user)


async def get_contract(db: AsyncSession, contract_id: str, user: CurrentUser) -> ContractOut:
    return to_struct(await get_scoped(db, Contract, contract_id, user), ContractOut)


async def create_contract(db: AsyncSession, data: ContractCreate, user: CurrentUser) -> ContractOut:
    await get_scoped(db, Client, data.client_id, user)
    if data.ends_on < data.starts_on:
        raise Invalid("A contract cannot end before it starts.", code="bad_period")
    if await db.scalar(select(Contract.id).where(Contract.code == data.code)):
        raise Conflict(f"A contract with code {data.code} exists.", code="code_taken")
    contract = Contract(**msgspec.structs.asdict(data))
    db.add(contract)
    await db.flush()
    return to_struct(contract, ContractOut)


async def list_sites(db: AsyncSession, user: CurrentUser) -> list[SiteOut]:
    return await list_scoped(db, Site, Site.name, SiteOut, user)


async def get_site(db: AsyncSession, site_id: str, user: CurrentUser) -> SiteOut:
    return to_struct(await get_scoped(db, Site, site_id, user), SiteOut)


async def create_site(db: AsyncSession, data: SiteCreate, user: CurrentUser) -> SiteOut:
    await get_scoped(db, Contract, data.contract_id, user)
    site = Site(**msgspec.structs.asdict(data))
    db.add(site)
    await db.flush()
    return to_struct(site, SiteOut)


async def update_site(db: AsyncSession, site_id: str, data: SitePatch, user: CurrentUser) -> SiteOut:
    site = await get_scoped(db, Site, site_id, user)
    for field, value in msgspec.structs.asdict(data).items():
        if value is not msgspec.UNSET:
            setattr(site, field, value)
    await db.flush()
    return to_struct(site, SiteOut)


def assignment_rows() -> Select:
    return select(SiteAssignment.site_id, User.id, User.username, User.display_name, User.role).join(
        User, User.id == SiteAssignment.user_id
    )


async def list_assignments(db: AsyncSession, site_id: str, user: CurrentUser) -> list[AssignmentOut]:
    await get_scoped(db, Site, site_id, user)
    rows = await db.execute(
        assignment_rows().where(SiteAssignment.site_id == site_id).order_by(User.username)
    )
    return [AssignmentOut(*r) for r in rows]


async def list_site_assignments(
    db: AsyncSession, user: CurrentUser, site_id: str | None
) -> list[AssignmentOut]:
    """Who is assigned where, for every site the caller sees, in one query (the console's
    site-assignment screen and its name lookups; one request per site did not scale)."""
    stmt = scoped(assignment_rows(), SiteAssignment, user)
    if site_id is not None:
        stmt = stmt.where(SiteAssignment.site_id == site_id)
    rows = await db.execute(stmt.order_by(SiteAssignment.site_id, User.username))
    return [AssignmentOut(*r) for r in rows]


async def assign(db: AsyncSession, site_id: str, user_id: str, user: CurrentUser) -> AssignmentOut:
    await get_scoped(db, Site, site_id, user)
    member = await db.get(User, user_id)
    if member is None:
        raise NotFound(f"No user with id {user_id}.")
    if member.role == Role.admin:
        raise Invalid("Admins see every site; they are not assigned.", code="admin_not_assignable")
    if await db.get(SiteAssignment, (site_id, user_id)) is None:
        db.add(SiteAssignment(site_id=site_id, user_id=user_id))
        await db.flush()
        await sync_scope.site_entered_scope(db, site_id, user_id)
    return AssignmentOut(site_id, member.id, member.username, member.display_name, member.role)


async def unassign(
    db: AsyncSession, site_id: str, user_id: str, user: CurrentUser, open_tickets: OpenTickets = "return"
) -> list[str]:
    """The ids of the tickets returned to the dispatch queue. They move before the evict, so
    the change log carries the unassignment ahead of the records leaving the phone."""
    await get_scoped(db, Site, site_id, user)
    assignment = await db.get(SiteAssignment, (site_id, user_id))
    if assignment is None:
        raise NotFound("That user is not assigned to this site.")
    returned = []
    if open_tickets == "return":
        returned = await work_orders.return_to_dispatch_queue(db, site_id, user_id, user)
    await db.delete(assignment)
    await db.flush()
    # The user's phones must drop this site's records (PROTOCOL.md §5 `evict`).
    await sync_scope.site_left_scope(db, site_id, user_id)
    return returned
