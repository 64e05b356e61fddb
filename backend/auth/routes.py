import time

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody

from backend.auth import service
from backend.auth.middleware import SESSION_COOKIE
from backend.auth.schemas import CurrentUser, LoginRequest, Me, PasswordChange
from backend.auth.service import SESSION_LIFETIME, ClientInfo
from backend.deps import Db


def client_info(request: Request) -> ClientInfo:
    return ClientInfo(
        address=request.client.host if request.client else "unknown",
        device=(request.headers.get("x-weibao-device") or "")[:100] or None,
        user_agent=request.headers.get("user-agent"),
        old_token=request.cookies.get(SESSION_COOKIE),
    )


def session_cookie(request: Request, token: str | None) -> Cookie:
    secure = request.app.state.settings.secure_cookies
    if token is None:
        return Cookie(
            key=SESSION_COOKIE, value="", max_age=0, httponly=True, samesite="lax", secure=secure
        )
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
    )


@post("/api/auth/login", exclude_from_auth=True, status_code=200)
async def log_in(request: Request, db: Db, data: JSONBody[LoginRequest]) -> Response[Me]:
    state = request.app.state
    user, token = await service.log_in(
        db,
        state.passwords,
        state.throttle,
        data.username,
        data.password,
        client_info(request),
        time.monotonic(),
    )
    return Response(Me(user=user), cookies=[session_cookie(request, token)])


@post("/api/auth/logout", status_code=200)
async def log_out(request: Request, db: Db) -> Response[dict]:
    await service.log_out(db, request.user)
    return Response({"ok": True}, cookies=[session_cookie(request, None)])


@post("/api/auth/logout-everywhere", status_code=200)
async def log_out_everywhere(request: Request, db: Db) -> Response[dict]:
    await service.end_all_sessions(db, request.user.id, "logout_everywhere")
    return Response({"ok": True}, cookies=[session_cookie(request, None)])


@post("/api/auth/password", status_code=200)
async def change_password(
    request: Request, db: Db, data: JSONBody[PasswordChange]
) -> Response[dict]:
    me: CurrentUser = request.user
    token = await service.change_password(
        db,
        request.app.state.passwords,
        me,
        data.current_password,
        data.new_password,
        client_info(request),
    )
    return Response({"ok": True}, cookies=[session_cookie(request, token)])


@get("/api/auth/me")
async def who_am_i(request: Request) -> Me:
    return Me(user=request.user)


ROUTES = [log_in, log_out, log_out_everywhere, change_password, who_am_i]
