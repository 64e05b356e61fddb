"""Asset register files: read CSV (UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030) and .xlsx,
write CSV and .xlsx.

Reading is all-or-report: the result holds every parsed row and every row error, and the
caller decides between a dry run and an all-or-nothing commit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, BinaryIO, Literal, TextIO

import msgspec
import openpyxl

from backend.assets import catalog
from backend.assets.register_rows import (
    CRITICALITY_ZH,
    HEADER_INDEX,
    HEADERS,
    REQUIRED,
    STATUS_ZH,
    Lookups,
    RegisterRow,
    RowError,
    fold_header,
    parse_row,
)

Language = Literal["zh", "en"]
_HEADER_SEARCH_ROWS = 10  # registers often start with a title row or two above the header
EXPORT_FIELDS = tuple(HEADERS)


class RegisterFileError(Exception):
    """The file as a whole cannot be read: wrong format, encoding, or no usable header."""


class ParsedRegister(msgspec.Struct, frozen=True):
    rows: list[RegisterRow]
    errors: list[RowError]
    encoding: str  # "xlsx" for workbooks
    ignored_columns: list[str]  # headers we did not recognise, shown so nothing is lost silently


def read_register(data: bytes, lookups: Lookups | None = None) -> ParsedRegister:
    """Parse a register; the format is sniffed from the bytes, not trusted from a filename."""
    lookups = lookups or Lookups()
    if data.startswith(b"PK\x03\x04"):
        return _parse_table(_xlsx_rows(data), "xlsx", lookups)
    text, encoding = decode_text(data)
    return _parse_table(_csv_rows(text), encoding, lookups)


def decode_text(data: bytes) -> tuple[str, str]:
    """Chinese Excel saves "CSV" as GBK; newer versions as UTF-8 with a BOM.

    Valid UTF-8 is tried first because GBK text almost never happens to be valid UTF-8,
    while UTF-8 text is often valid GB18030 (as mojibake).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        name = "utf-8" if encoding == "utf-8-sig" else encoding
        return text, name + ("-bom" if data.startswith(b"\xef\xbb\xbf") else "")
    raise RegisterFileError("the file is neither UTF-8 nor GBK/GB18030 text, nor an .xlsx")


def _csv_rows(text: str) -> Iterator[list[str]]:
    # csv.Sniffer is thrown off by a title row above the header; the most frequent candidate
    # in the first lines is what Excel's "CSV" and "Unicode text" exports actually use.
    sample = text[:8192]
    delimiter = max(",\t;", key=sample.count)
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[Sequence[Any]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a zoo of types for damaged files
        raise RegisterFileError(f"the .xlsx file cannot be opened: {exc}") from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _parse_table(rows: Iterable[Sequence[Any]], encoding: str, lookups: Lookups) -> ParsedRegister:
    numbered = enumerate(rows, start=1)
    columns, ignored = _find_header(numbered)
    parsed: list[RegisterRow] = []
    errors: list[RowError] = []
    for number, cells in numbered:
        if all(_blank(c) for c in cells):
            continue
        by_field = {f: (h, cells[i] if i < len(cells) else None) for i, (f, h) in columns.items()}
        result = parse_row(number, by_field, lookups)
        if isinstance(result, list):
            errors.extend(result)
        else:
            parsed.append(result)
    errors.extend(_duplicates(parsed, columns))
    duplicate_rows = {e.row for e in errors}
    rows_ok = [r for r in parsed if r.row not in duplicate_rows]
    return ParsedRegister(rows_ok, sorted(errors, key=lambda e: e.row), encoding, ignored)


def _find_header(
    numbered: Iterator[tuple[int, Sequence[Any]]],
) -> tuple[dict[int, tuple[str, str]], list[str]]:
    """Column index → (field, header as written), from the first row naming ≥ 2 fields."""
    for number, cells in numbered:
        columns = {}
        for index, cell in enumerate(cells):
            field = HEADER_INDEX.get(fold_header(cell)) if not _blank(cell) else None
            if field and field not in {f for f, _ in columns.values()}:
                columns[index] = (field, str(cell).strip())
        if len(columns) >= 2:
            _require_columns(columns)
            ignored = [str(c).strip() for i, c in enumerate(cells) if i not in columns and c]
            return columns, ignored
        if number >= _HEADER_SEARCH_ROWS:
            break
    raise RegisterFileError(
        "no header row found in the first 10 rows (expected e.g. 设备名称, 站点, 系统, 序列号)"
    )


def _require_columns(columns: dict[int, tuple[str, str]]) -> None:
    present = {field for field, _ in columns.values()}
    missing = [f"{HEADERS[f][0]} / {HEADERS[f][1]}" for f in REQUIRED if f not in present]
    if missing:
        raise RegisterFileError(f"required columns missing: {', '.join(missing)}")


def _duplicates(rows: list[RegisterRow], columns: dict[int, tuple[str, str]]) -> list[RowError]:
    """A serial or external id twice in one file: the later row is the error."""
    headers = dict(columns.values())
    seen: dict[tuple[str, str], int] = {}
    errors = []
    for row in rows:
        for field in ("serial", "external_id"):
            value = getattr(row, field)
            if value is None:
                continue
            if (first := seen.setdefault((field, value), row.row)) != row.row:
                message = f"{value} already appears in row {first}"
                errors.append(RowError(row.row, headers.get(field), message))
    return errors


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def export_headers(language: Language = "zh") -> list[str]:
    return [HEADERS[field][0 if language == "zh" else 1] for field in EXPORT_FIELDS]


def export_cells(row: RegisterRow, language: Language = "zh") -> list[str]:
    """Values a re-import reads back to the same row; dates as ISO 8601."""
    cells = []
    for field in EXPORT_FIELDS:
        value = getattr(row, field)
        if language == "zh" and field == "system" and value in catalog.SYSTEMS_BY_KEY:
            value = catalog.SYSTEMS_BY_KEY[value].zh
        elif language == "zh" and field == "device_type" and value in catalog.DEVICE_TYPES_BY_KEY:
            value = catalog.DEVICE_TYPES_BY_KEY[value].zh
        elif language == "zh" and field in ("criticality", "status") and value is not None:
            value = {**CRITICALITY_ZH, **STATUS_ZH}[value]
        cells.append("" if value is None else str(value))
    return cells


def write_register_csv(rows: Iterable[RegisterRow], out: TextIO, language: Language = "zh"):
    """UTF-8 with a BOM: without it, Chinese Excel opens the file as GBK and shows mojibake."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export_headers(language))
    for row in rows:
        writer.writerow(export_cells(row, language))


def write_register_xlsx(rows: Iterable[RegisterRow], out: BinaryIO, language: Language = "zh"):
    workbook = openpyxl.Workbook(write_only=True)  # streams rows; no cell objects kept
    sheet = workbook.create_sheet("设备台账" if language == "zh" else "Assets")
    sheet.append(export_headers(language))
    for row in rows:
        sheet.append(export_cells(row, language))
    workbook.save(out)
