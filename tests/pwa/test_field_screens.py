"""Priming, Scan, tag links, Asset and Settings in real headless Chromium at 390×844, against
the demo server: the technician's register must answer with the network off."""

import pytest

from tests.live import ACTIVATED, log_in, new_page, signed_in

pytestmark = pytest.mark.browser

# A change waiting in the outbox, as a screen would have written it (store/outbox.js).
PENDING_CHANGE = """
() => new Promise((resolve, reject) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const tx = open.result.transaction('outbox', 'readwrite');
    tx.objectStore('outbox').add({ seq: 1, id: 'm-1', entity: 'asset', record_id: 'a-1', state: 'pending',
      mutation: { name: 'asset.set_fields' }, result: null, created_at: Date.now() });
    tx.oncomplete = () => { open.result.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
})
"""


def fmt(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def site_assets(client, site_id):
    items, offset = [], 0
    while True:
        page = client.get("/api/assets", params={"site_id": site_id, "limit": 500, "offset": offset}).json()
        items += page["items"]
        offset += len(page["items"])
        if offset >= page["total"] or not page["items"]:
            return items


@pytest.fixture(scope="module")
def register(live_server):
    """A key device with its tag, and a replaced label (demo: first assets of site 一看)."""
    client = signed_in(live_server)
    try:
        return find_register(client)
    finally:
        client.close()


def find_register(client):
    key = client.get("/api/assets", params={"criticality": "key", "limit": 1}).json()["items"][0]
    total = client.get("/api/assets", params={"limit": 1}).json()["total"]
    site = next(s for s in client.get("/api/sites").json() if s["short_name"] == "一看")
    for asset in sorted(site_assets(client, site["id"]), key=lambda a: a["external_id"] or ""):
        events = client.get(f"/api/assets/{asset['id']}/history").json()
        replaced = [e for e in events if e["kind"] == "tag_replaced"]
        if replaced:
            old = replaced[0]["detail"]["old_code"]
            return {"key": key, "retired": old, "replacement": asset, "total": f"{total:,}"}
    raise AssertionError("the demo data has no replaced tag")


def logged_in(browser, server, locale="zh-CN"):
    context, page = new_page(browser, locale=locale)
    log_in(page, server.url, ready="#greeting")
    return context, page


def primed(browser, server, locale="zh-CN", artifacts=None):
    context, page = logged_in(browser, server, locale)
    page.wait_for_selector("#prime-bar progress", timeout=15_000)
    page.wait_for_selector("#prime-bar progress[value='100']", timeout=30_000)
    if artifacts:
        page.screenshot(
            path=artifacts / f"priming-{locale.split('-')[0] if locale.startswith('en') else locale}.png"
        )
    assert page.evaluate(ACTIVATED) == "activated"
    return context, page


def type_code(page, code):
    page.fill("#wb-scan-code", code)
    page.click(".wb-scan-entry button[type=submit]")


def test_a_primed_phone_opens_a_typed_tag_offline_and_after_an_offline_reload(
    browser, live_server, register, artifacts
):
    context, page = primed(browser, live_server, artifacts=artifacts)
    key = register["key"]
    assert register["total"] in page.inner_text("#prime-bar")
    page.click(".tabbar a[href='#/scan']")
    page.wait_for_selector("wb-scanner #wb-scan-code")
    page.screenshot(path=artifacts / "scan-zh-CN.png")
    context.set_offline(True)
    type_code(page, fmt(key["tag_code"]).lower())
    page.wait_for_selector("#asset-name")
    assert page.inner_text("#asset-name") == key["name"]
    assert "重点部位" in page.inner_text(".asset-head")
    assert "离线" in page.inner_text("#sync-badge")
    page.screenshot(path=artifacts / "asset-zh-CN.png")
    page.reload()
    page.wait_for_selector("#asset-name")
    assert page.inner_text("#asset-name") == key["name"]
    assert fmt(key["tag_code"]) in page.inner_text(".fields")
    context.close()


def test_a_typo_in_the_check_character_is_caught_and_the_known_code_offered(browser, live_server, register):
    context, page = primed(browser, live_server)
    code = register["key"]["tag_code"]
    typo = code[:-1] + ("2" if code[-1] != "2" else "3")
    page.goto(live_server.url + "/#/scan")
    context.set_offline(True)
    type_code(page, typo)
    page.wait_for_selector(".wb-scan-candidates button")
    assert page.locator(".wb-scan-candidates button").all_inner_texts() == [fmt(code)]
    assert page.url.endswith("#/scan"), "a code with a typo never opens anything by itself"
    page.click(".wb-scan-candidates button")
    page.wait_for_selector("#asset-name")
    assert page.inner_text("#asset-name") == register["key"]["name"]
    context.close()


def test_a_retired_tag_says_what_replaced_it_online_and_then_offline(browser, live_server, register):
    context, page = primed(browser, live_server, locale="en-US")
    replacement = register["replacement"]
    for offline in (False, True):
        context.set_offline(offline)
        page.goto(live_server.url + "/#/scan")
        type_code(page, register["retired"])
        page.wait_for_selector(".outcome.warn")
        text = page.inner_text(".outcome.warn")
        assert f"Tag {fmt(register['retired'])} was replaced" in text
        assert fmt(replacement["tag_code"]) in text
    page.click(".outcome a.button")
    page.wait_for_selector("#asset-name")
    assert page.inner_text("#asset-name") == replacement["name"]
    context.close()


def test_a_tag_link_opens_the_asset_online_and_offline(browser, live_server, register):
    context, page = primed(browser, live_server)
    key = register["key"]
    page.goto(f"{live_server.url}/t/{fmt(key['tag_code'])}")
    page.wait_for_selector("#asset-name")
    assert page.url.endswith(f"#/assets/{key['id']}")
    page.goto(live_server.url + "/")
    context.set_offline(True)
    page.goto(f"{live_server.url}/#/t/{key['tag_code']}")
    page.wait_for_selector("#asset-name")
    assert page.inner_text("#asset-name") == key["name"]
    context.close()


def test_an_unknown_code_says_so_and_what_to_do(browser, live_server):
    context, page = primed(browser, live_server, locale="en-US")
    context.set_offline(True)
    # A well-formed code no demo tag uses (the check character makes it valid).
    page.goto(live_server.url + "/#/t/2222222222")
    page.wait_for_selector(".outcome.bad")
    text = page.inner_text(".outcome.bad")
    assert "is not known" in text and "Connect to the network" in text
    context.close()


def test_settings_show_storage_data_and_sync_and_refuse_logout_while_changes_wait(
    browser, live_server, register, artifacts
):
    context, page = primed(browser, live_server)
    page.click(".tabbar a[href='#/settings']")
    page.wait_for_selector("#primed-counts")
    assert f"{register['total']} 台设备" in page.inner_text("#primed-counts")
    assert "已用" in page.inner_text("#storage-usage")
    assert page.inner_text("#sync-pending") == "0"
    assert "weibao-shell-v" in page.inner_text(".version")
    page.screenshot(path=artifacts / "settings-zh-CN.png")
    page.evaluate(PENDING_CHANGE)
    page.reload()
    page.wait_for_selector("#sync-pending")
    assert page.inner_text("#sync-pending") == "1"
    assert page.inner_text("#sync-badge") == "待同步 1"
    page.click("[data-action=settings-logout]")
    page.wait_for_selector(".settings-part .error")
    assert "未退出" in page.inner_text(".settings-part .error")
    assert page.locator("#logout-blocked").count() == 1
    page.goto(live_server.url + "/")
    page.wait_for_selector("#greeting")  # still logged in
    context.close()


def test_english_screens(browser, live_server, register, artifacts):
    context, page = primed(browser, live_server, locale="en-US", artifacts=artifacts)
    page.click(".tabbar a[href='#/scan']")
    page.wait_for_selector("wb-scanner #wb-scan-code")
    assert page.inner_text(".scan-screen h2") == "Scan a tag"
    page.screenshot(path=artifacts / "scan-en.png")
    page.goto(f"{live_server.url}/#/assets/{register['key']['id']}")
    page.wait_for_selector(".history li")
    assert "Key location" in page.inner_text(".asset-head")
    page.screenshot(path=artifacts / "asset-en.png")
    page.goto(live_server.url + "/#/settings")
    page.wait_for_selector("#primed-counts")
    assert f"{register['total']} devices" in page.inner_text("#primed-counts")
    page.screenshot(path=artifacts / "settings-en.png")
    context.close()
