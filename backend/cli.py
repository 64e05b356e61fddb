"""`weibao` command: migrate, load demo data, serve, create users."""

import argparse
import asyncio
import sys

import msgspec

from backend import migrate
from backend.assets import cli as asset_cli
from backend.settings import Settings


async def _with_session(settings: Settings, work) -> object:
    from backend.audit.recorder import SYSTEM
    from backend.auth.passwords import PasswordVerifier
    from backend.db import connect, session_scope

    db = connect(settings)
    try:
        async with session_scope(db, write=True) as session:
            session.info["actor"] = SYSTEM
            return await work(session, PasswordVerifier(settings.password_verify_concurrency))
    finally:
        await db.dispose()


def cmd_migrate(settings: Settings, _args) -> None:
    migrate.upgrade(settings.database_url)
    print("Database is at the newest schema.")


def cmd_demo(settings: Settings, args) -> None:
    from backend.demo.seed import is_empty, load_demo, logins_text

    async def work(session, passwords):
        if args.if_empty and not await is_empty(session):
            return False
        await load_demo(session, passwords)
        return True

    loaded = asyncio.run(_with_session(settings, work))
    print("Demo data loaded." if loaded else "Database has data; demo data not loaded.")
    print(logins_text())


def cmd_create_user(settings: Settings, args) -> None:
    from backend.users.schemas import UserCreate
    from backend.users.service import create_user

    data = UserCreate(
        username=args.username, display_name=args.name, role=args.role, password=args.password
    )
    user = asyncio.run(_with_session(settings, lambda s, p: create_user(s, p, data)))
    print(f"Created {user.role} {user.username} ({user.id}).")


def cmd_serve(settings: Settings, _args) -> None:
    import uvicorn

    from backend.app import create_app

    print(f"Weibao is serving on {settings.public_base_url}/  (Ctrl-C stops it)", flush=True)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


def cmd_verify(settings: Settings, args) -> None:
    from backend.signatures.verify import report_text, verify_data_dir

    report = asyncio.run(verify_data_dir(settings))
    print(msgspec.json.encode(report).decode() if args.json else report_text(report))
    if not report.ok:
        sys.exit(1)


def day(text: str):
    from datetime import date

    return date.fromisoformat(text)  # argparse turns its ValueError into a usage error


def cmd_plan_rounds(settings: Settings, args) -> None:
    from backend.db import utcnow
    from backend.inspections.plan_service import default_horizon, generate_rounds

    until = args.until or default_horizon(utcnow())
    report = asyncio.run(_with_session(settings, lambda s, _p: generate_rounds(s, until)))
    print(f"{report.created} new inspection round(s) from {report.plans} plan(s), up to {report.until}.")


def cmd_sync_maintain(settings: Settings, _args) -> None:
    from backend.sync_api.maintenance import maintain_log

    days = settings.sync_tombstone_retention_days
    report = asyncio.run(_with_session(settings, lambda s, _p: maintain_log(s, days)))
    logged, pruned = report["logged"], report["pruned"]
    print(f"Sync change log: {logged} record(s) logged, {pruned} superseded row(s) pruned.")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="weibao", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)
    demo = sub.add_parser("demo", help="load invented demo data")
    demo.add_argument("--if-empty", action="store_true", help="only into an empty database")
    demo.set_defaults(run=cmd_demo)
    user = sub.add_parser("create-user", help="add a user")
    user.add_argument("username")
    user.add_argument("--name", required=True)
    user.add_argument(
        "--role", required=True, choices=["admin", "dispatcher", "technician", "client_rep"]
    )
    user.add_argument("--password", required=True)
    user.set_defaults(run=cmd_create_user)
    sub.add_parser("serve", help="serve the API and the PWA").set_defaults(run=cmd_serve)
    asset_cli.add_commands(sub)
    verify = sub.add_parser("verify", help="re-check signed records, photo files and the chain")
    verify.add_argument("--json", action="store_true", help="print the report as JSON")
    verify.set_defaults(run=cmd_verify)
    rounds = sub.add_parser("plan-rounds", help="create due inspection rounds (idempotent)")
    rounds.add_argument("--until", type=day, help="YYYY-MM-DD; default: a week from today")
    rounds.set_defaults(run=cmd_plan_rounds)
    sub.add_parser(
        "sync-maintain", help="log records never synced, prune superseded sync changes (idempotent)"
    ).set_defaults(run=cmd_sync_maintain)
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        args.run(settings, args)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
