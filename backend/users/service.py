import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.passwords import PasswordVerifier
from backend.auth.service import end_all_sessions
from backend.errors import Conflict, NotFound
from backend.users.models import User
from backend.users.schemas import UserCreate, UserOut, UserPatch


def user_out(user: User) -> UserOut:
    return msgspec.convert(user, UserOut, from_attributes=True)


async def list_users(db: AsyncSession) -> list[UserOut]:
    return [user_out(u) for u in await db.scalars(select(User).order_by(User.username))]


async def create_user(db: AsyncSession, passwords: PasswordVerifier, data: UserCreate) -> UserOut:
    username = data.username.lower()
    if await db.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"The username {username} is taken.", code="username_taken")
    user = User(
        username=username,
        display_name=data.display_name,
        role=data.role,
        locale=data.locale,
        password_hash=await passwords.hash(data.password),
    )
    db.add(user)
    await db.flush()
    return user_out(user)


async def update_user(
    db: AsyncSession, passwords: PasswordVerifier, user_id: str, data: UserPatch
) -> UserOut:
    user = await db.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    for field in ("display_name", "role", "locale", "disabled"):
        value = getattr(data, field)
        if value is not msgspec.UNSET:
            setattr(user, field, value)
    if data.password is not msgspec.UNSET:
        user.password_hash = await passwords.hash(data.password)
        await end_all_sessions(db, user.id, "password_reset")
    elif data.disabled is True:
        await end_all_sessions(db, user.id, "account_disabled")
    await db.flush()
    return user_out(user)
