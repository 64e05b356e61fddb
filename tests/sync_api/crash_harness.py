"""Crash cycles: a phone pushes while the real server is SIGKILLed at a random moment
(before, during, or after the commit, possibly before the response), restarted, and retried.

Shared by tests/sync_api/test_sync_crash.py (50 cycles) and bench/soak_sync.py (1,000).
"""

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from backend.db import new_id
from tests.live import ROOT, LiveServer, free_port

DEMO_PASSWORD = "weibao-demo"
CLIENT_ID = "crash-phone"


@dataclass
class Tally:
    cycles: int = 0
    generated: int = 0
    lost_responses: int = 0  # the push got no answer because the server died
    committed_unanswered: int = 0  # …and yet it had committed: the retry saw duplicates
    applied_rows: int = 0
    lost: int = 0
    duplicated: int = 0
    integrity: str = ""
    failures: list[str] = field(default_factory=list)


class Phone:
    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=10)
        self.seq = 0
        self.outbox: list[dict] = []
        self.ids_seq: dict[str, int] = {}
        self.site_id = ""
        self.records: list[str] = []

    def login(self) -> None:
        self.http.get("/api/health")
        self.http.headers["x-csrftoken"] = self.http.cookies["csrftoken"]
        self.http.post("/api/auth/login", json={"username": "tech1", "password": DEMO_PASSWORD})
        self.site_id = self.http.get("/api/sites").json()[0]["id"]

    def write(self, rng: random.Random) -> None:
        for _ in range(rng.randint(1, 6)):
            kind = rng.random()
            if not self.records or kind < 0.3:
                record = f"wo-{new_id()}"
                self.records.append(record)
                self.add("work_order.create", record, title="Crash test", site_id=self.site_id)
            elif kind < 0.7:
                self.add("work_order.set_fields", rng.choice(self.records), fields={"notes": new_id()})
            else:
                self.add("work_order.add_comment", rng.choice(self.records), comment_id=new_id(), body="x")

    def add(self, name: str, record_id: str, **args) -> None:
        self.seq += 1
        now = time.time_ns() // 1_000_000
        body = {
            "name": name,
            "id": new_id(),
            "client_id": CLIENT_ID,
            "seq": self.seq,
            "hlc": f"{now:015d}:{self.seq % 100000:05d}:{CLIENT_ID}",
            "record_id": record_id,
            **args,
        }
        self.ids_seq[body["id"]] = self.seq
        self.outbox.append(body)

    def push(self) -> httpx.Response:
        return self.http.post("/api/sync/push", json={"client_id": CLIENT_ID, "mutations": self.outbox})

    def pull_and_confirm(self) -> None:
        cursor = None
        while True:
            params = {"client_id": CLIENT_ID, "limit": 5000, **({"cursor": cursor} if cursor else {})}
            page = self.http.get("/api/sync/pull", params=params).json()
            cursor = page["cursor"]
            if not page["has_more"]:
                break
        confirmed = page["last_applied_mutation_id"]
        if confirmed:
            upto = self.ids_seq[confirmed]
            self.outbox = [m for m in self.outbox if m["seq"] > upto]


class ForkedServer:
    """The real server, forked from tests/sync_api/server_zygote.py so a restart is quick."""

    def __init__(self, live: LiveServer):
        self.live, self.pid = live, 0
        script = Path(__file__).with_name("server_zygote.py")
        self.zygote = subprocess.Popen(
            [sys.executable, str(script)],
            env=live.env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    @property
    def url(self) -> str:
        return self.live.url

    def start(self) -> None:
        self.zygote.stdin.write("serve\n")
        self.zygote.stdin.flush()
        self.pid = int(self.zygote.stdout.readline())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.02)
        raise RuntimeError("the server did not start within 30 s")

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        while True:  # gone once reaped (the zygote ignores SIGCHLD)
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.005)

    def close(self) -> None:
        if self.pid:
            self.kill()
        self.zygote.stdin.close()
        self.zygote.wait(timeout=15)


def start_server(data_dir: Path) -> ForkedServer:
    live = LiveServer(data_dir=data_dir, port=free_port())
    live.weibao("migrate")
    live.weibao("demo")
    server = ForkedServer(live)
    server.start()
    return server


def run_cycles(data_dir: Path, cycles: int, seed: int = 4) -> Tally:
    rng = random.Random(seed)
    server = start_server(data_dir)
    phone = Phone(server.url)
    phone.login()
    tally = Tally()
    try:
        for _ in range(cycles):
            crash_cycle(server, phone, rng, tally)
        phone.push()
        phone.pull_and_confirm()
    finally:
        server.close()
    verify(data_dir / "weibao.sqlite3", phone, tally)
    return tally


def crash_cycle(server: ForkedServer, phone: Phone, rng: random.Random, tally: Tally) -> None:
    phone.write(rng)
    sent = {m["id"] for m in phone.outbox}
    answer: list = []

    def attempt() -> None:
        with contextlib.suppress(httpx.TransportError):
            answer.append(phone.push())

    worker = threading.Thread(target=attempt)
    worker.start()
    time.sleep(rng.uniform(0, 0.02) if rng.random() < 0.8 else rng.uniform(0, 0.08))
    server.kill()
    worker.join()
    server.start()
    tally.cycles += 1
    retry = phone.push()
    if retry.status_code != 200:
        tally.failures.append(f"retry answered {retry.status_code}: {retry.text[:200]}")
        return
    if not answer:
        tally.lost_responses += 1
        statuses = {r["status"] for r in retry.json()["results"] if r["id"] in sent}
        if "duplicate" in statuses:
            tally.committed_unanswered += 1
    phone.pull_and_confirm()


def verify(db_file: Path, phone: Phone, tally: Tally) -> None:
    tally.generated = len(phone.ids_seq)
    with sqlite3.connect(db_file) as conn:
        stored = [r[0] for r in conn.execute("SELECT id FROM sync_applied WHERE client_id = ?", (CLIENT_ID,))]
        tally.integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        creates = conn.execute("SELECT count(*) FROM work_orders WHERE title = 'Crash test'").fetchone()[0]
        versions = conn.execute("SELECT sum(version) FROM work_orders WHERE title = 'Crash test'").fetchone()[
            0
        ]
    tally.applied_rows = len(stored)
    tally.lost = len(set(phone.ids_seq) - set(stored))
    tally.duplicated = len(stored) - len(set(stored))
    if creates != len(phone.records):
        tally.failures.append(f"{creates} work orders stored for {len(phone.records)} creates")
    # Every create, notes edit (a new value each time) and comment bumps a version exactly once.
    if versions != tally.generated:
        tally.failures.append(f"versions sum to {versions} for {tally.generated} mutations")
    if phone.outbox:
        tally.failures.append(f"{len(phone.outbox)} mutations never confirmed by a pull")
