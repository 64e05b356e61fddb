"""Every API route x every non-admin role x a foreign site's ids: nothing is read or written.

The route list comes from the app itself, so a new route fails here until it is classified:
its path parameters need a foreign id (FOREIGN_IDS), a write needs a body aimed at the foreign
site (WRITE_BODIES), or it acts only on the caller's own account (SELF_ONLY).
"""

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from backend.app import create_app
from backend.settings import Settings
from tests.builders import World, login
from tests.conftest import table_snapshot

FOREIGN_IDS: dict[str, Callable[[World], str]] = {
    "site_id": lambda w: w.b.site_id,
    "client_id": lambda w: w.b.client_id,
    "contract_id": lambda w: w.b.contract_id,
    "user_id": lambda w: w.user_ids["technician_b"],
    "asset_id": lambda w: w.extra["b"]["asset_id"],
    "code": lambda w: w.extra["b"]["tag_code"],
    "subscription_id": lambda w: w.extra["b"]["subscription_id"],
    "work_order_id": lambda w: w.extra["b"]["work_order_id"],
    "comment_id": lambda w: w.extra["b"]["comment_id"],
    "conflict_id": lambda w: w.extra["b"]["conflict_id"],
    "sha256": lambda w: w.extra["b"]["blob_sha256"],
    "photo_id": lambda w: w.extra["b"]["photo_id"],
    "amendment_id": lambda w: w.extra["b"]["amendment_id"],
    "plan_id": lambda w: w.extra["b"]["plan_id"],
    "round_id": lambda w: w.extra["b"]["round_id"],
    "inspection_id": lambda w: w.extra["b"]["inspection_id"],
    # Checklist templates are global reference data (like system types), readable by every
    # role; no template belongs to side b, so the probe is a side-b id of another kind (404).
    "template_id": lambda w: w.extra["b"]["plan_id"],
    # GET /api/verify/{record_hash} is public (a report's QR code): any hash is answered, never
    # with side b's ids; the world has no chain entry, so a signed side-b record's hash is
    # probed in tests/evidence/test_verify_page.py (found, but no record id out of scope).
    "record_hash": lambda w: w.extra["b"]["blob_sha256"],
}

SIGN_BODY = {
    "record_hash": "0" * 64,
    "capture": {"type": "refusal", "contact_person": "王主任", "reason": "other", "reason_text": "x",
                "refused_at": "2026-11-20T08:00:00Z"},
}

