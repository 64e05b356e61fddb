"""A real server in a subprocess and a real headless Chromium, for the browser journeys."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# Switches the app's language in place through its own language control (the screen keeps
# its state: timers keep running, typed text stays).
SET_LANGUAGE = """(code) => {
  const select = document.createElement('select');
  select.dataset.action = 'language';
  select.innerHTML = `<option value="${code}">${code}</option>`;
  document.getElementById('app').append(select);
  select.value = code;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}"""

# Resolves with the service worker's state once it is activated (or whatever it is after 10 s).
ACTIVATED = """
navigator.serviceWorker.ready.then((registration) => new Promise((resolve) => {
  const worker = registration.active;
  if (worker.state === 'activated') return resolve(worker.state);
  worker.addEventListener('statechange', () => worker.state === 'activated' && resolve(worker.state));
  setTimeout(() => resolve(worker.state), 10000);
}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    data_dir: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "WEIBAO_DATA_DIR": str(self.data_dir), "PORT": str(self.port)}

    def weibao(self, *args: str) -> str:
        cmd = [sys.executable, "-m", "backend.cli", *args]
        done = subprocess.run(cmd, env=self.env, cwd=ROOT, capture_output=True, text=True, check=True)
        return done.stdout

    def start(self) -> "LiveServer":
        cmd = [sys.executable, "-m", "backend.cli", "serve"]
        self.process = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start within 30 s")

    def stop(self, sig: int | None = None) -> None:
        if self.process and self.process.poll() is None:
            if sig is None:
                self.process.terminate()
            else:
                self.process.send_signal(sig)
            self.process.wait(timeout=15)
        self.process = None


def signed_in(server: LiveServer, username: str = "tech1") -> httpx.Client:
    """An API client logged in as a demo user, sending the CSRF header every write needs."""
    client = httpx.Client(base_url=server.url, timeout=30)
    client.get("/api/health")
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    client.post("/api/auth/login", json={"username": username, "password": "weibao-demo"}).raise_for_status()
    return client


def demo_server(data_dir: Path) -> LiveServer:
    """Migrated, loaded with demo data and serving."""
    server = LiveServer(data_dir=data_dir, port=free_port())
    server.weibao("migrate")
    server.weibao("demo")
    return server.start()
