from litestar import Request, delete, get, post, put
from litestar.params import FromPath, JSONBody

from backend.deps import Db
from backend.push import service
from backend.push.schemas import (
    PreferencesIn,
    PreferencesOut,
    PublicKey,
    SubscriptionIn,
    SubscriptionOut,
    TestQueued,
)


@get("/api/push/key", exclude_from_auth=True)
async def get_public_key(request: Request) -> PublicKey:
    # The applicationServerKey is public by design (RFC 8292 §3.2); the service worker
    # fetches it on pushsubscriptionchange, possibly before any page has a session.
    return PublicKey(application_server_key=request.app.state["keys"].vapid.application_server_key)


@post("/api/push/subscriptions")
async def subscribe(request: Request, db: Db, data: JSONBody[SubscriptionIn]) -> SubscriptionOut:
    allow_loopback = request.app.state.settings.push_allow_loopback_endpoints
    user_agent = request.headers.get("user-agent", "")
    return await service.subscribe(db, request.user, data, user_agent, allow_loopback)


@get("/api/push/subscriptions")
async def list_subscriptions(request: Request, db: Db) -> list[SubscriptionOut]:
    return await service.list_subscriptions(db, request.user)


@delete("/api/push/subscriptions/{subscription_id:str}")
async def delete_subscription(request: Request, db: Db, subscription_id: FromPath[str]) -> None:
    await service.delete_subscription(db, request.user, subscription_id)


@post("/api/push/subscriptions/{subscription_id:str}/test", status_code=202)
async def send_test(request: Request, db: Db, subscription_id: FromPath[str]) -> TestQueued:
    return TestQueued(queued=await service.send_test(db, request.user, subscription_id))


@get("/api/push/preferences")
async def get_preferences(request: Request, db: Db) -> PreferencesOut:
    return await service.get_preferences(db, request.user)


@put("/api/push/preferences")
async def set_preferences(request: Request, db: Db, data: JSONBody[PreferencesIn]) -> PreferencesOut:
    return await service.set_preferences(db, request.user, data)


ROUTES = [
    get_public_key,
    subscribe,
    list_subscriptions,
    delete_subscription,
    send_test,
    get_preferences,
    set_preferences,
]
