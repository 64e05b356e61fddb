import asyncio
import threading
import time

from argon2 import PasswordHasher

from backend.auth import passwords
from backend.auth.passwords import HASHER, PasswordVerifier


def test_hashes_use_argon2id_at_owasp_minimum_parameters():
    encoded = HASHER.hash("a password")
    assert encoded.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


async def test_verifications_run_at_most_two_at_a_time(monkeypatch):
    running, peak, lock = 0, 0, threading.Lock()
    real_verify = passwords._verify

    def counting_verify(password_hash, password):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            time.sleep(0.02)  # hold the slot so overlaps are visible
            return real_verify(password_hash, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(passwords, "_verify", counting_verify)
    verifier = PasswordVerifier(concurrency=2)
    stored = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("pw")
    results = await asyncio.gather(*(verifier.verify(stored, "pw") for _ in range(8)))
    assert results == [True] * 8
    assert peak == 2


async def test_an_unknown_user_is_verified_against_a_real_hash():
    verifier = PasswordVerifier(concurrency=1)
    assert await verifier.verify(None, "anything") is False
    assert verifier._dummy_hash.startswith("$argon2id$")
