"""A real server killed with SIGKILL between enqueue and send: after a restart every queued
notification is delivered, none lost and none twice.

To kill it reliably between the two, the test holds the worker lease itself (as a second app
process would): the server commits the outbox rows but its worker may not send. After the
kill the test lets the lease go and starts the server again on the same data directory.
The fake push service runs in its own process.
"""

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from backend.push.worker import LEASE_NAME
from tests.live import demo_server

FAKE = Path(__file__).with_name("fake_push_service.py")
DEVICES = 12


@pytest.fixture
def fake_service():
    process = subprocess.Popen([sys.executable, str(FAKE)], stdout=subprocess.PIPE, text=True)
    try:
        yield json.loads(process.stdout.readline())["base_url"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def log_in(base_url: str, username: str) -> httpx.Client:
    session = httpx.Client(base_url=base_url, timeout=10)
    session.get("/api/health")
    session.headers["x-csrftoken"] = session.cookies["csrftoken"]
    response = session.post("/api/auth/login", json={"username": username, "password": "weibao-demo"})
    assert response.status_code == 200, response.text
    return session


def hold_lease(db_file: Path) -> None:
    with sqlite3.connect(db_file) as db:
        db.execute(
            "INSERT INTO worker_leases (name, holder, expires_at) VALUES (?, ?, ?)",
            (LEASE_NAME, "the test", "2099-01-01 00:00:00.000000"),
        )


def release_lease(db_file: Path) -> None:
    with sqlite3.connect(db_file) as db:
        db.execute("DELETE FROM worker_leases WHERE name = ?", (LEASE_NAME,))


def outbox_states(db_file: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db_file) as db:
        return sorted(db.execute("SELECT state, attempts FROM push_outbox"))


def delivered(fake_url: str) -> int:
    return httpx.get(f"{fake_url}/_fake/stats").json()["delivered"]


def test_a_server_killed_between_enqueue_and_send_delivers_everything_once_after_restart(
    tmp_path, monkeypatch, fake_service
):
    monkeypatch.setenv("WEIBAO_PUSH_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("WEIBAO_PUSH_WORKER", "1")
    server = demo_server(tmp_path / "data")
    db_file = tmp_path / "data" / "weibao.sqlite3"
    try:
        hold_lease(db_file)
        tech = log_in(server.url, "tech1")
        for _ in range(DEVICES):
            subscription = httpx.post(f"{fake_service}/_fake/mint").json()
            device = tech.post("/api/push/subscriptions", json=subscription).json()
            assert tech.post(f"/api/push/subscriptions/{device['id']}/test").status_code == 202
        assert outbox_states(db_file) == [("pending", 0)] * DEVICES

        server.stop(signal.SIGKILL)
        assert delivered(fake_service) == 0
        release_lease(db_file)
        server.start()

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(s != "sent" for s, _ in outbox_states(db_file)):
            time.sleep(0.1)
        assert outbox_states(db_file) == [("sent", 1)] * DEVICES
        assert delivered(fake_service) == DEVICES
    finally:
        server.stop()
