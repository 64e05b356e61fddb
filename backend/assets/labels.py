"""Printable A4 label sheets: QR + asset name + site + code, Chinese and English, as PDF.

Labels are consumed lazily from an iterable and each QR is encoded, drawn and dropped before
the next, so memory holds no QR images. reportlab has no incremental writer: it keeps each
finished page's (uncompressed) content stream until `save()` writes the file. QR modules are
therefore drawn as integer-coordinate rectangles in a scaled space, ~100 KB a page: 2,915
labels peak at ~14 MiB of Python heap (bench/labels.py). Vector modules measured as fast as
embedding a small image per code, with a 43 % smaller PDF and sharp edges at any zoom.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import msgspec
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from backend.assets import qr
from backend.assets.tags import format_code

# TrueType-outline CJK fonts from Debian packages. fonts-noto-cjk ships OpenType/CFF outlines,
# which reportlab cannot embed, so it is not on this list.
CJK_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
CJK_FONT = "WeibaoCJK"
CODE_FONT = "Helvetica-Bold"  # tag codes are ASCII; a standard font needs no embedding
CAPTION = "扫码报修 · Scan to report"


class CjkFontMissing(Exception):
    """No usable Chinese font: the sheet would print empty boxes instead of names."""

    def __init__(self, tried: Iterable[Path]) -> None:
        self.tried = [str(p) for p in tried]
        super().__init__(
            "No Chinese (CJK) TrueType font found for label sheets; install the Debian package "
            f"fonts-wqy-microhei (apt-get install -y fonts-wqy-microhei). Tried: {self.tried}"
        )


class Label(msgspec.Struct, frozen=True):
    code: str
    url: str
    asset_name: str  # e.g. "枪式摄像机 Fixed camera"
    site_name: str
    detail: str = ""  # e.g. system and location: "监控系统 · 一监区 2F 203"


class SheetLayout(msgspec.Struct, frozen=True):
    """Cells in mm; the default matches common 24-up A4 stock (3 × 8, 70 × 37 mm)."""

    columns: int = 3
    rows: int = 8
    margin_x: float = 0.0
    margin_y: float = 0.0
    padding: float = 3.5  # keeps ink off the cell edge, inside printers' unprintable border
    guides: bool = False  # light cut lines for plain paper

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


def pages_needed(label_count: int, layout: SheetLayout = SheetLayout()) -> int:
    return max(1, math.ceil(label_count / layout.per_page))


def find_cjk_font(candidates: Iterable[Path] = CJK_FONT_CANDIDATES) -> Path:
    tried = list(candidates)
    for path in tried:
        if path.is_file() and _register_font(path):
            return path
    raise CjkFontMissing(tried)


@functools.cache
def _register_font(path: Path) -> bool:
    # Parsing a 5 MB font costs ~0.3 s; once per process is enough.
    try:
        pdfmetrics.registerFont(TTFont(CJK_FONT, str(path), subfontIndex=0))
    except TTFError:
        return False
    return True


def write_label_sheet(
    labels: Iterable[Label],
    out: BinaryIO,
    *,
    layout: SheetLayout = SheetLayout(),
    font_candidates: Iterable[Path] = CJK_FONT_CANDIDATES,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write the PDF to `out`; returns the page count. `on_progress(labels_done)` per page."""
    find_cjk_font(font_candidates)
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle("Asset tags 设备标签")
    pages, done = 0, 0
    for page in _chunks(labels, layout.per_page):
        for index, label in enumerate(page):
            _draw_label(canvas, label, _cell_origin(layout, index), layout)
        canvas.showPage()
        pages, done = pages + 1, done + len(page)
        if on_progress:
            on_progress(done)
    if pages == 0:
        canvas.showPage()  # an empty selection still yields a valid one-page PDF
        pages = 1
    canvas.save()
    return pages


