import pytest

from outages.fixture_server import FixtureServer


@pytest.fixture
def feed_server():
    server = FixtureServer().start()
    yield server
    server.stop()
