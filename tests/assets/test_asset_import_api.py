import io

import openpyxl

from tests.builders import login
from tests.conftest import table_snapshot

HEADER = "设备名称,站点,系统,设备类型,品牌,型号,序列号,外部编号,位置,安装日期,保修截止,重要性,状态"


def register(count: int, site: str = "Site a") -> list[str]:
    lines = [HEADER]
    for i in range(count):
        lines.append(
            f"枪式摄像机{i:02d},{site},监控系统,枪式摄像机,海康威视,DS-2CD,SN{i:04d},ZC-{i:04d},"
            f"一监区 {1 + i % 4}F,2024-03-01,2027年3月1日,{'重点部位' if i % 5 == 0 else '一般'},在用"
        )
    return lines


async def post_register(client, body: bytes, dry_run: bool = False):
    return await client.post(
        f"/api/assets/import?dry_run={str(dry_run).lower()}",
        content=body,
        headers={"content-type": "text/csv"},
    )


async def assets_of(client, **params) -> list[dict]:
    return (await client.get("/api/assets", params={"limit": 500, **params})).json()["items"]


async def test_a_gbk_csv_with_chinese_headers_imports_with_tags_and_history(client, world):
    await login(client, "admin")
    response = await post_register(client, "\r\n".join(register(12)).encode("gbk"))
    result = response.json()
    assert response.status_code == 200, response.text
    assert (result["created"], result["updated"], result["errors"]) == (12, 0, [])
    assert result["encoding"] == "gb18030"
    stored = {a["serial"]: a for a in await assets_of(client, site_id=world.a.site_id)}
    first = stored["SN0000"]
    assert (first["name"], first["system"], first["device_type"]) == (
        "枪式摄像机00",
        "surveillance",
        "fixed_camera",
    )
    assert (first["criticality"], first["install_date"], first["warranty_end"]) == (
        "key",
        "2024-03-01",
        "2027-03-01",
    )
    assert first["location_text"] == "一监区 1F" and first["tag_code"]
    assert len({a["tag_code"] for a in stored.values()}) == 13
    history = (await client.get(f"/api/assets/{first['id']}/history")).json()
    assert [e["kind"] for e in history] == ["created", "tag_issued"]


async def test_three_bad_rows_are_reported_by_number_and_nothing_is_imported(client, world, app):
    await login(client, "admin")
    lines = register(10)
    lines[3] = lines[3].replace("2024-03-01", "2024年2月30日")  # row 4: no such date
    lines[6] = lines[6].replace(",Site a,", ",No such site,")  # row 7: unknown site
    lines[9] = lines[9].replace("SN0008", "SN0001")  # row 10: serial repeats row 3
    before = await table_snapshot(app.state.db)
    response = await post_register(client, "\n".join(lines).encode("gbk"))
    assert (response.status_code, response.json()["error"]) == (422, "import_failed")
    errors = response.json()["detail"]["errors"]
    assert sorted({e["row"] for e in errors}) == [4, 7, 10]
    assert await table_snapshot(app.state.db) == before
    dry = (await post_register(client, "\n".join(lines).encode("gbk"), dry_run=True)).json()
    assert sorted({e["row"] for e in dry["errors"]}) == [4, 7, 10] and dry["created"] == 7
    assert await table_snapshot(app.state.db) == before


async def test_a_dry_run_reports_counts_without_writing(client, world, app):
    await login(client, "admin")
    before = await table_snapshot(app.state.db)
    result = (await post_register(client, "\n".join(register(5)).encode(), dry_run=True)).json()
    assert (result["dry_run"], result["created"], result["errors"]) == (True, 5, [])
    assert await table_snapshot(app.state.db) == before


async def test_re_import_is_idempotent_and_updates_by_external_id_or_serial(client, world):
    await login(client, "admin")
    body = "\n".join(register(8)).encode("utf-8-sig")
    assert (await post_register(client, body)).json()["created"] == 8
    again = (await post_register(client, body)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 8)
    assert len(await assets_of(client, site_id=world.a.site_id)) == 9
    changed = body.decode("utf-8-sig").replace("DS-2CD,SN0003", "DS-2CD-II,SN0003").encode()
    third = (await post_register(client, changed)).json()
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 7)
    models = {a["serial"]: a["model"] for a in await assets_of(client, site_id=world.a.site_id)}
    assert models["SN0003"] == "DS-2CD-II" and len(models) == 9


async def test_re_import_without_a_criticality_keeps_key_point_assets_key(client, world):
    await login(client, "admin")
    assert (await post_register(client, "\n".join(register(6)).encode())).json()["created"] == 6
    blank = [line.replace(",重点部位,", ",,") for line in register(6)]
    no_column = [",".join(c for i, c in enumerate(line.split(",")) if i != 11) for line in register(6)]
    for lines in (blank, no_column):
        result = (await post_register(client, "\n".join(lines).encode())).json()
        assert (result["created"], result["updated"]) == (0, 0), result
    key = {a["serial"] for a in await assets_of(client, site_id=world.a.site_id) if a["criticality"] == "key"}
    assert key == {"SN0000", "SN0005"}


async def test_export_is_utf8_with_bom_and_reimports_as_unchanged(client, world):
    await login(client, "admin")
    await post_register(client, "\n".join(register(6)).encode())
    export = await client.get("/api/assets/export.csv", params={"site_id": world.a.site_id})
    assert export.headers["content-type"].startswith("text/csv")
    assert export.content.startswith(b"\xef\xbb\xbf") and "枪式摄像机03" in export.content.decode("utf-8-sig")
    again = (await post_register(client, export.content)).json()
    assert (again["created"], again["updated"], again["unchanged"], again["errors"]) == (0, 0, 7, [])


async def test_a_dispatcher_exports_only_their_sites(client, world):
    await login(client, "dispatcher_a")
    text = (await client.get("/api/assets/export.csv")).content.decode("utf-8-sig")
    assert world.extra["a"]["asset_serial"] in text and world.extra["b"]["asset_serial"] not in text


async def test_an_xlsx_upload_in_a_multipart_form_imports(client, world):
    await login(client, "admin")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in register(3):
        sheet.append(line.split(","))
    data = io.BytesIO()
    book.save(data)
    response = await client.post(
        "/api/assets/import", files={"file": ("台账.xlsx", data.getvalue(), "application/octet-stream")}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["encoding"], response.json()["created"]) == ("xlsx", 3)


async def test_an_unreadable_file_and_a_tag_used_elsewhere_are_structured_errors(client, world):
    await login(client, "admin")
    junk = await post_register(client, b"\x00\x01binary junk\xff\xfe\x00")
    assert (junk.status_code, junk.json()["error"]) == (422, "unreadable_register")
    taken = world.extra["b"]["tag_code"]
    lines = [HEADER + ",标签码", register(1)[1] + f",{taken}"]
    response = await post_register(client, "\n".join(lines).encode())
    assert response.json()["detail"]["errors"][0]["row"] == 2
    assert "already used" in response.json()["detail"]["errors"][0]["message"]


async def test_the_import_route_accepts_registers_larger_than_the_default_body_limit(client, world):
    await login(client, "admin")
    body = "\n".join(register(8000)).encode()
    assert len(body) > client.app.state.settings.max_body_bytes
    result = (await post_register(client, body, dry_run=True)).json()
    assert (result["created"], result["errors"]) == (8000, [])
    elsewhere = await client.post("/api/system-types", content=body, headers={"content-type": "text/csv"})
    assert elsewhere.status_code == 413
