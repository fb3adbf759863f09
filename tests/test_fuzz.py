"""Schema-driven fuzzing of the HTTP API (schemathesis): no 5xx, every error is JSON."""
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.ratelimit import RateLimits
from bot.runtime.settings import Settings


@pytest.fixture(scope="module")
def api_schema(client):
    # Limits off so the fuzzer explores the API rather than the 429 path.
    previous = client.app.state.rate_limits
    client.app.state.rate_limits = RateLimits(Settings(rate_limit_per_session=0, rate_limit_per_client=0))
    # /openapi.json is served in development only; the schema is the app's own.
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(client.app.openapi())))
    schema.app = client.app
    yield schema
    client.app.state.rate_limits = previous


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_errors_are_json(case):
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), content_type
        assert "error" in response.json()
