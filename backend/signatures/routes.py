from litestar import Request, get

from backend.auth.middleware import allow
from backend.deps import Db
from backend.signatures import chain
from backend.signatures.schemas import VerifyReport
from backend.signatures.verify import verify_all
from backend.users.models import Role


@get("/api/verify", guards=[allow(Role.admin)])
async def verify_evidence(request: Request, db: Db) -> VerifyReport:
    public = chain.load_key(request.app.state.settings.secrets_dir).public_key()
    return await verify_all(db, request.app.state.media, public)


ROUTES = [verify_evidence]
