"""Small builders: a world of two clients, two sites and a user of every role on each."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from litestar.testing import AsyncTestClient

from backend.audit.recorder import SYSTEM
from backend.auth.passwords import HASHER
from backend.db import Database, session_scope
from backend.sites.models import Client, Contract, Site, SiteAssignment
from backend.users.models import Role, User
from tests.assets.asset_world import add_assets
from tests.evidence.evidence_world import add_evidence
from tests.inspections.inspection_world import add_inspections
from tests.push.push_world import extend_world as add_push_subscriptions
from tests.sync_api.sync_world import add_sync_records

PASSWORD = "correct horse battery"
_HASH: list[str] = []


def password_hash() -> str:
    # Hashing costs ~30 ms; one hash serves every user the tests create.
    if not _HASH:
        _HASH.append(HASHER.hash(PASSWORD))
    return _HASH[0]


@dataclass
class Side:
    client_id: str
    contract_id: str
    site_id: str
    users: dict[str, str] = field(default_factory=dict)  # role -> username


@dataclass
class World:
    a: Side
    b: Side
    admin: str
    user_ids: dict[str, str] = field(default_factory=dict)  # username -> id
    # Ids of things other domains add on each side, e.g. extra["b"]["asset_id"].
    extra: dict[str, dict[str, str]] = field(default_factory=lambda: {"a": {}, "b": {}})


# Domains add rows to both sides with `async def extend(session, world) -> None`; the access
# matrix then probes their routes with side b's ids.
WORLD_EXTENSIONS: list = []
WORLD_EXTENSIONS.append(add_assets)
WORLD_EXTENSIONS.append(add_push_subscriptions)
WORLD_EXTENSIONS.append(add_sync_records)
WORLD_EXTENSIONS.append(add_evidence)
WORLD_EXTENSIONS.append(add_inspections)


async def add_side(session, tag: str) -> Side:
    client = Client(name=f"Client {tag}")
    session.add(client)
    await session.flush()
    contract = Contract(
        client_id=client.id,
        code=f"C-{tag}",
        name=f"Contract {tag}",
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
    )
    session.add(contract)
    await session.flush()
    site = Site(
        contract_id=contract.id,
        name=f"Site {tag}",
        short_name=tag,
        kind="detention",
        area="urban",
        latitude=30.0,
        longitude=104.0,
    )
    session.add(site)
    await session.flush()
    return Side(client.id, contract.id, site.id)


async def add_user(session, username: str, role: Role, site_id: str | None = None) -> str:
    user = User(
        username=username, display_name=username.title(), role=role, password_hash=password_hash()
    )
    session.add(user)
    await session.flush()
    if site_id:
        session.add(SiteAssignment(site_id=site_id, user_id=user.id))
    return user.id


async def build_world(db: Database, media_dir: Path | None = None) -> World:
    """`media_dir`: the app's (settings.media_dir), where extensions write files rows point to."""
    async with session_scope(db, write=True) as session:
        session.info["actor"] = SYSTEM
        session.info["media_dir"] = media_dir
        a, b = await add_side(session, "a"), await add_side(session, "b")
        world = World(a=a, b=b, admin="admin")
        world.user_ids["admin"] = await add_user(session, "admin", Role.admin)
        for side, tag in ((a, "a"), (b, "b")):
            for role in (Role.dispatcher, Role.technician, Role.client_rep):
                name = f"{role.value}_{tag}"
                world.user_ids[name] = await add_user(session, name, role, side.site_id)
                side.users[role.value] = name
        for extend in WORLD_EXTENSIONS:
            await extend(session, world)
    return world


async def login(client: AsyncTestClient, username: str, password: str = PASSWORD):
    """Log in the way the PWA does: a GET first for the CSRF cookie, then the header on writes."""
    await client.get("/api/health")
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    response = await client.post(
        "/api/auth/login", json={"username": username, "password": password}
    )
    return response


def use_session(client: AsyncTestClient, token: str) -> None:
    """Act as the device holding this session token."""
    client.cookies.delete("weibao_session")
    client.cookies.set("weibao_session", token, domain="testserver.local")
