"""`weibao import-assets`, `weibao export-assets`, `weibao labels`: the API's services, run as the
system (admin scope), with a progress bar on stderr."""

import asyncio
import sys
from pathlib import Path

from sqlalchemy import or_, select

from backend.assets import import_service, labels, labels_service
from backend.assets.schemas import LabelRequest
from backend.audit.recorder import SYSTEM
from backend.auth.schemas import CurrentUser
from backend.db import connect, session_scope
from backend.errors import DomainError
from backend.settings import Settings
from backend.sites.models import Site
from backend.users.models import Role

CLI_USER = CurrentUser(
    id="system", username="system", display_name="system", role=Role.admin, locale="zh-CN", session_id=""
)
BAR = 30


def progress(done: int, total: int, what: str) -> None:
    filled = BAR * done // max(total, 1)
    print(
        f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} {what}", end="", file=sys.stderr, flush=True
    )
    if done >= total:
        print(file=sys.stderr)


async def in_session(settings: Settings, work, *, write: bool):
    db = connect(settings)
    try:
        async with session_scope(db, write=write) as session:
            session.info["actor"] = SYSTEM
            return await work(session)
    finally:
        await db.dispose()


def fail(message: str, detail=None) -> None:
    print(f"error: {message}", file=sys.stderr)
    for error in (detail or {}).get("errors", []) if isinstance(detail, dict) else []:
        print(f"  row {error['row']}, {error['column'] or '-'}: {error['message']}", file=sys.stderr)
    sys.exit(1)


def cmd_import_assets(settings: Settings, args) -> None:
    data = Path(args.file).read_bytes()

    async def work(session):
        return await import_service.import_register(
            session,
            data,
            CLI_USER,
            dry_run=args.dry_run,
            on_progress=lambda done, total: progress(done, total, "rows"),
        )

    try:
        result = asyncio.run(in_session(settings, work, write=not args.dry_run))
    except DomainError as exc:
        fail(exc.message, exc.detail)
    for error in result.errors:
        print(f"  row {error['row']}, {error['column'] or '-'}: {error['message']}", file=sys.stderr)
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
        f"{len(result.errors)} row errors ({result.encoding})."
    )
    if result.errors:
        sys.exit(1)


def cmd_export_assets(settings: Settings, args) -> None:
    async def work(session):
        return await import_service.export_csv(session, CLI_USER, None, args.lang)

    data = asyncio.run(in_session(settings, work, write=False))
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
        return
    Path(args.output).write_bytes(data)
    rows = data.count(b"\n") - 1
    print(f"Wrote {rows} assets to {args.output}.", file=sys.stderr)


async def site_id_named(session, name: str) -> str:
    ids = list(await session.scalars(select(Site.id).where(or_(Site.name == name, Site.short_name == name))))
    if len(ids) != 1:
        raise DomainError(f"{'No' if not ids else 'More than one'} site is named {name}.")
    return ids[0]


def cmd_labels(settings: Settings, args) -> None:
    async def work(session):
        site_id = await site_id_named(session, args.site) if args.site else None
        request = LabelRequest(site_id=site_id, system=args.system)
        return await labels_service.select_labels(
            session, request, CLI_USER, settings.public_base_url, allow_all=True
        )

    try:
        items = asyncio.run(in_session(settings, work, write=False))
        with Path(args.output).open("wb") as out:
            pages = labels.write_label_sheet(
                items, out, on_progress=lambda done: progress(done, len(items), "labels")
            )
    except DomainError as exc:
        fail(exc.message, exc.detail)
    except labels.CjkFontMissing as exc:
        fail(str(exc))
    print(f"Wrote {len(items)} labels on {pages} pages to {args.output}.", file=sys.stderr)


def add_commands(sub) -> None:
    imp = sub.add_parser("import-assets", help="import an asset register (CSV or .xlsx)")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    imp.set_defaults(run=cmd_import_assets)
    exp = sub.add_parser("export-assets", help="export the asset register as CSV (UTF-8 with BOM)")
    exp.add_argument("-o", "--output", help="file to write (default: standard output)")
    exp.add_argument("--lang", choices=["zh", "en"], default="zh", help="header language")
    exp.set_defaults(run=cmd_export_assets)
    lab = sub.add_parser("labels", help="print a PDF sheet of QR labels")
    lab.add_argument("--site", help="site name or short name (default: every site)")
    lab.add_argument("--system", help="system key, e.g. surveillance")
    lab.add_argument("-o", "--output", required=True, help="PDF file to write")
    lab.set_defaults(run=cmd_labels)
