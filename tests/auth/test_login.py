import dataclasses

from litestar.testing import AsyncTestClient

from backend.app import create_app
from tests.builders import PASSWORD, login, use_session


async def test_login_sets_an_httponly_lax_session_cookie_and_me_answers(client, world):
    response = await login(client, "technician_a")
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "weibao_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # served over plain http here
    me = await client.get("/api/auth/me")
    assert me.json()["user"]["username"] == "technician_a"
    assert me.json()["user"]["role"] == "technician"


async def test_session_cookie_is_secure_when_served_over_https(settings, world):
    https = dataclasses.replace(settings, public_base_url="https://weibao.example")
    async with AsyncTestClient(app=create_app(https), base_url="https://testserver.local") as client:
        response = await login(client, "technician_a")
    assert response.status_code == 200
    assert "secure" in response.headers["set-cookie"].lower()


async def test_unknown_user_and_wrong_password_answer_identically(client, world):
    wrong_password = await login(client, "technician_a", "not the password")
    unknown_user = await login(client, "nobody_here", "not the password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json()
    assert wrong_password.json()["error"] == "bad_credentials"


async def test_logging_in_again_rotates_the_session_and_the_old_token_dies(client, world):
    await login(client, "technician_a")
    first = client.cookies["weibao_session"]
    await login(client, "technician_a")
    second = client.cookies["weibao_session"]
    assert first != second
    use_session(client, first)
    assert (await client.get("/api/auth/me")).status_code == 401
    use_session(client, second)
    assert (await client.get("/api/auth/me")).status_code == 200


async def test_logout_ends_the_session(client, world):
    await login(client, "technician_a")
    token = client.cookies["weibao_session"]
    assert (await client.post("/api/auth/logout")).status_code == 200
    use_session(client, token)
    response = await client.get("/api/auth/me")
    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"


async def two_devices(client, username) -> tuple[str, str]:
    """Two sessions of one user, as a phone and a tablet would hold them."""
    await login(client, username)
    phone = client.cookies["weibao_session"]
    client.cookies.delete("weibao_session")
    await login(client, username)
    return phone, client.cookies["weibao_session"]


async def me_status(client, token: str) -> int:
    use_session(client, token)
    return (await client.get("/api/auth/me")).status_code


async def test_logout_everywhere_ends_every_session_of_the_user(client, world):
    phone, tablet = await two_devices(client, "technician_a")
    assert await me_status(client, tablet) == 200
    use_session(client, phone)
    assert (await client.post("/api/auth/logout-everywhere")).status_code == 200
    assert await me_status(client, tablet) == 401
    assert await me_status(client, phone) == 401


async def test_password_change_ends_other_sessions_and_keeps_this_device_logged_in(client, world):
    phone, tablet = await two_devices(client, "technician_a")
    use_session(client, phone)
    body = {"current_password": PASSWORD, "new_password": "a new long password"}
    assert (await client.post("/api/auth/password", json=body)).status_code == 200
    renewed = client.cookies["weibao_session"]
    assert await me_status(client, tablet) == 401
    assert await me_status(client, phone) == 401
    assert await me_status(client, renewed) == 200
    client.cookies.delete("weibao_session")
    assert (await login(client, "technician_a")).status_code == 401
    assert (await login(client, "technician_a", "a new long password")).status_code == 200


async def test_password_change_needs_the_current_password_and_a_long_new_one(client, world):
    await login(client, "technician_a")
    wrong = await client.post(
        "/api/auth/password", json={"current_password": "nope", "new_password": "long enough pw"}
    )
    assert wrong.status_code == 422 and wrong.json()["error"] == "bad_credentials"
    short = await client.post(
        "/api/auth/password", json={"current_password": PASSWORD, "new_password": "short"}
    )
    assert short.status_code == 422
    assert (await client.get("/api/auth/me")).status_code == 200


async def test_disabling_an_account_ends_its_sessions_and_blocks_login(client, world):
    await login(client, "technician_a")
    tech = client.cookies["weibao_session"]
    client.cookies.delete("weibao_session")
    await login(client, "admin")
    user_id = world.user_ids["technician_a"]
    response = await client.patch(f"/api/users/{user_id}", json={"disabled": True})
    assert response.status_code == 200 and response.json()["disabled"] is True
    assert await me_status(client, tech) == 401
    client.cookies.delete("weibao_session")
    assert (await login(client, "technician_a")).status_code == 401


async def test_repeated_failures_on_one_account_get_429_with_retry_after(client, world):
    for _ in range(5):
        assert (await login(client, "technician_a", "wrong")).status_code == 401
    blocked = await login(client, "technician_a", PASSWORD)  # even the right password waits
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert blocked.json()["error"] == "rate_limited"
    other = await login(client, "technician_b")
    assert other.status_code == 200  # the account limit does not lock out other accounts


async def test_one_address_trying_many_accounts_is_throttled(client, world):
    for i in range(20):
        assert (await login(client, f"guess{i}", "wrong")).status_code == 401
    assert (await login(client, "technician_a", PASSWORD)).status_code == 429


async def test_writes_without_the_csrf_header_are_refused(client, world):
    await login(client, "admin")
    del client.headers["x-csrftoken"]
    response = await client.post("/api/clients", json={"name": "Sneaky"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    assert (await client.post("/api/clients", json={"name": "Honest"})).status_code == 201


async def test_api_needs_a_session_but_the_shell_does_not(client):
    assert (await client.get("/api/sites")).status_code == 401
    assert (await client.get("/")).status_code == 200
    assert (await client.get("/manifest.webmanifest")).status_code == 200
