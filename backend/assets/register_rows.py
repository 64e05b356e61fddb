"""One row of an asset register: column headers, cell parsers and the typed result.

Pure: cells in, a RegisterRow or human-readable errors out. Which site a site name means,
and whether a serial already exists, is the service's question, not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Literal

import msgspec

from backend.assets import catalog, tags

Criticality = Literal["key", "normal"]
Status = Literal["in_service", "faulty", "offline", "under_repair", "retired"]


class RegisterRow(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    site: str  # as written in the file: a site key or name, resolved by the service
    system: str  # catalog key
    device_type: str | None = None  # catalog key
    brand: str = ""
    model: str = ""
    serial: str | None = None
    external_id: str | None = None
    location: str = ""
    install_date: date | None = None
    warranty_end: date | None = None
    criticality: Criticality | None = None  # blank: new assets get "normal", stored ones keep theirs
    status: Status = "in_service"
    notes: str = ""
    tag_code: str | None = None
    row: int = 0  # the spreadsheet row number it came from, for the service's own errors


class RowError(msgspec.Struct, frozen=True):
    row: int  # as Excel numbers it: the header is usually row 1
    column: str | None  # the header as written in the file
    message: str


# field → (Chinese header, English header, other accepted spellings). The first two are what
# the export writes.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("设备名称", "name", "名称", "设备", "资产名称", "asset name", "device name"),
    "device_type": ("设备类型", "device type", "类型", "类别", "type"),
    "system": ("系统", "system", "所属系统", "系统名称", "子系统"),
    "brand": ("品牌", "brand", "厂家", "厂商", "生产厂家", "manufacturer", "make"),
    "model": ("型号", "model", "规格型号", "设备型号"),
    "serial": ("序列号", "serial", "sn", "设备序列号", "serial number", "serial no", "s/n"),
    "site": ("站点", "site", "项目点", "场所", "site name"),
    "location": ("位置", "location", "安装位置", "安装地点", "点位"),
    "install_date": ("安装日期", "install date", "安装时间", "启用日期", "installed"),
    "warranty_end": (
        "保修截止",
        "warranty end",
        "保修截止日期",
        "保修到期",
        "质保到期",
        "质保截止",
        "warranty until",
        "warranty",
    ),
    "criticality": ("重要性", "criticality", "重点部位", "等级", "key point"),
    "status": ("状态", "status", "设备状态", "运行状态"),
    "external_id": ("外部编号", "external id", "资产编号", "设备编号", "编号", "asset no"),
    "notes": ("备注", "notes", "说明", "remarks", "comment"),
    "tag_code": ("标签码", "tag code", "二维码", "标签", "tag"),
}
REQUIRED = ("name", "site")


def fold_header(text: str) -> str:
    # "设备名称*", "序列号(SN)", "Serial_Number" all fold to the alias they mean.
    text = re.sub(r"[（(][^)）]*[)）]", "", str(text))
    return re.sub(r"[\s*_:：]+", " ", text).strip().casefold()


HEADER_INDEX = {fold_header(a): field for field, aliases in HEADERS.items() for a in aliases}

_CRITICALITY = {
    "key": ("重点部位", "重点", "关键", "是", "key", "yes", "y", "true", "1", "★"),
    "normal": ("一般", "普通", "非重点", "否", "normal", "no", "n", "false", "0"),
}
_STATUS = {
    "in_service": ("在用", "正常", "使用中", "运行", "在线", "in service", "active", "ok"),
    "faulty": ("故障", "损坏", "faulty", "fault", "broken"),
    "offline": ("离线", "掉线", "offline"),
    "under_repair": ("维修中", "在修", "送修", "under repair", "repairing"),
    "retired": ("报废", "停用", "退役", "拆除", "retired", "scrapped"),
}
CRITICALITY_ZH = {"key": "重点部位", "normal": "一般"}
STATUS_ZH = {key: names[0] for key, names in _STATUS.items()}


def _choice_index(choices: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    index = {fold_header(name): key for key, names in choices.items() for name in names}
    index.update({fold_header(key): key for key in choices})
    return index


_CRITICALITY_INDEX = _choice_index(_CRITICALITY)
_STATUS_INDEX = _choice_index(_STATUS)
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, absorbing Excel's fake 1900-02-29


def parse_date(value: Any) -> date | None:
    """2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, 20240301, Excel serial, date cells."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if match := _YMD.match(text):
        return _checked_date(*(int(g) for g in match.groups()))
    if re.fullmatch(r"\d{8}", text):
        return _checked_date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return _EXCEL_EPOCH + timedelta(days=int(float(text)))
    raise ValueError(f"'{text}' is not a date (use 2024-03-01 or 2024年3月1日)")


