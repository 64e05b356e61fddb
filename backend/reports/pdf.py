"""Draw the reports with reportlab (pure, synchronous: run it in a worker thread).

The CJK font is the label sheets' (backend/assets/labels.py find_cjk_font), embedded as a
subset with its Unicode map, so pdftotext and copy-paste recover the Chinese text.
"""

import io

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from backend.assets import labels as label_sheets
from backend.reports.content import (
    CAUSES,
    LABELS,
    PHASES,
    REFUSAL_REASONS,
    Common,
    InspectionReport,
    ServiceRecord,
    Signature,
)

WIDTH = A4[0] - 30 * mm
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eeeeee")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#eeeeee")),
    ]
)


class Styles:
    def __init__(self) -> None:
        label_sheets.find_cjk_font()  # registers the embedded CJK font once per process
        font = label_sheets.CJK_FONT
        self.title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
        self.centred = ParagraphStyle("centred", parent=self.cell, alignment=1)
        self.small = ParagraphStyle("small", fontName=font, fontSize=7.5, leading=10, wordWrap="CJK")


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    safe = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(safe.replace("\n", "<br/>"), style)


def pairs_table(rows: list[tuple[str, str, str, str]], st: Styles) -> Table:
    """Four columns: label, value, label, value (the paper forms' layout)."""
    data = [[_p(a, st.cell), _p(b, st.cell), _p(c, st.cell), _p(d, st.cell)] for a, b, c, d in rows]
    table = Table(data, colWidths=[WIDTH * 0.15, WIDTH * 0.35, WIDTH * 0.15, WIDTH * 0.35])
    table.setStyle(GRID)
    return table


def wide_table(rows: list[tuple[str, str]], st: Styles) -> Table:
    table = Table([[_p(a, st.cell), _p(b, st.cell)] for a, b in rows], colWidths=[WIDTH * 0.15, WIDTH * 0.85])
    table.setStyle(TableStyle([*GRID.getCommands()[:3]]))
    return table


def thumbs_table(common: Common, lang: str, st: Styles) -> Table | None:
    if not common.thumbs:
        return None
    side = WIDTH / 3 - 6 * mm
    cells = []
    for thumb in common.thumbs[:3]:
        image = Image(io.BytesIO(thumb.jpeg))
        scale = min(side / image.imageWidth, side / image.imageHeight)
        image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
        cells.append([image, _p(PHASES[lang].get(thumb.phase, thumb.phase), st.centred)])
    table = Table([cells], colWidths=[WIDTH / 3] * len(cells))
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return table


def signature_rows(signature: Signature | None, lang: str) -> list[tuple[str, str]]:
    words = LABELS[lang]
    if signature is None:
        return [(words["signature"], words["unsigned"])]
    if signature.refused:
        reason = REFUSAL_REASONS[lang].get(signature.reason, signature.reason)
        text = f"{words['contact']}：{signature.name}    {words['reason']}：{reason}"
        text += f"\n{signature.reason_text}\n{words['refused_at']}：{signature.at}"
        return [(words["refusal"], text)]
    text = f"{words['signer']}：{signature.name}    {words['role']}：{signature.role}"
    if signature.phone:
        text += f"    {words['phone']}：{signature.phone}"
    return [(words["signature"], text + f"\n{words['signed_at']}：{signature.at}")]


class QrCode(Flowable):
    def __init__(self, url: str, side: float) -> None:
        super().__init__()
        self.url, self.side = url, side
        self.width = self.height = side

    def draw(self) -> None:
        widget = QrCodeWidget(self.url)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(
            self.side, self.side, transform=[self.side / (x1 - x0), 0, 0, self.side / (y1 - y0), 0, 0]
        )
        drawing.add(widget)
        drawing.drawOn(self.canv, 0, 0)


