"""The only wiring: create_app(settings) -> Litestar."""

from litestar import Litestar, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from sqlalchemy import text

from backend import keys
from backend.assets import routes as asset_routes
from backend.audit import routes as audit_routes
from backend.auth import routes as auth_routes
from backend.auth.middleware import session_authentication
from backend.auth.passwords import PasswordVerifier
from backend.auth.throttle import AddressLimit, LoginThrottle
from backend.blobs import routes as blob_routes
from backend.db import connect
from backend.deps import Db, provide_db
from backend.errors import EXCEPTION_HANDLERS
from backend.inspections import routes as inspection_routes
from backend.photos import routes as photo_routes
from backend.push import routes as push_routes
from backend.push.worker import start_push_worker, stop_push_worker
from backend.reports import routes as report_routes
from backend.settings import Settings
from backend.signatures import routes as signature_routes
from backend.signatures import sync_commands as signature_commands
from backend.sites import routes as site_routes
from backend.sync_api import routes as sync_routes
from backend.users import routes as user_routes
from backend.work_orders import routes as work_order_routes
from backend.work_orders.sla_clock import start_sla_worker, stop_sla_worker


@get("/api/health", exclude_from_auth=True)
async def health(db: Db) -> dict[str, str]:
    await db.execute(text("SELECT 1"))
    return {"status": "ok"}


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Weibao API",
        version="0.1.0",
        path="/schema",
        render_plugins=[SwaggerRenderPlugin()],
        components=Components(
            security_schemes={
                "session": SecurityScheme(
                    type="apiKey",
                    name="weibao_session",
                    security_scheme_in="cookie",
                    description="Session cookie set by POST /api/auth/login.",
                ),
                "csrf": SecurityScheme(
                    type="apiKey",
                    name="x-csrftoken",
                    security_scheme_in="header",
                    description="Copy of the csrftoken cookie; required on every non-GET request.",
                ),
            }
        ),
        security=[{"session": [], "csrf": []}],
    )


def create_app(settings: Settings) -> Litestar:
    database = connect(settings)
    secrets = keys.load_or_create(settings.secrets_dir)
    signature_commands.install(settings.secrets_dir)  # work_order.sign / inspection.sign pushes
    state = State(
        {
            "settings": settings,
            "db": database,
            "keys": secrets,
            "passwords": PasswordVerifier(settings.password_verify_concurrency),
            "throttle": LoginThrottle(
                settings.login_failures_per_account,
                settings.login_failures_per_address,
                settings.login_window_seconds,
            ),
            # The public verify page: a QR scan is one call; a loop over hashes is not.
            "verify_limit": AddressLimit(60, 60.0),
        }
    )
    pwa = create_static_files_router(
        path="/", directories=[settings.pwa_dir], html_mode=True, include_in_schema=False
    )
    return Litestar(
        route_handlers=[
            health,
            *auth_routes.ROUTES,
            *user_routes.ROUTES,
            *site_routes.ROUTES,
            *audit_routes.ROUTES,
            *blob_routes.ROUTES,
            *photo_routes.ROUTES,
            *signature_routes.ROUTES,
            *report_routes.ROUTES,
            *sync_routes.ROUTES,
            *work_order_routes.ROUTES,
            *push_routes.ROUTES,
            *asset_routes.ROUTES,
            *inspection_routes.ROUTES,
            pwa,
        ],
        state=state,
        dependencies={"db": Provide(provide_db)},
        middleware=[session_authentication],
        csrf_config=CSRFConfig(
            secret=secrets.session_secret,
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=openapi_config(),
        request_max_body_size=settings.max_body_bytes,
        on_startup=[start_push_worker, blob_routes.open_media_store, start_sla_worker],
        on_shutdown=[stop_push_worker, stop_sla_worker, database.dispose],
    )
