"""Mutations decided by a domain service (sync.protocol.COMMANDS) inside the push transaction.

A push is split into runs: consecutive merge mutations go to the engine in one call on the
database thread (the fast path); each command runs alone and in order, so a `sign` sees every
photo and field pushed before it in the same batch. Commands share the engine's ledger: the
same deduplication, the same stored result, the same client position (PROTOCOL.md §3).

A domain registers the handler of each command name:

    register("work_order.sign", sign_work_order)  # async (db, mutation, user, at_ms) -> PushResult

A handler that raises a DomainError is rolled back to its savepoint and its mutation stored as
`rejected` with the error's message, so one bad command never blocks the ones behind it.
"""

from collections.abc import Awaitable, Callable, Iterator

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.dialect import run_statements
from backend.errors import DomainError
from backend.sync_api import engine
from backend.users.models import Role
from sync.ledger import recall
from sync.protocol import COMMANDS, Mutation, PushResult

Handler = Callable[[AsyncSession, Mutation, CurrentUser, int], Awaitable[PushResult]]

HANDLERS: dict[str, Handler] = {}


def register(name: str, handler: Handler) -> None:
    if name not in COMMANDS:
        raise ValueError(f"{name} is not a command mutation (sync.protocol.COMMANDS)")
    HANDLERS[name] = handler


def name_of(mutation: Mutation) -> str:
    return type(mutation).__struct_config__.tag  # type: ignore[return-value]


def runs(mutations: list[Mutation]) -> Iterator[list[Mutation]]:
    """Consecutive merge mutations together; every command alone."""
    pending: list[Mutation] = []
    for mutation in mutations:
        if name_of(mutation) in COMMANDS:
            if pending:
                yield pending
                pending = []
            yield [mutation]
        else:
            pending.append(mutation)
    if pending:
        yield pending


def is_command(run: list[Mutation]) -> bool:
    return len(run) == 1 and name_of(run[0]) in COMMANDS


async def decide(db: AsyncSession, mutation: Mutation, user: CurrentUser, at_ms: int) -> PushResult:
    def prepare(statements):
        caller = engine.caller_of(statements, user.id, user.role == Role.admin)
        engine._claim_client(statements, mutation.client_id, caller)
        return engine._recorded(statements, [mutation.id]).get(mutation.id)

    duplicate = recall(await run_statements(db, prepare), mutation)
    if duplicate is not None:
        return duplicate
    result = await _handle(db, mutation, user, at_ms)

    def store(statements) -> None:
        caller = engine.Caller(user.id, None)
        statements.many(engine.INSERT_APPLIED, [engine._ledger_row(mutation, result, caller, at_ms)])
        engine._advance_client(statements, mutation, caller, at_ms)

    await run_statements(db, store)
    return result


async def _handle(db: AsyncSession, mutation: Mutation, user: CurrentUser, at_ms: int) -> PushResult:
    handler = HANDLERS.get(name_of(mutation))
    if handler is None:
        return PushResult(
            id=mutation.id, status="rejected", message=f"{name_of(mutation)} cannot be synced yet"
        )
    savepoint = await db.begin_nested()
    try:
        result = await handler(db, mutation, user, at_ms)
    except DomainError as error:
        await savepoint.rollback()
        return PushResult(id=mutation.id, status="rejected", message=error.message)
    await savepoint.commit()
    return result
