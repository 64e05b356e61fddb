import math
import shutil
import subprocess
from pathlib import Path

import pytest

from backend.assets import tags
from tests.builders import login

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
NAMES = ["枪式摄像机", "门禁控制器", "报警主机", "对讲分机", "交换机"]


async def add_cameras(client, site_id: str, count: int, system: str = "surveillance") -> list[dict]:
    created = []
    for i in range(count):
        body = {
            "site_id": site_id,
            "system": system,
            "name": f"{NAMES[i % 5]}{i:03d}",
            "serial": f"L{system}{i}",
        }
        created.append((await client.post("/api/assets", json=body)).json())
    return created


def pdf_facts(tmp_path: Path, pdf: bytes) -> tuple[int, str]:
    path = tmp_path / "labels.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return pages, text.replace(" ", "")


async def test_a_site_sheet_has_one_page_per_24_labels_with_chinese_names(client, world, tmp_path):
    await login(client, "dispatcher_a")
    cameras = await add_cameras(client, world.a.site_id, 30)
    response = await client.post("/api/labels", json={"site_id": world.a.site_id})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pages, text = pdf_facts(tmp_path, response.content)
    assert pages == math.ceil(31 / 24) == 2
    for camera in cameras:
        assert camera["name"] in text and tags.format_code(camera["tag_code"]) in text
    assert "Sitea" in text and "Cameraa" in text
    assert world.extra["b"]["tag_code"][:5] not in text


async def test_a_sheet_for_a_system_or_a_list_holds_only_those(client, world, tmp_path):
    await login(client, "admin")
    alarms = await add_cameras(client, world.a.site_id, 3, system="alarm")
    by_system = await client.post("/api/labels", json={"system": "alarm"})
    _, text = pdf_facts(tmp_path, by_system.content)
    assert all(a["name"] in text for a in alarms) and "Cameraa" not in text
    chosen = await client.post("/api/labels", json={"asset_ids": [alarms[1]["id"]]})
    _, text = pdf_facts(tmp_path, chosen.content)
    assert alarms[1]["name"] in text and alarms[0]["name"] not in text


async def test_a_list_with_a_foreign_asset_or_no_selection_is_refused(client, world):
    await login(client, "technician_a")
    ids = [world.extra["a"]["asset_id"], world.extra["b"]["asset_id"]]
    assert (await client.post("/api/labels", json={"asset_ids": ids})).status_code == 404
    empty = await client.post("/api/labels", json={})
    assert (empty.status_code, empty.json()["error"]) == (422, "empty_selection")
    await login(client, "client_rep_a")
    assert (await client.post("/api/labels", json={"site_id": world.a.site_id})).status_code == 403
