"""Comments say who wrote them, on the phone (我 for one's own, the author's name for others)
and on the console's ticket page, with the server recording the author (PROTOCOL.md §4 "by")."""

import pytest

from tests.live import console_page, phone_session, shots, synced, wait_until

pytestmark = pytest.mark.browser

AUTHOR_LINES = """() => [...document.querySelectorAll('#wo-comments ~ ol li')]
  .map((li) => li.innerText.replace(/\\s+/g, ' ').trim())"""


def test_comments_show_their_authors_on_the_phone_and_the_console(browser, server, tech, office, artifacts):
    me = tech.get("/api/auth/me").json()["user"]
    dispatcher = office.get("/api/auth/me").json()["user"]
    ticket = next(o for o in tech.get("/api/work-orders").json() if o["assignee_id"] == me["id"])
    added = office.post(f"/api/work-orders/{ticket['id']}/comments", json={"body": "先检查电源适配器"})
    assert added.status_code in (200, 201), added.text

    context, page = phone_session(browser, server.url, "tech1", f"/work-orders/{ticket['id']}")
    try:
        page.wait_for_selector("#wo-comment")
        page.fill("#wo-comment", "电源适配器无输出，已更换")
        page.click("[data-action=addComment]")
        synced(page)
        expected = [f"{dispatcher['display_name']} ·", "我 ·"]

        def shown():
            lines = page.evaluate(AUTHOR_LINES)
            return len(lines) == 2 and all(
                line.startswith(who) for line, who in zip(lines, expected, strict=True)
            )

        for _ in range(120):
            if shown():
                break
            page.wait_for_timeout(250)
        assert shown(), page.evaluate(AUTHOR_LINES)
        shots(page, artifacts, "phone-comment-authors", focus="#wo-comments")
    finally:
        context.close()

    stored = office.get(f"/api/work-orders/{ticket['id']}").json()["comments"]
    assert [(c["body"], c["author_name"]) for c in stored] == [
        ("先检查电源适配器", dispatcher["display_name"]),
        ("电源适配器无输出，已更换", me["display_name"]),
    ]
    context, page = console_page(browser, server, "dispatcher", f"/console/tickets/{ticket['id']}")
    try:
        page.wait_for_selector("#ticket-comments")
        wait_until(page, "() => document.querySelectorAll('#ticket-comments .comment-author').length === 2")
        authors = page.locator("#ticket-comments .comment-author").all_inner_texts()
        assert authors == [dispatcher["display_name"], me["display_name"]]
        shots(page, artifacts, "console-comment-authors", focus="#ticket-comments")
    finally:
        context.close()