def evidence_block(common: Common, lang: str, st: Styles) -> list:
    words = LABELS[lang]
    rows = signature_rows(common.signature, lang)
    block: list = [wide_table(rows, st)]
    image = common.signature.image if common.signature and not common.signature.refused else None
    if image:
        reader = ImageReader(io.BytesIO(image))
        w, h = reader.getSize()
        scale = min(60 * mm / w, 25 * mm / h)
        block += [
            Spacer(1, 2 * mm),
            Image(io.BytesIO(image), width=w * scale, height=h * scale, hAlign="LEFT"),
        ]
    hash_text = f"{words['record_hash']}：\n{common.record_hash}\n{words['verify']}：{common.verify_url}"
    footer = Table(
        [[_p(hash_text, st.small), QrCode(common.verify_url, 28 * mm)]], colWidths=[WIDTH - 32 * mm, 32 * mm]
    )
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [*block, Spacer(1, 4 * mm), footer]


def build(story: list, title: str) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
    )
    doc.build(story)
    return out.getvalue()


def document(title: str, common: Common, lang: str, st: Styles, facts: list, body: list) -> bytes:
    """A report's pages, as both paper forms lay them out: the title, the facts table led by the
    project and the record number, the body, the photos when there are any, the evidence block."""
    words = LABELS[lang]
    story: list = [
        _p(title, st.title),
        Spacer(1, 4 * mm),
        pairs_table([(words["project"], common.project, words["number"], common.number), *facts], st),
        *body,
        Spacer(1, 4 * mm),
    ]
    thumbs = thumbs_table(common, lang, st)
    if thumbs is not None:
        story += [_p(words["photos"], st.cell), thumbs, Spacer(1, 4 * mm)]
    if common.awaiting:
        separator, colon = ("、", "：") if lang == "zh-CN" else (", ", ": ")
        phases = separator.join(PHASES[lang].get(p, PHASES[lang]["other"]) for p in common.awaiting)
        story += [_p(f"{words['awaiting_upload']}{colon}{phases}", st.cell), Spacer(1, 4 * mm)]
    return build(story + evidence_block(common, lang, st), title)


def service_record(report: ServiceRecord, lang: str) -> bytes:
    st, words, c = Styles(), LABELS[lang], report.common
    parts = "；".join(f"{item} × {n}" for item, n in report.parts) or words["none"]
    kind = words["remote"] if report.remote else words["on_site"]
    satisfaction = "★" * report.satisfaction + f" ({report.satisfaction}/5)" if report.satisfaction else ""
    facts = [
        (words["technician"], report.technician, words["service_type"], kind),
        (words["reported_at"], report.reported_at, words["arrived_at"], report.arrived_at),
        (words["resolved_at"], report.resolved_at, words["place"], c.place),
    ]
    details = [
        (words["fault"], report.fault),
        (words["cause"], CAUSES[lang].get(report.cause, report.cause)),
        (words["solution"], report.solution),
        (words["damaged"], report.damaged),
        (words["parts"], parts),
        (words["satisfaction"], satisfaction),
    ]
    return document(words["service_title"], c, lang, st, facts, [wide_table(details, st)])


def inspection_report(report: InspectionReport, lang: str) -> bytes:
    st, words, c = Styles(), LABELS[lang], report.common
    items = [[_p(h, st.cell) for h in ("#", words["item"], words["state"], words["value"], words["note"])]]
    for index, row in enumerate(report.items, start=1):
        cells = (str(index), row.label, words.get(row.outcome, row.outcome), row.value, row.note)
        items.append([_p(text, st.cell) for text in cells])
    checklist = Table(items, colWidths=[WIDTH * f for f in (0.06, 0.4, 0.12, 0.17, 0.25)], repeatRows=1)
    checklist.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    facts = [
        (words["asset"], report.asset, words["location"], report.location),
        (words["inspector"], report.inspector, words["place"], c.place),
        (words["started_at"], report.started_at, words["finished_at"], report.finished_at),
    ]
    findings = [
        (words["problems"], report.problems or words["none"]),
        (words["cause_analysis"], report.cause),
        (words["measures"], report.solution),
        (words["parts_to_replace"], report.parts_to_replace or words["none"]),
    ]
    body = [
        Spacer(1, 3 * mm),
        _p(words["items"], st.cell),
        checklist,
        Spacer(1, 3 * mm),
        wide_table(findings, st),
    ]
    return document(words["inspection_title"], c, lang, st, facts, body)
