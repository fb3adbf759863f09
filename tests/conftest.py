"""Fixtures: a real action server process and the real API with the trained model."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot import ROOT

MODEL = ROOT / "models" / "schoolbot.tar.gz"
METRICS_TOKEN = "metrics-token-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_action_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "actions", "--port", str(port)],  # loopback only, like `make run`
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, "the action server exited at start-up"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the action server did not start within 90 s")


@pytest.fixture(scope="session")
def action_server_url():
    port = free_port()
    process = start_action_server(port)
    yield f"http://127.0.0.1:{port}/webhook"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def client(action_server_url):
    if not MODEL.exists():
        pytest.exit(f"no trained model at {MODEL}: run `make test` (it trains first)", returncode=2)
    from api.main import create_app
    from api.settings import Settings

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
