"""argon2id at OWASP's minimum (19 MiB, t=2, p=1), verified off the event loop.

Each verification costs ~19 MiB and ~26 ms of one core; the semaphore bounds how many run at
once so a login storm queues instead of exhausting memory.
"""

import asyncio
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_LENGTH = 8


class PasswordVerifier:
    def __init__(self, concurrency: int) -> None:
        self._slots = asyncio.Semaphore(concurrency)

    @cached_property
    def _dummy_hash(self) -> str:
        # Verifying unknown users against a real hash makes them cost the same as known ones.
        return HASHER.hash("no user has this password")

    async def verify(self, password_hash: str | None, password: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(_verify, password_hash or self._dummy_hash, password)

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(HASHER.hash, password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
