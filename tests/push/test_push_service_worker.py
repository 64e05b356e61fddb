"""The service worker's push side in real headless Chromium.

No push service is reachable here (STACK-NOTES), so the message is delivered to the worker as a
real push event over CDP (`ServiceWorker.deliverPushMessage`) with the plaintext our server
would have encrypted. A click on a notification cannot be made in headless Chromium, so the
test dispatches a `notificationclick` NotificationEvent for the real displayed notification
inside the worker: the same listener runs, with the same notification object.
"""

import pytest

from backend.push.payload import build_payload
from tests.live import ACTIVATED, PHONE

pytestmark = pytest.mark.browser


SHOWN = """
async () => {
  const registration = await navigator.serviceWorker.ready;
  return (await registration.getNotifications()).map((n) => ({ title: n.title, tag: n.tag,
    body: n.body, requireInteraction: n.requireInteraction,
    actions: n.actions.map((a) => a.action), url: n.data.url }));
}
"""


def notifications(page, until=bool, attempts=400) -> list[dict]:
    """What the worker has displayed, once `until` holds (showNotification is asynchronous)."""
    for _ in range(attempts):  # 50 ms apart: showNotification is slow on a loaded 2-core machine
        shown = page.evaluate(SHOWN)
        if until(shown):
            return shown
        page.wait_for_timeout(50)
    return shown


CLICK = """
async (action) => {
  const [notification] = await self.registration.getNotifications();
  self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action }));
  return notification.tag;
}
"""


@pytest.fixture
def push_page(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.evaluate(ACTIVATED) == "activated"
    yield page
    context.close()


def registration_id(page) -> tuple:
    cdp = page.context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(200):  # the registrations arrive as events after enable (up to 10 s)
        if registrations:
            break
        page.wait_for_timeout(50)
    assert registrations, "the page registered no service worker"
    return cdp, registrations[-1]


def deliver(page, origin: str, payload: bytes, shown=bool) -> list[dict]:
    """Push `payload` to the worker as a real push event and wait until `shown` holds.

    Under heavy load Chromium occasionally drops a CDP-delivered push before the worker sees
    it, so delivery is retried (at most 3 sends); a broken push handler fails every attempt.
    """
    cdp, registration = registration_id(page)
    for _ in range(3):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": origin, "registrationId": registration, "data": payload.decode()},
        )
        displayed = notifications(page, until=shown, attempts=200)
        if shown(displayed):
            return displayed
    return displayed


def test_a_level_1_push_shows_a_sticky_notification_tagged_by_ticket(push_page, live_server):
    [shown] = deliver(push_page, live_server.url, build_payload("WO-1001", 1, "东门", "new_level1", "zh-CN"))

    assert shown["title"] == "新一级故障 · 1级 · 东门"
    assert shown["tag"] == "wo-WO-1001"
    assert shown["requireInteraction"] is True
    assert shown["actions"] == ["open", "accept"]
    assert shown["url"] == "/#/work-orders/WO-1001"


def test_a_newer_message_for_the_same_ticket_replaces_the_notification(push_page, live_server):
    deliver(push_page, live_server.url, build_payload("WO-7", 3, "北门", "dispatched", "en"))
    warning = build_payload("WO-7", 3, "北门", "sla_warning", "en")

    shown = deliver(push_page, live_server.url, warning, lambda s: s and s[0]["title"].startswith("SLA"))

    assert [(n["tag"], n["title"]) for n in shown] == [("wo-WO-7", "SLA warning · L3 · 北门")]
    assert shown[0]["requireInteraction"] is False


@pytest.mark.parametrize(
    ("action", "fragment"),
    [("", "#/work-orders/WO-1002"), ("accept", "#/work-orders/WO-1002?action=accept")],
)
def test_clicking_the_notification_focuses_the_open_app_on_the_ticket(
    push_page, live_server, action, fragment
):
    deliver(push_page, live_server.url, build_payload("WO-1002", 2, "东门", "dispatched", "zh-CN"))
    [worker] = push_page.context.service_workers

    assert worker.evaluate(CLICK, action) == "wo-WO-1002"

    push_page.wait_for_function("(hash) => location.hash === hash", arg=fragment)
    assert push_page.url == f"{live_server.url}/{fragment}"
    assert notifications(push_page, until=lambda shown: not shown) == []  # closed on click
