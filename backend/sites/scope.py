"""The one place that decides which rows a caller may see.

Every list and every `{id}` lookup goes through `scoped()` / `get_scoped()`, for REST and sync
pull alike. A model joins the scope by defining `in_scope(site_ids) -> condition`. Admins see
everything; every other role sees the sites it is assigned to and what belongs to them.
"""

from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.errors import NotFound
from backend.sites.models import Site, SiteAssignment
from backend.users.models import Role


class Scoped(Protocol):
    @classmethod
    def in_scope(cls, site_ids: Select) -> ColumnElement[bool]: ...


M = TypeVar("M")


def assigned_site_ids(user: CurrentUser) -> Select:
    return select(SiteAssignment.site_id).where(SiteAssignment.user_id == user.id)


def scoped(stmt: Select, model: type[Scoped], user: CurrentUser) -> Select:
    if user.role == Role.admin:
        return stmt
    return stmt.where(model.in_scope(assigned_site_ids(user)))


async def get_scoped(session: AsyncSession, model: type[M], row_id: Any, user: CurrentUser) -> M:
    """The row if the caller may see it; a foreign id is indistinguishable from a missing one."""
    pk = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    row = await session.scalar(scoped(select(model).where(pk == row_id), model, user))
    if row is None:
        raise NotFound(f"No {model.__tablename__.rstrip('s')} with id {row_id}.")  # type: ignore[attr-defined]
    return row


async def may_see_site(session: AsyncSession, site_id: str, user: CurrentUser) -> bool:
    found = await session.scalar(scoped(select(Site.id).where(Site.id == site_id), Site, user))
    return found is not None