def _chunks(labels: Iterable[Label], size: int) -> Iterator[list[Label]]:
    page: list[Label] = []
    for label in labels:
        page.append(label)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def _cell_size(layout: SheetLayout) -> tuple[float, float]:
    width, height = A4
    return (
        (width - 2 * layout.margin_x * mm) / layout.columns,
        (height - 2 * layout.margin_y * mm) / layout.rows,
    )


def _cell_origin(layout: SheetLayout, index: int) -> tuple[float, float]:
    """Bottom-left corner in points; cells fill rows left to right, top to bottom."""
    cell_w, cell_h = _cell_size(layout)
    row, column = divmod(index, layout.columns)
    top = A4[1] - layout.margin_y * mm
    return layout.margin_x * mm + column * cell_w, top - (row + 1) * cell_h


def _draw_label(
    canvas: Canvas, label: Label, origin: tuple[float, float], layout: SheetLayout
) -> None:
    x, y = origin
    cell_w, cell_h = _cell_size(layout)
    pad = layout.padding * mm
    if layout.guides:
        canvas.setStrokeGray(0.85)
        canvas.setLineWidth(0.3)
        canvas.rect(x, y, cell_w, cell_h, stroke=1, fill=0)
    qr_side = cell_h - 2 * pad
    _draw_qr(canvas, label.url, x + pad, y + pad, qr_side)
    text_x = x + pad + qr_side + 1.5 * mm
    _draw_text_block(canvas, label, text_x, (y + pad, y + cell_h - pad), x + cell_w - pad - text_x)


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, side: float) -> None:
    matrix = qr.module_matrix(url, mask_pattern=qr.BULK_MASK)
    modules = len(matrix) + 2 * qr.QUIET_ZONE
    unit = side / modules
    top = y + side - qr.QUIET_ZONE * unit
    left = x + qr.QUIET_ZONE * unit
    # One filled path of unit rectangles in a flipped, scaled space: row r is r units down
    # from the top, so every coordinate is a small integer and the stream stays compact.
    ops = [f"q 0 g {unit:.4f} 0 0 {-unit:.4f} {left:.3f} {top:.3f} cm"]
    ops.extend(f"{c} {r} {n} 1 re" for r, c, n in qr.dark_runs(matrix))
    ops.append("f Q")
    canvas.addLiteral("\n".join(ops))


def _draw_text_block(
    canvas: Canvas, label: Label, x: float, span: tuple[float, float], width: float
) -> None:
    """Name, site and detail from the top; code and caption pinned to the bottom."""
    bottom, top = span
    canvas.setFillGray(0)
    baseline = top
    for size, text in ((8.5, label.asset_name), (6.5, label.site_name), (6.0, label.detail)):
        canvas.setFont(CJK_FONT, size)
        for line in _fit(text, size, width, max_lines=2):
            baseline -= size * 1.2
            canvas.drawString(x, baseline, line)
    canvas.setFont(CODE_FONT, 10)
    canvas.drawString(x, bottom + 8, format_code(label.code))
    canvas.setFont(CJK_FONT, 5.5)
    canvas.drawString(x, bottom, CAPTION)


# Latin words and numbers wrap whole; every CJK character is its own break opportunity.
_TOKENS = re.compile(r"[A-Za-z0-9_\-./#()]+|\s+|.")


def _fit(text: str, size: float, width: float, max_lines: int) -> list[str]:
    """Greedy wrap to `width`; what does not fit in `max_lines` ends in an ellipsis."""
    lines, current = [], ""
    for token in _TOKENS.findall(text.strip()):
        if _width(current + token, size) <= width or not current:
            current += token
            continue
        lines.append(current.rstrip())
        current = token.lstrip()
    if current:
        lines.append(current)
    if len(lines) <= max_lines and all(_width(line, size) <= width for line in lines):
        return lines
    return [*lines[: max_lines - 1], _ellipsize(lines[max_lines - 1], size, width)]


def _ellipsize(line: str, size: float, width: float) -> str:
    while line and _width(line + "…", size) > width:
        line = line[:-1]
    return line + "…"


def _width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, CJK_FONT, size)