WRITE_BODIES: dict[tuple[str, str], Callable[[World], Any]] = {
    # Side b's phone: its client id belongs to technician_b, so nobody else may push as it.
    ("POST", "/api/sync/push"): lambda w: {
        "client_id": w.extra["b"]["sync_client_id"],
        "mutations": [{
            "name": "work_order.set_fields", "id": "019a0000-0000-7000-8000-0000000000b1",
            "client_id": w.extra["b"]["sync_client_id"], "seq": 99,
            "hlc": "001700000000000:00000:phone-b", "record_id": w.extra["b"]["work_order_id"],
            "fields": {"notes": "not yours"},
        }],
    },
    ("POST", "/api/conflicts/{conflict_id:str}/resolve"): lambda w: {"choice": "current"},
    ("POST", "/api/work-orders/{work_order_id:str}/sign"): lambda w: SIGN_BODY,
    ("POST", "/api/work-orders/{work_order_id:str}/amendments"): lambda w: {"reason": "not yours"},
    ("POST", "/api/inspections/{inspection_id:str}/sign"): lambda w: SIGN_BODY,
    ("POST", "/api/inspections/{inspection_id:str}/amendments"): lambda w: {"reason": "not yours"},
    ("POST", "/api/amendments/{amendment_id:str}/approve"): lambda w: None,
    ("POST", "/api/work-orders"): lambda w: {"site_id": w.b.site_id, "title": "Not yours"},
    ("PATCH", "/api/work-orders/{work_order_id:str}"): lambda w: {"notes": "not yours"},
    ("DELETE", "/api/work-orders/{work_order_id:str}"): lambda w: None,
    ("POST", "/api/work-orders/{work_order_id:str}/transition"): lambda w: {"to": "dispatched"},
    ("POST", "/api/work-orders/{work_order_id:str}/assign"): lambda w: {
        "assignee_id": w.user_ids["technician_b"]
    },
    ("POST", "/api/work-orders/{work_order_id:str}/comments"): lambda w: {"body": "not yours"},
    ("DELETE", "/api/work-orders/{work_order_id:str}/comments/{comment_id:str}"): lambda w: None,
    ("POST", "/api/work-orders/{work_order_id:str}/diagnosis"): lambda w: {
        "cause": "software", "findings": "not yours", "actions": "none"
    },
    ("POST", "/api/work-orders/{work_order_id:str}/parts"): lambda w: {"parts": [{"item": "PSU"}]},
    ("POST", "/api/work-orders/{work_order_id:str}/verification"): lambda w: {
        "self_check_in_range": True, "functional_test_passed": True
    },
    ("POST", "/api/work-orders/{work_order_id:str}/severity"): lambda w: {"severity": 1},
    ("POST", "/api/work-orders/{work_order_id:str}/follow-up"): lambda w: {"satisfaction": 1},
    ("POST", "/api/work-orders/{work_order_id:str}/dispatch"): lambda w: {
        "technician_id": w.user_ids["technician_b"]
    },
    # Side b's device endpoint with keys that are not its own: a takeover attempt.
    ("POST", "/api/push/subscriptions"): lambda w: {
        "endpoint": w.extra["b"]["push_endpoint"],
        "keys": {
            "p256dh": "BPuiTKM5Hv0u2Vyu1iehiC0EuJeh9UdviZ5oeOMyD0lhuDbkSNA326HqPXwD"
            "UrBXK1zHJTNjZetSEw_G_I0DYk4",
            "auth": "d830kCP9CS8zuLI9qBi77g",
        },
    },
    ("DELETE", "/api/push/subscriptions/{subscription_id:str}"): lambda w: None,
    ("POST", "/api/push/subscriptions/{subscription_id:str}/test"): lambda w: None,
    # Side b's photo: re-announcing its bytes for side b's site, continuing its upload, claiming it.
    ("POST", "/api/blobs"): lambda w: {
        "sha256": w.extra["b"]["blob_sha256"], "length": 100, "content_type": "image/jpeg",
        "site_id": w.b.site_id,
    },
    ("PATCH", "/api/blobs/{sha256:str}"): lambda w: None,
    ("POST", "/api/photos"): lambda w: {
        "sha256": w.extra["b"]["blob_sha256"], "site_id": w.b.site_id, "record_kind": "work_order",
        "record_id": "wo-b", "phase": "after", "captured_at": "2026-11-20T08:00:00Z",
    },
    ("POST", "/api/clients"): lambda w: {"name": "Not yours"},
    ("POST", "/api/contracts"): lambda w: {
        "client_id": w.b.client_id,
        "code": "X-1",
        "name": "Not yours",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    },
    ("POST", "/api/sites"): lambda w: {
        "contract_id": w.b.contract_id,
        "name": "Not yours",
        "short_name": "x",
        "kind": "other",
        "area": "urban",
    },
    ("PATCH", "/api/sites/{site_id:str}"): lambda w: {"name": "Renamed"},
    ("PUT", "/api/sites/{site_id:str}/assignments/{user_id:str}"): lambda w: None,
    ("DELETE", "/api/sites/{site_id:str}/assignments/{user_id:str}"): lambda w: None,
    ("POST", "/api/users"): lambda w: {
        "username": "intruder",
        "display_name": "I",
        "role": "admin",
        "password": "long enough pw",
    },
    ("PATCH", "/api/users/{user_id:str}"): lambda w: {"role": "admin"},
    ("POST", "/api/assets"): lambda w: {
        "site_id": w.b.site_id, "system": "surveillance", "name": "Not yours", "serial": "X-1",
    },
    ("PATCH", "/api/assets/{asset_id:str}"): lambda w: {"name": "Renamed", "status": "retired"},
    ("POST", "/api/assets/{asset_id:str}/retag"): lambda w: {"reason": "not yours"},
    ("POST", "/api/assets/import"): lambda w: "设备名称,站点,系统,序列号\n摄像机,Site b,监控,SN-X",
    ("POST", "/api/labels"): lambda w: {"site_id": w.b.site_id, "asset_ids": [w.extra["b"]["asset_id"]]},
    ("POST", "/api/system-types"): lambda w: {"key": "intruder", "name_zh": "入侵", "name_en": "Intruder"},
    ("POST", "/api/checklist-templates"): lambda w: {
        "key": "fixed_camera", "version": 2, "device_type": "fixed_camera",
        "name": {"zh": "枪机", "en": "Camera"},
        "items": [{"kind": "pass_fail_na", "key": "ok", "label": {"zh": "正常", "en": "OK"}}],
    },
    ("POST", "/api/inspection-plans"): lambda w: {
        "site_id": w.b.site_id, "name": "Not yours", "frequency": "monthly", "starts_on": "2026-01-01",
    },
    ("PATCH", "/api/inspection-plans/{plan_id:str}"): lambda w: {"name": "Renamed"},
    ("DELETE", "/api/inspection-plans/{plan_id:str}"): lambda w: None,
    ("POST", "/api/inspections"): lambda w: {"asset_id": w.extra["b"]["asset_id"]},
    ("PATCH", "/api/inspections/{inspection_id:str}"): lambda w: {"problems": "not yours"},
    ("POST", "/api/inspections/{inspection_id:str}/submit"): lambda w: {},
}

