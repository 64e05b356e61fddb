"""SIGKILL a real server in the middle of uploads: no row points to a missing file, and every
acknowledged byte survives, so resuming resends at most the chunk that was in flight."""

import io
import signal
import sqlite3
import threading
from pathlib import Path

import httpx
from PIL import Image

from backend.blobs.tus import checksum_header
from tests.evidence.samples import sha256
from tests.live import LiveServer, free_port

CHUNK = 16 * 1024
KILLS = 2


def noisy_jpeg(seed: int) -> bytes:
    image = Image.effect_noise((480, 360), 40 + seed).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


def logged_in(server: LiveServer) -> httpx.Client:
    http = httpx.Client(base_url=server.url, timeout=10)
    http.get("/api/health")
    http.headers["x-csrftoken"] = http.cookies["csrftoken"]
    assert http.post("/api/auth/login", json={"username": "tech1", "password": "weibao-demo"}).is_success
    return http


class Uploader:
    """Uploads photos the way the phone does, remembering what the server acknowledged."""

    def __init__(self, photos: list[bytes], site_id: str) -> None:
        self.photos, self.site_id = photos, site_id
        self.acknowledged: dict[str, int] = {}
        self.chunks = 0
        self.progress = threading.Event()

    def offset(self, http: httpx.Client, data: bytes) -> int:
        head = http.head(f"/api/blobs/{sha256(data)}")
        if head.status_code == 200:
            return int(head.headers["upload-offset"])
        body = {
            "sha256": sha256(data),
            "length": len(data),
            "content_type": "image/jpeg",
            "site_id": self.site_id,
        }
        return http.post("/api/blobs", json=body).json()["offset"]

    def send(self, http: httpx.Client, data: bytes, stop_after: int) -> None:
        offset = self.offset(http, data)
        while offset < len(data):
            chunk = data[offset : offset + CHUNK]
            headers = {
                "upload-offset": str(offset),
                "upload-checksum": checksum_header(chunk),
                "content-type": "application/offset+octet-stream",
            }
            response = http.patch(f"/api/blobs/{sha256(data)}", content=chunk, headers=headers)
            assert response.status_code == 204, response.text
            offset = int(response.headers["upload-offset"])
            self.acknowledged[sha256(data)] = offset
            self.chunks += 1
            if self.chunks >= stop_after:
                self.progress.set()

    def run(self, http: httpx.Client, stop_after: int) -> None:
        try:
            for data in self.photos:
                self.send(http, data, stop_after)
        except httpx.TransportError:
            pass  # the server was killed under us
        finally:
            self.progress.set()


def dangling_rows(data_dir: Path) -> list[str]:
    media = data_dir / "media"
    problems = []
    with sqlite3.connect(data_dir / "weibao.sqlite3") as db:
        rows = db.execute("SELECT sha256, state, full_sha256, display_sha256, thumb_sha256 FROM blobs")
        for sha, state, *renditions in rows:
            if state == "uploading" and not (media / "uploads" / f"{sha}.part").exists():
                problems.append(f"upload {sha} has no partial file")
            for r in renditions if state == "present" else []:
                if not (media / "blobs" / r[:2] / r).exists():
                    problems.append(f"blob {sha} misses rendition {r}")
    return problems


def test_sigkill_during_uploads_leaves_no_dangling_row_and_uploads_resume(tmp_path):
    server = LiveServer(data_dir=tmp_path / "data", port=free_port())
    server.weibao("migrate")
    server.weibao("demo")
    server.start()
    try:
        http = logged_in(server)
        site_id = http.get("/api/sites").json()[0]["id"]
        photos = [noisy_jpeg(seed) for seed in range(4)]
        uploader = Uploader(photos, site_id)
        for kill in range(1, KILLS + 1):
            worker = threading.Thread(target=uploader.run, args=(http, uploader.chunks + 5))
            worker.start()
            uploader.progress.wait(timeout=60)
            server.stop(signal.SIGKILL)
            worker.join(timeout=30)
            uploader.progress.clear()
            assert dangling_rows(server.data_dir) == [], f"after kill {kill}"
            server.start()
            http = logged_in(server)
            for sha, acknowledged in uploader.acknowledged.items():
                # Acknowledged bytes were committed: only an unacknowledged chunk is ever resent.
                assert int(http.head(f"/api/blobs/{sha}").headers["upload-offset"]) >= acknowledged
        uploader.run(http, stop_after=10**9)
        for data in photos:
            head = http.head(f"/api/blobs/{sha256(data)}")
            assert head.headers["weibao-blob-state"] == "present"
        assert dangling_rows(server.data_dir) == []
        assert "everything matches" in server.weibao("verify")
    finally:
        server.stop()
