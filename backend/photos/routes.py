from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from backend.auth.middleware import allow
from backend.blobs.routes import SAFE_IMAGE_HEADERS
from backend.deps import Db
from backend.photos import service
from backend.photos.schemas import PhotoCreate, PhotoOut
from backend.users.models import Role

field_staff = [allow(Role.admin, Role.dispatcher, Role.technician)]


@post("/api/photos", guards=field_staff)
async def attach_photo(request: Request, db: Db, data: JSONBody[PhotoCreate]) -> PhotoOut:
    return await service.attach_photo(db, data, request.user)


@get("/api/photos")
async def list_photos(
    request: Request, db: Db, record_kind: FromQuery[str], record_id: FromQuery[str]
) -> list[PhotoOut]:
    return await service.list_photos(db, record_kind, record_id, request.user)


@get("/api/photos/{photo_id:str}")
async def get_photo(request: Request, db: Db, photo_id: FromPath[str]) -> PhotoOut:
    return await service.get_photo(db, photo_id, request.user)


@get("/api/photos/{photo_id:str}/watermarked")
async def watermarked_copy(request: Request, db: Db, photo_id: FromPath[str]) -> Response:
    data = await service.watermarked_copy(db, request.app.state.media, photo_id, request.user)
    return Response(data, media_type="image/jpeg", headers=SAFE_IMAGE_HEADERS)


ROUTES = [attach_photo, list_photos, get_photo, watermarked_copy]
