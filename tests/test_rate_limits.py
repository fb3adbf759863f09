"""Rate limits per session and per client; a 429 still gives Childline's number."""
import contextlib

import pytest

from api.ratelimit import RateLimits
from bot.runtime.settings import Settings


@contextlib.contextmanager
def limits(client, **overrides):
    app = client.app
    previous = app.state.rate_limits
    app.state.rate_limits = RateLimits(Settings(**overrides))
    try:
        yield
    finally:
        app.state.rate_limits = previous


def test_session_limit_then_429_with_childline(client):
    with limits(client, rate_limit_per_session=3, rate_limit_per_client=0):
        first = client.post("/api/v1/chat", json={"message": "hello"}).json()
        body = {"message": "hello again", "session_id": first["session_id"]}
        assert [client.post("/api/v1/chat", json=body).status_code for _ in range(3)] == [200, 200, 200]
        refused = client.post("/api/v1/chat", json=body)
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "60"
        error = refused.json()["error"]
        assert error["code"] == "rate_limited" and "0800 1111" in error["message"]
        # Another conversation is not affected by this one's limit.
        assert client.post("/api/v1/chat", json={"message": "hi"}).status_code == 200


def test_client_limit_counts_every_session(client):
    with limits(client, rate_limit_per_session=0, rate_limit_per_client=2):
        codes = [client.post("/api/v1/chat", json={"message": "hi"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


def test_zero_disables_limits(client):
    with limits(client, rate_limit_per_session=0, rate_limit_per_client=0):
        first = client.post("/api/v1/chat", json={"message": "hi"}).json()
        body = {"message": "thanks", "session_id": first["session_id"]}
        assert all(client.post("/api/v1/chat", json=body).status_code == 200 for _ in range(25))


def test_rate_limited_count_is_in_metrics(client, scrape):
    with limits(client, rate_limit_per_session=0, rate_limit_per_client=1):
        client.post("/api/v1/chat", json={"message": "hi"})
        client.post("/api/v1/chat", json={"message": "hi"})
    assert 'signpost_rate_limited_total{limit="client"}' in scrape()
