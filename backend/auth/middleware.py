"""Who is calling: the session cookie becomes `request.user`, or the request is refused (401).

Everything under /api/ needs a session unless its handler opts out with `exclude_from_auth`;
the PWA's static files and the OpenAPI schema are public.
"""

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
    DefineMiddleware,
)

from backend.auth.schemas import CurrentUser
from backend.auth.service import resolve_session
from backend.db import utcnow
from backend.errors import Forbidden

SESSION_COOKIE = "weibao_session"
# The shell page, the PWA's static files (they have an extension), tag links and the schema.
PUBLIC_PATHS = [r"^/$", r"^/schema", r"^/t/", r"^/(?!api/).*\.[A-Za-z0-9]+$"]


class SessionAuthentication(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        if not token:
            raise NotAuthorizedException("Please log in first.")
        async with connection.app.state.db.reader() as db:
            user = await resolve_session(db, token, utcnow())
        if user is None:
            raise NotAuthorizedException("Your session has ended; please log in again.")
        return AuthenticationResult(user=user, auth=token)


session_authentication = DefineMiddleware(SessionAuthentication, exclude=PUBLIC_PATHS)


def allow(*roles: str):
    """A guard: only these roles may call the handler (403 otherwise)."""

    def guard(connection: ASGIConnection, _handler) -> None:
        user: CurrentUser = connection.user
        if user.role not in roles:
            raise Forbidden("Your role may not do this.")

    guard.__name__ = f"allow_{'_'.join(roles)}"
    return guard
