"""An acknowledged write survives the server being killed right after it answered."""

import signal

import httpx

from tests.live import LiveServer, free_port


def admin_session(server: LiveServer) -> httpx.Client:
    http = httpx.Client(base_url=server.url)
    http.get("/api/health")
    http.headers["x-csrftoken"] = http.cookies["csrftoken"]
    response = http.post("/api/auth/login", json={"username": "admin", "password": "weibao-demo"})
    assert response.status_code == 200
    return http


def test_writes_acknowledged_before_a_sigkill_are_all_there_after_restart(tmp_path):
    server = LiveServer(data_dir=tmp_path / "data", port=free_port())
    server.weibao("migrate")
    server.weibao("demo")
    server.start()
    try:
        http = admin_session(server)
        acknowledged = []
        for i in range(20):
            response = http.post("/api/clients", json={"name": f"Crash client {i}"})
            assert response.status_code == 201
            acknowledged.append(response.json()["id"])
        http.close()
        server.stop(signal.SIGKILL)
        server.start()
        http = admin_session(server)
        listed = {c["id"] for c in http.get("/api/clients").json()}
        assert set(acknowledged) <= listed
        http.close()
    finally:
        server.stop()
