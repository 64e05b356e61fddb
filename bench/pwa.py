"""PWA quality: Lighthouse scores, installability and axe-core on every screen (issue 7).

Run: .venv/bin/python bench/pwa.py   (needs `cd pwa && npm ci`: lighthouse and axe-core are
devDependencies; Debian's chromium at /usr/bin/chromium or $CHROME_PATH)

A demo server is started as `make run` does (migrate, demo data, serve; tests/live.py). Then:
- Lighthouse (headless chromium) on the login page as a phone and on the dispatcher console
  as a desktop, logged in (same browser, --port): performance, accessibility, best practices.
- Installability: Chromium's own verdict (CDP Page.getInstallabilityErrors) once the service
  worker controls the page. Lighthouse 12 no longer has a PWA category.
- axe-core injected with Playwright on every route of pwa/routes.js the demo data can fill
  (path parameters from the API): technician screens at 390×844, console screens at
  1280×800 (the board also at 390×844). Goal: 0 serious or critical violations.
Ends with one JSON line of figures.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live import CHROMIUM, CHROMIUM_ARGS, PHONE, demo_server, free_port  # noqa: E402

PWA = ROOT / "pwa"
LIGHTHOUSE = PWA / "node_modules" / "lighthouse" / "cli" / "index.js"
AXE = PWA / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "weibao-demo"
STAFF_PREFIX = "/console"
SEVERE = ("serious", "critical")
CATEGORIES = ("performance", "accessibility", "best-practices")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def routes() -> list[dict]:
    """Paths and roles as pwa/routes.js declares them (read, so new screens are included)."""
    found = []
    for line in (PWA / "routes.js").read_text().splitlines():
        path = re.search(r"path: '([^']+)'", line)
        if not path:
            continue
        roles = re.search(r"roles: \[([^\]]*)\]", line)
        names = re.findall(r"'(\w+)'", roles.group(1)) if roles else None
        found.append({"path": path.group(1), "roles": names})
    return found


def session(server, username: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    client.get("/api/health")
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]
    client.post("/api/auth/login", json={"username": username, "password": PASSWORD}).raise_for_status()
    return client


def parameters(server) -> dict[str, str]:
    """Values for path parameters, from what the demo users can see."""
    tech, staff = session(server, "tech1"), session(server, "dispatcher")
    try:
        asset = tech.get("/api/assets", params={"limit": 1, "criticality": "key"}).json()["items"][0]
        mine = tech.get("/api/my/work-orders").json()
        board = staff.get("/api/board").json()
        inspections = tech.get("/api/inspections").json()
        values = {"asset": asset["id"], "code": asset["tag_code"] or ""}
        values["ticket"] = board[0]["id"] if board else ""
        values["work_order"] = mine[0]["id"] if mine else ""
        items = inspections.get("items", inspections) if isinstance(inspections, dict) else inspections
        values["inspection"] = items[0]["id"] if items else ""
        return values
    finally:
        tech.close()
        staff.close()


def concrete(path: str, values: dict[str, str]) -> str | None:
    if ":" not in path:
        return path
    if path.startswith("/console/tickets/"):
        key = "ticket"
    elif path.startswith("/work-orders/"):
        key = "work_order"
    elif path.startswith("/inspections/"):
        key = "inspection"
    elif path.startswith("/t/"):
        key = "code"
    else:
        key = "asset"
    value = values.get(key)
    return re.sub(r":\w+", value, path) if value else None


def screens(values: dict[str, str]) -> tuple[list[tuple[str, str, dict]], list[str]]:
    """(user, path, viewport) for every route; the routes no demo value fills are returned apart."""
    plan, skipped = [], []
    for route in routes():
        path = concrete(route["path"], values)
        if path is None:
            skipped.append(route["path"])
            continue
        if path.startswith(STAFF_PREFIX):
            user = "admin" if route["roles"] == ["admin"] else "dispatcher"
            plan.append((user, path, DESKTOP))
            if path == STAFF_PREFIX:
                plan.append((user, path, PHONE))
        else:
            plan.append(("tech1", path, PHONE))
    return plan, skipped


def lighthouse(url: str, preset: str, port: int | None = None) -> dict[str, float]:
    """`port`: audit in that already running Chromium, keeping its cookies (a logged-in page)."""
    out = Path(tempfile.mkdtemp()) / "report.json"
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility,best-practices",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
    ]
    if preset == "desktop":
        cmd.append("--preset=desktop")
    if port:
        cmd += [f"--port={port}", "--disable-storage-reset"]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
    subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=600)
    report = json.loads(out.read_text())
    scores = {name: round(cat["score"] * 100) for name, cat in report["categories"].items()}
    failing = [
        a["id"]
        for a in report["audits"].values()
        if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") == "binary"
    ]
    errors = report["audits"]["errors-in-console"].get("details", {}).get("items", [])
    logged = [f"{e.get('source')}: {e.get('description', '')[:100]}" for e in errors]
    return {**scores, "failing_binary_audits": failing, "console_errors": logged}


def logged_in_lighthouse(playwright, server, path: str) -> dict[str, float]:
    """A Chromium of our own with a debugging port: Playwright logs the dispatcher in, then
    Lighthouse audits the console in the same browser, session cookie and all."""
    port = free_port()
    with tempfile.TemporaryDirectory() as profile:
        args = [
            *CHROMIUM_ARGS,
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            "about:blank",
        ]
        chromium = subprocess.Popen([CHROMIUM, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            browser = connect(playwright, port)
            page = browser.contexts[0].new_page()
            log_in(page, server, "dispatcher")
            page.close()
            return lighthouse(server.url + path, "desktop", port)
        finally:
            chromium.terminate()
            chromium.wait(timeout=15)


def connect(playwright, port: int):
    deadline = time.monotonic() + 30
    while True:
        try:
            return playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def log_in(page, server, username: str) -> None:
    page.goto(server.url + "/#/settings")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector(".screen", timeout=60_000)


def settle(page) -> None:
    # A polling screen never idles: it gets the same time anyway.
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=8_000)
    page.wait_for_timeout(800)


def axe_scan(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    small = sorted(set(page.evaluate(SMALL_TARGETS)))
    result = page.evaluate(
        "(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", AXE_TAGS
    )
    found = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "targets": [n["target"] for n in v["nodes"][:3]],
        }
        for v in result["violations"]
    ]
    if small:
        found.append(
            {"id": "touch-target-44px", "impact": "minor", "nodes": len(small), "targets": small[:6]}
        )
    return found


def installability(playwright, server) -> list[str]:
    """Chromium refuses to install from an incognito profile, so this one has a real profile."""
    with tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE
        )
        page = context.new_page()
        page.goto(server.url + "/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()
        settle(page)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        context.close()
    return [e["errorId"] for e in errors]


# Touch targets (issue 7: ≥ 44 px, used with gloves). Inline links in running text are exempt
# as in WCAG 2.5.8; an input counts with the label that wraps it.
SMALL_TARGETS = """
() => [...document.querySelectorAll('button, a, select, input, textarea, summary, [role=button]')]
  .filter((e) => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .filter((e) => e.type !== 'hidden')
  .map((e) => (e.tagName === 'INPUT' && e.closest('label')) || e)
  .filter((e) => !(e.tagName === 'A' && getComputedStyle(e).display === 'inline'))
  .filter((e) => { const r = e.getBoundingClientRect(); return r.width < 44 || r.height < 44; })
  .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`)
"""


def axe_everywhere(browser, server, plan) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {}
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_selector("#login-form")
    results["login@390"] = axe_scan(page)
    context.close()
    by_user: dict[str, list] = {}
    for user, path, viewport in plan:
        by_user.setdefault(user, []).append((path, viewport))
    for user, items in by_user.items():
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.dismiss())
        log_in(page, server, user)
        for path, viewport in items:
            page.set_viewport_size(viewport)
            page.goto(f"{server.url}/#{path}")
            page.wait_for_selector(".screen", timeout=30_000)
            settle(page)
            results[f"{path}@{viewport['width']}"] = axe_scan(page)
        context.close()
    return results


def main() -> None:
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    server = demo_server(Path(tempfile.mkdtemp()) / "data")
    try:
        values = parameters(server)
        plan, skipped = screens(values)
        with sync_playwright() as playwright:
            scores = {
                "login_mobile": lighthouse(server.url + "/", "mobile"),
                "console_desktop": logged_in_lighthouse(playwright, server, "/#/console"),
            }
            for name, figures in scores.items():
                print(f"lighthouse {name}: {figures}")
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            install_errors = installability(playwright, server)
            axe = axe_everywhere(browser, server, plan)
            browser.close()
    finally:
        server.stop()
    print(f"installable: {not install_errors} {install_errors}")
    counts = {"serious": 0, "critical": 0, "moderate": 0, "minor": 0}
    small_targets = sum(v["nodes"] for vs in axe.values() for v in vs if v["id"] == "touch-target-44px")
    for screen, violations in axe.items():
        for v in violations:
            counts[v["impact"]] = counts.get(v["impact"], 0) + v["nodes"]
        bad = [f"{v['id']}({v['impact']},{v['nodes']})" for v in violations if v["impact"] in SEVERE]
        print(f"axe {screen:34} {'ok' if not bad else ' '.join(bad)}")
        for v in violations:
            print(f"    {v['id']} ({v['impact']}, {v['nodes']}): {v['targets']}")
    if skipped:
        print(f"not scanned (no demo value for the path parameter): {', '.join(skipped)}")
    print(
        json.dumps(
            {
                "lighthouse": {name: {k: s[k] for k in CATEGORIES} for name, s in scores.items()},
                "installable": not install_errors,
                "installability_errors": install_errors,
                "axe_screens": len(axe),
                "axe_serious": counts["serious"],
                "axe_critical": counts["critical"],
                "axe_moderate_minor": counts["moderate"] + counts["minor"] - small_targets,
                "touch_targets_under_44px": small_targets,
                "axe_by_screen": {
                    s: sum(v["nodes"] for v in vs if v["impact"] in SEVERE) for s, vs in axe.items()
                },
                "not_scanned": skipped,
                "seconds": round(time.monotonic() - started, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
