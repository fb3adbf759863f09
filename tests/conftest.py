"""Fixtures: a real action server process and the real API with the trained model.

Constants and helpers that test modules share live in tests/support.py: never import this file.
"""
import pytest
from fastapi.testclient import TestClient

from bot.runtime.processes import start_action_server
from tests.support import METRICS_TOKEN, MODEL


@pytest.fixture(scope="session")
def action_server_url():
    server = start_action_server(quiet=True).wait_ready("/health", timeout=90)
    yield f"{server.url}/webhook"
    server.stop()


@pytest.fixture(scope="session")
def client(action_server_url):
    if not MODEL.exists():
        pytest.exit(f"no trained model at {MODEL}: run `make test` (it trains first)", returncode=2)
    from api.main import create_app
    from bot.runtime.settings import Settings

    # The whole suite runs from one address, so the per-client limit is off here;
    # tests/test_rate_limits.py exercises both limits on this same app.
    settings = Settings(model_path=str(MODEL), action_server_url=action_server_url,
                        rate_limit_per_client=0, cors_origins=["https://school.example.org"],
                        metrics_token=METRICS_TOKEN)
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def scrape(client):
    """GET /metrics as the monitoring system (with the metrics token)."""
    def get():
        response = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert response.status_code == 200, response.text
        return response.text

    return get


@pytest.fixture(scope="session")
def chat(client):
    def send(message=None, **fields):
        """chat("typed text", ...) or chat(payload="/intent", ...) for a button press."""
        body = {"message": message} if message is not None else {}
        response = client.post("/api/v1/chat", json={**body, **fields})
        assert response.status_code == 200, response.text
        return response.json()

    return send
