"""Fixtures of the browser journeys that need a server of their own."""

import pytest

from tests.live import demo_server, signed_in


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    """The module's own demo server (one per module that asks): its journeys change demo data
    (tickets, assignments, plans) that the users of the shared `live_server` read."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    running = demo_server(tmp_path_factory.mktemp(name) / "data")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def tech(server):
    """tech1's API client on the module's server."""
    client = signed_in(server, "tech1")
    yield client
    client.close()


@pytest.fixture(scope="module")
def office(server):
    """The dispatcher's API client on the module's server."""
    client = signed_in(server, "dispatcher")
    yield client
    client.close()
