from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from backend.push.sender import PushSender
from backend.push.vapid import VapidKeys, generate_vapid_keys
from tests.push.fake_push_service import FakePushService, running_fake_push_service


@pytest.fixture(scope="session")
def _fake_push_server() -> Iterator[FakePushService]:
    with running_fake_push_service() as service:
        yield service


@pytest.fixture
def fake_push(_fake_push_server: FakePushService) -> FakePushService:
    _fake_push_server.reset()
    return _fake_push_server


@pytest.fixture
def vapid_keys(tmp_path: Path) -> VapidKeys:
    return generate_vapid_keys(tmp_path / "data")


@pytest.fixture
def sender(vapid_keys: VapidKeys) -> PushSender:
    return PushSender(keys=vapid_keys, contact="ops@weibao.example")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as http:
        yield http
