"""The PWA shell in real headless Chromium at phone size."""

import pytest

from tests.live import ACTIVATED, PHONE, log_in

pytestmark = pytest.mark.browser


def test_a_technician_logs_in_and_sees_the_home_screen_in_chinese(browser, live_server, artifacts):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_selector("#login-form")
    page.screenshot(path=artifacts / "login-zh.png")
    log_in(page, live_server.url, "tech1", ready="#greeting")
    assert "驻场工程师 A" in page.inner_text("#greeting")
    # Today: the technician's own tickets (the demo assigns some to tech1).
    page.wait_for_selector(".ticket-title", timeout=60_000)
    assert page.locator(".ticket-title").count() >= 1
    page.screenshot(path=artifacts / "home-zh.png")
    context.close()


def test_the_service_worker_activates_and_serves_the_shell_offline(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.goto(live_server.url + "/")
    state = page.evaluate(ACTIVATED)
    assert state == "activated"
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#login-form")
    assert page.inner_text("h1") == "Weibao"
    context.close()


def test_language_follows_the_browser_and_can_be_switched(browser, live_server, artifacts):
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_selector("#login-form")
    assert page.inner_text("button[type=submit]") == "Log in"
    page.screenshot(path=artifacts / "login-en.png")
    log_in(page, live_server.url, "tech2", ready="#greeting")
    assert "Hello, Field engineer B" in page.inner_text("#greeting")
    page.screenshot(path=artifacts / "home-en.png")
    page.select_option("[data-action=language]", "zh-CN")
    page.wait_for_selector("#greeting:has-text('您好')")
    context.close()


def test_wrong_password_shows_a_clear_message(browser, live_server):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.fill("#username", "tech1")
    page.fill("#password", "wrong")
    page.click("button[type=submit]")
    page.wait_for_selector(".error:not(:empty)")
    assert page.inner_text(".error") == "用户名或密码错误。"
    context.close()
