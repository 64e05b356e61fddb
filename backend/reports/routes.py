"""GET the client's forms as PDF: zh-CN by default, `?lang=en` for English."""

from typing import Literal

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery

from backend.deps import Db
from backend.reports import service

Lang = Literal["zh-CN", "en"]
PDF_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


def pdf_response(data: bytes, name: str) -> Response[bytes]:
    headers = {**PDF_HEADERS, "Content-Disposition": f'inline; filename="{name}.pdf"'}
    return Response(data, media_type="application/pdf", headers=headers)


@get("/api/work-orders/{work_order_id:str}/report")
async def service_record(
    request: Request, db: Db, work_order_id: FromPath[str], lang: FromQuery[Lang] = "zh-CN"
) -> Response[bytes]:
    state = request.app.state
    data = await service.service_record_pdf(
        db, state.media, state.settings, work_order_id, lang, request.user
    )
    return pdf_response(data, f"service-record-{work_order_id}")


@get("/api/inspections/{inspection_id:str}/report")
async def inspection_report(
    request: Request, db: Db, inspection_id: FromPath[str], lang: FromQuery[Lang] = "zh-CN"
) -> Response[bytes]:
    state = request.app.state
    data = await service.inspection_pdf(db, state.media, state.settings, inspection_id, lang, request.user)
    return pdf_response(data, f"inspection-{inspection_id}")


ROUTES = [service_record, inspection_report]
