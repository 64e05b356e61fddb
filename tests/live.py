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
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "weibao-demo"  # every demo login's (backend/demo/seed.py)
AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
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
    client.post("/api/auth/login", json={"username": username, "password": PASSWORD}).raise_for_status()
    return client


def demo_server(data_dir: Path) -> LiveServer:
    """Migrated, loaded with demo data and serving."""
    server = LiveServer(data_dir=data_dir, port=free_port())
    server.weibao("migrate")
    server.weibao("demo")
    return server.start()


# --- Pages of the app, for the browser journeys -------------------------------------------

# A change made through the phone's own store (store/local.js), as a screen makes it.
MUTATE = """async ([entity, id, name, args, seen]) => {
  const local = await import('/store/local.js');
  await local.mutate(entity, id, name, args, seen);
}"""
# One sync cycle now; resolves with its error (null when it went through).
SYNC = "async () => { const s = await (await import('/store/local.js')).syncNow(); return s.lastError; }"
IDB_COUNT = """
(store) => new Promise((resolve, reject) => {
  const open = indexedDB.open('weibao');
  open.onsuccess = () => {
    const request = open.result.transaction(store).objectStore(store).count();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
    request.onerror = () => reject(request.error);
  };
})
"""


def wait_until(page, predicate: str, *args, timeout_ms: int = 30_000) -> None:
    """Polls an async predicate (wait_for_function does not await a returned promise)."""
    for _ in range(timeout_ms // 250):
        if page.evaluate(predicate, *args):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"never true: {predicate}")


def new_page(browser, *, locale: str = "zh-CN", viewport: dict = PHONE, accept_dialogs: bool = False):
    """(context, page) in a fresh profile; with accept_dialogs every confirmation is accepted and
    its text kept in page.dialogs."""
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    if accept_dialogs:
        page.dialogs = []

        def accept(dialog):
            page.dialogs.append(dialog.message)
            dialog.accept()

        page.on("dialog", accept)
    return context, page


def log_in(page, url: str, username: str = "tech1", path: str | None = "/", ready: str = ".tabbar") -> None:
    """The login form (at `path`; None: the page is already there), filled and sent; returns
    once `ready` shows."""
    if path is not None:
        page.goto(f"{url}/#{path}")
    page.wait_for_selector("#username", timeout=90_000)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(ready, timeout=60_000)


def log_in_on_phone(page, url: str, username: str = "tech1", path: str = "/") -> None:
    """The login form, then the app's sync session started (other phone tests build on it)."""
    log_in(page, url, username, path, ready=".tabbar, nav")
    wait_until(page, "() => import('/store/local.js').then((m) => m.startSession()).then(() => true)")


def phone_session(browser, url: str, username: str = "tech1", path: str = "/", accept_dialogs: bool = False):
    """(context, page): a phone at 390×844 in Chinese, signed in with its sync session started."""
    context, page = new_page(browser, accept_dialogs=accept_dialogs)
    log_in_on_phone(page, url, username, path)
    return context, page


def console_page(browser, server, username="dispatcher", path="/console", locale="zh-CN", viewport=DESKTOP):
    """A signed-in console page; every confirmation is accepted and its text kept in .dialogs."""
    context, page = new_page(browser, locale=locale, viewport=viewport, accept_dialogs=True)
    log_in(page, server.url, username, path, ready=".console-nav")
    return context, page


def synced(page, timeout_ms: int = 60_000) -> None:
    """One sync cycle went through and the phone's outbox is empty."""
    assert page.evaluate(SYNC) is None
    wait_until(page, f"() => ({IDB_COUNT})('outbox').then((n) => n === 0)", timeout_ms=timeout_ms)


def set_language(page, code: str) -> None:
    page.evaluate(SET_LANGUAGE, code)
    page.wait_for_function("(code) => document.documentElement.lang === code", arg=code)


def shots(page, artifacts, name: str, focus: str | None = None) -> None:
    """The screen in Chinese, then English, scrolled to `focus`; the app stays Chinese afterwards."""
    for code in ("zh-CN", "en"):
        set_language(page, code)
        if focus:
            page.locator(focus).first.evaluate("(el) => el.scrollIntoView({ block: 'center' })")
        page.screenshot(path=artifacts / f"{name}-{code}.png")
    set_language(page, "zh-CN")


def draw(page, points) -> None:
    """One stroke on the signature pad, through points given as fractions of its canvas."""
    box = page.locator("wb-signature-pad canvas").bounding_box()
    page.mouse.move(box["x"] + points[0][0] * box["width"], box["y"] + points[0][1] * box["height"])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=6)
    page.mouse.up()
