from litestar import Request, get, patch, post
from litestar.params import FromPath, JSONBody

from backend.auth.middleware import allow
from backend.deps import Db
from backend.users import service
from backend.users.models import Role
from backend.users.schemas import UserCreate, UserOut, UserPatch

admin_only = [allow(Role.admin)]


@get("/api/users", guards=admin_only)
async def list_users(db: Db) -> list[UserOut]:
    return await service.list_users(db)


@post("/api/users", guards=admin_only)
async def create_user(request: Request, db: Db, data: JSONBody[UserCreate]) -> UserOut:
    return await service.create_user(db, request.app.state.passwords, data)


@patch("/api/users/{user_id:str}", guards=admin_only)
async def update_user(
    request: Request, db: Db, user_id: FromPath[str], data: JSONBody[UserPatch]
) -> UserOut:
    return await service.update_user(db, request.app.state.passwords, user_id, data)


ROUTES = [list_users, create_user, update_user]