SELF_ONLY = {
    ("GET", "/api/health"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/logout-everywhere"),
    ("POST", "/api/auth/password"),
    ("GET", "/api/auth/me"),
    ("PUT", "/api/push/preferences"),
    ("POST", "/api/me/position"),
}

ROLES = ["dispatcher_a", "technician_a", "client_rep_a"]
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def api_routes() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp)))
        return sorted(
            (method, route.path)
            for route in app.routes
            if route.path.startswith("/api/")
            for method in getattr(route, "methods", ())
            if method not in ("HEAD", "OPTIONS")
        )


ROUTES = [r for r in api_routes() if r not in SELF_ONLY]


def foreign_path(template: str, world: World) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in FOREIGN_IDS:
            pytest.fail(f"{template}: add a foreign id for path parameter '{name}' to FOREIGN_IDS")
        return FOREIGN_IDS[name](world)

    return PARAM.sub(fill, template)


def foreign_ids(world: World) -> set[str]:
    return {get(world) for get in FOREIGN_IDS.values()} | set(world.extra["b"].values())


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize(("method", "template"), ROUTES)
async def test_foreign_site_ids_give_nothing(client, world, app, method, template, username):
    await login(client, username)
    path = foreign_path(template, world)
    if method == "GET":
        response = await client.get(path)
        leaked = [i for i in foreign_ids(world) if i in response.text]
        assert response.status_code in (403, 404) or not leaked, (path, response.text[:300])
        return
    if (method, template) not in WRITE_BODIES:
        pytest.fail(f"{method} {template}: add a body aimed at the foreign site to WRITE_BODIES")
    before = await table_snapshot(app.state.db)
    body = WRITE_BODIES[(method, template)](world)
    response = await client.request(method, path, json=body)
    assert response.status_code in (403, 404), (method, path, response.status_code, response.text)
    assert response.json()["error"] in ("forbidden", "not_found")
    assert await table_snapshot(app.state.db) == before


def test_every_self_only_route_exists():
    # A renamed route must not silently drop out of the matrix.
    assert set(SELF_ONLY) <= set(api_routes())


async def test_own_site_reads_succeed_so_the_matrix_is_not_vacuous(client, world):
    await login(client, "technician_a")
    sites = (await client.get("/api/sites")).json()
    assert [s["id"] for s in sites] == [world.a.site_id]
    assert (await client.get(f"/api/sites/{world.a.site_id}")).status_code == 200
    assert (await client.get(f"/api/contracts/{world.a.contract_id}")).status_code == 200
    assert (await client.get(f"/api/clients/{world.a.client_id}")).status_code == 200


async def test_admin_sees_both_sides(client, world):
    await login(client, "admin")
    ids = {s["id"] for s in (await client.get("/api/sites")).json()}
    assert ids == {world.a.site_id, world.b.site_id}
