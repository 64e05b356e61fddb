import io
from datetime import date, datetime

import msgspec
import openpyxl
import pytest

from backend.assets.demo_register import generate_demo_register
from backend.assets.register_io import (
    RegisterFileError,
    read_register,
    write_register_csv,
    write_register_xlsx,
)
from backend.assets.register_rows import parse_date

CHINESE_CSV = "\n".join(
    [
        "设备名称,品牌,型号,序列号,系统,站点,位置,安装日期,保修截止,重要性,状态,外部编号",
        "枪式摄像机 一监区,海康威视,DS-2CD,SN0001,监控系统,第一看守所,一监区 2F 203,"
        "2024-03-01,2027年3月1日,重点部位,在用,A-1",
        "门禁控制器,熵基科技,ZK-100,SN0002,门禁系统,第一看守所,大门,2024/3/1,20270301,一般,故障,A-2",
    ]
)


def test_a_gbk_csv_with_chinese_headers_parses_into_typed_rows():
    parsed = read_register(CHINESE_CSV.encode("gbk"))
    assert parsed.errors == []
    assert parsed.encoding == "gb18030"
    first, second = parsed.rows
    assert (first.name, first.brand, first.serial, first.site) == (
        "枪式摄像机 一监区",
        "海康威视",
        "SN0001",
        "第一看守所",
    )
    assert (first.system, first.criticality, first.status) == ("surveillance", "key", "in_service")
    assert (first.install_date, first.warranty_end) == (date(2024, 3, 1), date(2027, 3, 1))
    assert (second.system, second.status, second.criticality) == (
        "access_control",
        "faulty",
        "normal",
    )
    assert (first.row, second.row) == (2, 3)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_every_common_encoding_reads_the_same_rows(encoding):
    reference = read_register(CHINESE_CSV.encode("utf-8")).rows
    assert read_register(CHINESE_CSV.encode(encoding)).rows == reference


def test_english_headers_tab_separated_with_a_title_row_above():
    text = (
        "Asset register 2026\n"
        "Name\tSite\tSystem\tSerial\tInstall date\tCriticality\tStatus\n"
        "Fixed camera\tdc1\tVideo surveillance\tX1\t2024.3.1\tkey\toffline\n"
    )
    parsed = read_register(text.encode())
    assert parsed.errors == []
    row = parsed.rows[0]
    assert (row.row, row.system, row.install_date, row.status) == (
        3,
        "surveillance",
        date(2024, 3, 1),
        "offline",
    )


def test_a_file_with_three_bad_rows_reports_exactly_those_rows():
    lines = ["设备名称,站点,系统,序列号,安装日期,状态"]
    lines += [f"摄像机{i},第一看守所,监控,SN{i},2024-01-0{1 + i % 9},在用" for i in range(10)]
    lines[3] = "摄像机X,第一看守所,监控,SNX,2024年2月30日,在用"  # row 4: no such date
    lines[6] = "摄像机Y,第一看守所,监控,SNY,2024-01-01,坏掉了"  # row 7: unknown status
    lines[9] = "摄像机Z,第一看守所,监控,SN1,2024-01-01,在用"  # row 10: serial repeats row 3
    parsed = read_register("\n".join(lines).encode("gbk"))
    assert sorted({e.row for e in parsed.errors}) == [4, 7, 10]
    assert len(parsed.rows) == 7
    assert any("row 3" in e.message for e in parsed.errors if e.row == 10)
    assert {e.column for e in parsed.errors} == {"安装日期", "状态", "序列号"}


def test_rows_need_a_name_a_system_and_a_serial_or_external_id():
    text = "设备名称,站点,系统,序列号,外部编号\n,s1,监控,SN1,\n摄像机,s1,,SN2,\n摄像机,s1,监控,,\n"
    parsed = read_register(text.encode())
    assert parsed.rows == []
    assert [e.row for e in parsed.errors] == [2, 3, 4]


def test_a_device_type_implies_its_system():
    parsed = read_register("设备名称,站点,设备类型,序列号\n球机,s1,球形摄像机,SN1\n".encode())
    assert (parsed.rows[0].device_type, parsed.rows[0].system) == ("dome_camera", "surveillance")


def test_a_serial_mangled_into_scientific_notation_is_rejected():
    parsed = read_register("设备名称,站点,系统,序列号\n摄像机,s1,监控,1.23457E+15\n".encode())
    assert "Excel" in parsed.errors[0].message


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-01",
        "2024/3/1",
        "2024.3.1",
        "2024年3月1日",
        "20240301",
        "45352",
        "45352.0",
        "2024-03-01 08:30:00",
        datetime(2024, 3, 1, 8, 30),
        45352,
    ],
)
def test_common_chinese_date_forms_and_excel_serials_parse(value):
    assert parse_date(value) == date(2024, 3, 1)


def test_files_without_a_usable_header_or_encoding_are_refused():
    with pytest.raises(RegisterFileError, match="header"):
        read_register(b"a,b,c\n1,2,3\n")
    with pytest.raises(RegisterFileError, match="站点"):
        read_register("设备名称,序列号\n摄像机,SN1\n".encode())
    with pytest.raises(RegisterFileError, match="GBK"):
        read_register(bytes([0x81, 0x30, 0xFF, 0xFF, 0x00, 0xC0]))


DEMO = generate_demo_register([("dc1", "detention"), ("x1", "intersection")], total=300)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_xlsx_export_then_import_gives_back_the_same_rows(language):
    buffer = io.BytesIO()
    write_register_xlsx(DEMO, buffer, language=language)
    parsed = read_register(buffer.getvalue())
    assert parsed.errors == []
    assert [r.row for r in parsed.rows] == list(range(2, len(DEMO) + 2))
    assert [_without_row(r) for r in parsed.rows] == [_without_row(r) for r in DEMO]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_csv_export_then_import_gives_back_the_same_rows(language):
    out = io.StringIO()
    write_register_csv(DEMO, out, language=language)
    parsed = read_register(out.getvalue().encode("utf-8"))
    assert parsed.encoding == "utf-8-bom"
    assert [_without_row(r) for r in parsed.rows] == [_without_row(r) for r in DEMO]


def test_xlsx_date_cells_numbers_and_a_title_row_are_read_as_excel_shows_them():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["XX看守所设备台账"])
    sheet.append(["设备名称", "站点", "系统", "序列号", "安装日期", "备注栏"])
    sheet.append(["摄像机", "dc1", "监控", 123456789, datetime(2024, 3, 1), "x"])
    sheet.append(["摄像机", "dc1", "监控", "SN2", "2024年13月1日", "y"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_register(buffer.getvalue())
    assert (parsed.rows[0].serial, parsed.rows[0].install_date) == ("123456789", date(2024, 3, 1))
    assert [e.row for e in parsed.errors] == [4]
    assert parsed.ignored_columns == ["备注栏"]


def _without_row(row):
    data = msgspec.structs.asdict(row)
    data.pop("row")
    return data
