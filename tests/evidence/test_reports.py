"""The client's forms as PDF (issue 6 item 9): Chinese labels, the signer, the record hash, the
phase photos; English on request. Text is checked with pdftotext (the text is extractable),
and a page is rendered with pdftoppm into tests/artifacts/ to be looked at."""

import io
import shutil
import subprocess
import tempfile

import pytest
from PIL import Image

from backend.signatures.canonical import digest
from backend.signatures.signable import signable_form
from tests.builders import login
from tests.conftest import sql
from tests.evidence import samples
from tests.evidence.test_sign_sync import CAPTURE, phone_state
from tests.sync_api.sync_api_builders import mutation, push

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def image_count(data: bytes) -> int:
    listing = subprocess.run(["pdfimages", "-list", "-"], input=data, capture_output=True, check=True).stdout
    return len(listing.decode().splitlines()) - 2  # two header lines


def render_page(data: bytes, artifacts, name: str) -> None:
    """Page 1 as artifacts/<name>.png, for a person to look at."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(data)
        pdf.flush()
        command = ["pdftoppm", "-png", "-r", "80", "-singlefile", pdf.name, str(artifacts / name)]
        subprocess.run(command, check=True, capture_output=True)


def signature_png() -> bytes:
    image = Image.new("RGB", (300, 120), "white")
    for x in range(20, 280):
        image.putpixel((x, 60 + (x % 40) - 20), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def signed_work_order(client, world, database, wo: str, without_bytes: tuple[str, ...] = ()) -> str:
    """A repaired, verified and signed work order with three phase photos and a signature image;
    the photos of the phases in `without_bytes` are taken but their bytes never uploaded."""
    site, phone = world.a.site_id, "phone-r1"
    create = mutation("work_order.create", wo, phone, title="监舍走廊球机无图像", site_id=site)
    photos = []
    for size, phase in (((640, 480), "before"), ((600, 400), "during"), ((560, 420), "after")):
        data = samples.jpeg_with_metadata(size=size)
        if phase not in without_bytes:
            assert (await samples.upload(client, data, site)).status_code == 204
        photo = {"sha256": samples.sha256(data), "phase": phase, "captured_at": "2026-11-20T08:30:00Z"}
        photos.append(mutation("work_order.add_photo", wo, phone, photo_id=f"{wo}-{phase}", photo=photo))
    signature = signature_png()
    assert (await samples.upload(client, signature, site, "image/png")).status_code == 204
    diagnosis = {"cause": "ageing_damage", "findings": "电源适配器无输出", "actions": "更换电源适配器"}
    results = await push(
        client,
        create,
        *photos,
        mutation("work_order.diagnose", wo, phone, diagnosis=diagnosis),
        mutation("work_order.record_parts", wo, phone, parts=[{"item": "12V2A电源适配器", "quantity": 1}]),
    )
    assert {r["status"] for r in results.json()["results"]} == {"applied"}
    await sql(database, "UPDATE work_orders SET status = 'verified' WHERE id = ?", wo)
    shown = digest(signable_form("work_order", await phone_state(client, wo)))
    capture = {**CAPTURE, "image_sha256": samples.sha256(signature)}
    sign = mutation(
        "work_order.sign", wo, phone, base={"status": "verified"}, record_hash=shown, capture=capture
    )
    assert (await push(client, sign)).json()["results"][0]["status"] == "applied"
    return shown


async def test_the_service_record_prints_labels_signer_hash_and_photos(client, world, app, artifacts):
    await login(client, "technician_a")
    shown = await signed_work_order(client, world, app.state.db, "wo-r1")
    response = await client.get("/api/work-orders/wo-r1/report")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    for label in ("售后服务单", "故障修复验收单", "维修人员", "故障现象", "解决方案", "更换配件", "客户签字"):
        assert label in text, label
    assert "李四" in text and "12V2A电源适配器" in text and "老化损坏" in text
    assert "照片待上传" not in text  # every photo's bytes are here
    assert shown in text.replace("\n", "")
    assert image_count(response.content) == 4  # three phase thumbnails and the signature
    render_page(response.content, artifacts, "report-service-record-zh-CN")
    english = pdf_text((await client.get("/api/work-orders/wo-r1/report", params={"lang": "en"})).content)
    assert "Service record" in english and "Replaced parts" in english and "李四" in english


async def test_the_inspection_report_prints_items_signer_and_hash(client, world, app, artifacts):
    await login(client, "technician_a")
    inspection = world.extra["a"]["inspection_id"]
    await sql(
        app.state.db,
        "UPDATE inspection_records SET state = 'submitted', problems = '镜头有水雾', "
        "solution = '清洁镜头并加装防雨罩' WHERE id = ?",
        inspection,
    )
    shown = (await client.get(f"/api/inspections/{inspection}/hash")).json()["record_hash"]
    signed = await client.post(
        f"/api/inspections/{inspection}/sign", json={"record_hash": shown, "capture": CAPTURE}
    )
    assert signed.status_code == 201, signed.text
    response = await client.get(f"/api/inspections/{inspection}/report")
    assert response.status_code == 200
    text = pdf_text(response.content)
    for label in ("巡检记录单", "检查项目", "发现问题", "原因分析", "处理措施", "需更换配件", "客户签字"):
        assert label in text, label
    assert "李四" in text and "镜头有水雾" in text
    assert shown in text.replace("\n", "")
    render_page(response.content, artifacts, "report-inspection-zh-CN")
    english = pdf_text(
        (await client.get(f"/api/inspections/{inspection}/report", params={"lang": "en"})).content
    )
    assert "Inspection record" in english and "Checklist" in english


async def test_a_report_of_another_site_is_not_found(client, world):
    await login(client, "technician_b")
    assert (
        await client.get(f"/api/work-orders/{world.extra['a']['work_order_id']}/report")
    ).status_code == 404
    assert (
        await client.get(f"/api/inspections/{world.extra['a']['inspection_id']}/report")
    ).status_code == 404


async def test_the_service_record_names_photos_still_awaiting_upload(client, world, app, artifacts):
    await login(client, "technician_a")
    await signed_work_order(client, world, app.state.db, "wo-r3", without_bytes=("after",))
    report = (await client.get("/api/work-orders/wo-r3/report")).content
    assert "照片待上传：维修后" in pdf_text(report)
    render_page(report, artifacts, "report-awaiting-upload-zh-CN")
    english = pdf_text((await client.get("/api/work-orders/wo-r3/report", params={"lang": "en"})).content)
    assert "Photos awaiting upload: After" in english