def _checked_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{year}-{month}-{day} is not a real date") from None


def parse_choice(value: Any, index: Mapping[str, str], default: str | None, what: str) -> str | None:
    text = _text(value)
    if not text:
        return default
    if (key := index.get(fold_header(text))) is None:
        raise ValueError(f"unknown {what} '{text}'")
    return key


def parse_serial(value: Any) -> str | None:
    text = _text(value)
    # Excel shows long numeric serials as 1.23457E+15 and saves them so: the digits are lost.
    if re.fullmatch(r"\d(\.\d+)?[eE]\+\d+", text):
        raise ValueError(f"'{text}' was turned into a number by Excel; format the column as text")
    return text or None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # xlsx numeric cells: serial 12345 arrives as 12345.0
    return str(value).strip()


def _tag_code(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    check = tags.validate(text)
    if not isinstance(check, tags.ValidCode):
        raise ValueError(f"tag code '{text}' is not valid")
    return check.code


class Lookups(msgspec.Struct, frozen=True):
    """Name → key indexes (catalog.name_index) including admin-added types."""

    systems: dict[str, str] = msgspec.field(default_factory=lambda: catalog.SYSTEM_INDEX)
    device_types: dict[str, str] = msgspec.field(default_factory=lambda: catalog.DEVICE_TYPE_INDEX)
    device_type_systems: dict[str, str] = msgspec.field(
        default_factory=lambda: {d.key: d.system for d in catalog.DEVICE_TYPES}
    )


def _catalog_key(value: Any, index: Mapping[str, str], what: str) -> str | None:
    text = _text(value)
    if not text:
        return None
    if (key := catalog.lookup(index, text)) is None:
        raise ValueError(f"unknown {what} '{text}'")
    return key


def _parsers(lookups: Lookups) -> dict[str, Callable[[Any], Any]]:
    return {
        "system": lambda v: _catalog_key(v, lookups.systems, "system"),
        "device_type": lambda v: _catalog_key(v, lookups.device_types, "device type"),
        "serial": parse_serial,
        "install_date": parse_date,
        "warranty_end": parse_date,
        "criticality": lambda v: parse_choice(v, _CRITICALITY_INDEX, None, "criticality"),
        "status": lambda v: parse_choice(v, _STATUS_INDEX, "in_service", "status"),
        "tag_code": _tag_code,
    }


def parse_row(
    row_number: int, cells: Mapping[str, tuple[str, Any]], lookups: Lookups
) -> RegisterRow | list[RowError]:
    """`cells`: field → (header as written, raw value).

    Every unreadable cell is reported; row rules (required fields, dates in order) run only
    when all cells parsed, so one typo does not produce a cascade of follow-on errors.
    """
    parsers = _parsers(lookups)
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for field, (header, raw) in cells.items():
        try:
            values[field] = parsers.get(field, _text)(raw)
        except ValueError as exc:
            errors.append(RowError(row_number, header, str(exc)))
    if not errors:  # rules about a cell that failed to parse would only repeat its error
        errors = _row_rules(row_number, cells, values, lookups)
    if errors:
        return errors
    clean = {k: v for k, v in values.items() if v not in (None, "")}
    return RegisterRow(row=row_number, **clean)


def _row_rules(
    row_number: int, cells: Mapping[str, tuple[str, Any]], values: dict[str, Any], lookups: Lookups
) -> list[RowError]:
    errors = []

    def fail(field: str | None, message: str) -> None:
        errors.append(RowError(row_number, cells[field][0] if field in cells else None, message))

    for field in REQUIRED:
        if not values.get(field) and field in cells:
            fail(field, f"{HEADERS[field][0]} / {HEADERS[field][1]} is empty")
    if not values.get("system") and values.get("device_type"):
        values["system"] = lookups.device_type_systems.get(values["device_type"])
    if not values.get("system"):
        fail("system", "system is empty and no known device type implies one")
    if not values.get("serial") and not values.get("external_id"):
        fail("serial", "needs a serial or an external id, so a re-import can find it again")
    installed, warranty = values.get("install_date"), values.get("warranty_end")
    if installed and warranty and warranty < installed:
        fail("warranty_end", "warranty ends before the install date")
    return errors
