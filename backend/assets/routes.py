from typing import Annotated, Literal
from urllib.parse import quote

from litestar import Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Stream

from backend.assets import import_service, labels_service, service, tags, tags_service
from backend.assets.schemas import (
    AssetCreate,
    AssetEventOut,
    AssetOut,
    AssetPage,
    AssetPatch,
    Criticality,
    ImportResult,
    LabelRequest,
    RetagRequest,
    Status,
    SystemTypeCreate,
    SystemTypeOut,
    TagLookupOut,
)
from backend.auth.middleware import allow
from backend.deps import Db
from backend.errors import Invalid
from backend.users.models import Role

admin_only = [allow(Role.admin)]
staff = [allow(Role.admin, Role.dispatcher)]
# Technicians replace damaged labels on site, so they may re-tag and print.
field_staff = [allow(Role.admin, Role.dispatcher, Role.technician)]
IMPORT_MAX_BYTES = 20 * 1024 * 1024


def base_url(request: Request) -> str:
    return request.app.state.settings.public_base_url


@get("/api/system-types")
async def list_system_types(db: Db) -> list[SystemTypeOut]:
    return await service.list_system_types(db)


@post("/api/system-types", guards=admin_only)
async def create_system_type(db: Db, data: JSONBody[SystemTypeCreate]) -> SystemTypeOut:
    return await service.create_system_type(db, data)


@get("/api/assets")
async def list_assets(
    request: Request,
    db: Db,
    site_id: FromQuery[str | None] = None,
    system: FromQuery[str | None] = None,
    status: FromQuery[Status | None] = None,
    criticality: FromQuery[Criticality | None] = None,
    q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    offset: Annotated[int, QueryParameter(ge=0)] = 0,
) -> AssetPage:
    spec = service.AssetFilter(site_id, system, status, criticality, q)
    return await service.list_assets(db, request.user, spec, limit, offset)


@post("/api/assets", guards=staff)
async def create_asset(request: Request, db: Db, data: JSONBody[AssetCreate]) -> AssetOut:
    return await service.create_asset(db, data, request.user)


@get("/api/assets/{asset_id:str}")
async def get_asset(request: Request, db: Db, asset_id: FromPath[str]) -> AssetOut:
    return await service.get_asset(db, asset_id, request.user)


@patch("/api/assets/{asset_id:str}", guards=staff)
async def update_asset(
    request: Request, db: Db, asset_id: FromPath[str], data: JSONBody[AssetPatch]
) -> AssetOut:
    return await service.update_asset(db, asset_id, data, request.user)


@get("/api/assets/{asset_id:str}/history")
async def asset_history(request: Request, db: Db, asset_id: FromPath[str]) -> list[AssetEventOut]:
    return await service.asset_history(db, asset_id, request.user)


@post("/api/assets/{asset_id:str}/retag", guards=field_staff, status_code=200)
async def retag(request: Request, db: Db, asset_id: FromPath[str], data: JSONBody[RetagRequest]) -> AssetOut:
    return await tags_service.retag(db, asset_id, data, request.user)


@get("/api/assets/{asset_id:str}/tag.png")
async def tag_png(request: Request, db: Db, asset_id: FromPath[str]) -> Response[bytes]:
    png = await tags_service.tag_png(db, asset_id, request.user, base_url(request))
    return Response(png, media_type="image/png")


@get("/api/assets/{asset_id:str}/tag.svg")
async def tag_svg(request: Request, db: Db, asset_id: FromPath[str]) -> Response[bytes]:
    svg = await tags_service.tag_svg(db, asset_id, request.user, base_url(request))
    return Response(svg, media_type="image/svg+xml")


@get("/api/tags/{code:str}")
async def lookup_tag(request: Request, db: Db, code: FromPath[str]) -> TagLookupOut:
    return await tags_service.lookup_tag(db, code, request.user, base_url(request))


@get("/t/{code:str}", exclude_from_auth=True, include_in_schema=False)
async def open_tag(code: FromPath[str]) -> Redirect:
    """What a phone's camera app opens: the PWA's asset screen, which asks for a login first."""
    return Redirect(f"/#/t/{quote(tags.normalise(code), safe='')}", status_code=303)


@post("/api/labels", guards=field_staff, status_code=200)
async def label_sheet(request: Request, db: Db, data: JSONBody[LabelRequest]) -> Stream:
    chunks = await labels_service.label_sheet(db, data, request.user, base_url(request))
    disposition = {"Content-Disposition": 'attachment; filename="labels.pdf"'}
    return Stream(chunks, media_type="application/pdf", headers=disposition)


async def uploaded_bytes(request: Request) -> bytes:
    """A raw body (CSV or .xlsx bytes) or the first file of a multipart form."""
    if request.content_type[0] != "multipart/form-data":
        return await request.body()
    form = await request.form()
    upload = next((v for v in form.values() if isinstance(v, UploadFile)), None)
    if upload is None:
        raise Invalid("The form holds no file.", code="no_file")
    return await upload.read()


# A bulk register load is an admin task (DOMAIN.md: admin owns sites and assets); the service
# still resolves site names only within the caller's scope.
@post("/api/assets/import", guards=admin_only, status_code=200, request_max_body_size=IMPORT_MAX_BYTES)
async def import_assets(request: Request, db: Db, dry_run: FromQuery[bool] = False) -> ImportResult:
    data = await uploaded_bytes(request)
    return await import_service.import_register(db, data, request.user, dry_run=dry_run)


@get("/api/assets/export.csv")
async def export_assets(
    request: Request,
    db: Db,
    site_id: FromQuery[str | None] = None,
    lang: FromQuery[Literal["zh", "en"]] = "zh",
) -> Response[bytes]:
    csv = await import_service.export_csv(db, request.user, site_id, lang)
    disposition = {"Content-Disposition": 'attachment; filename="assets.csv"'}
    return Response(csv, media_type="text/csv; charset=utf-8", headers=disposition)


ROUTES = [
    list_system_types,
    create_system_type,
    list_assets,
    create_asset,
    export_assets,
    import_assets,
    get_asset,
    update_asset,
    asset_history,
    retag,
    tag_png,
    tag_svg,
    lookup_tag,
    open_tag,
    label_sheet,
]
