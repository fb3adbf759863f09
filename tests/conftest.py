"""Fixtures: a real action server process and the real API with the trained model; and the
guard of the fast tier.

Constants and helpers that test modules share live in tests/support.py: never import this file.

The fast tier (`make test-fast`, `pytest -m fast`) is every test marked `fast`: it needs no
trained model and no server. A fast test that asks for a fixture below fails at collection; one
that starts a process or a uvicorn server fails when it tries; `make test-fast` points the model
path nowhere (SIGNPOST_MODEL_PATH), so one that loads the model fails too.
"""
import contextlib

import pytest
import uvicorn
from fastapi.testclient import TestClient

from bot.runtime import processes
from bot.runtime.processes import start_action_server
from tests.support import METRICS_TOKEN, MODEL, SCHOOLS_YML

# The fixtures that start the action server or load the model (here and in tests/browser/).
NEEDS_MODEL_OR_SERVER = {"action_server_url", "client", "chat", "scrape", "live_server", "school_site"}


def pytest_collection_modifyitems(config, items):
    wrong = [f"{item.nodeid}: {sorted(NEEDS_MODEL_OR_SERVER & set(item.fixturenames))}"
             for item in items if item.get_closest_marker("fast") and NEEDS_MODEL_OR_SERVER & set(item.fixturenames)]
    if wrong:
        raise pytest.UsageError("marked fast but needs the model or a server:\n  " + "\n  ".join(wrong))


@contextlib.contextmanager
def _no_server_in_a_fast_test(item):
    if item.get_closest_marker("fast") is None:
        yield
        return

    def refuse(*args, **kwargs):
        raise RuntimeError(f"{item.nodeid} is marked fast but starts a process or a server")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processes, "start", refuse)
        patch.setattr(uvicorn.Server, "run", refuse)
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    with _no_server_in_a_fast_test(item):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    with _no_server_in_a_fast_test(item):
        yield


@pytest.fixture(scope="session")
def action_server_url():
    server = start_action_server(quiet=True).wait_ready("/health", timeout=90)
    yield f"{server.url}/webhook"
    server.stop()


@pytest.fixture(scope="session")
def client(action_server_url, tmp_path_factory):
    if not MODEL.exists():
        pytest.exit(f"no trained model at {MODEL}: run `make test` (it trains first)", returncode=2)
    from api.main import create_app
    from bot.runtime.settings import Settings

    # The whole suite runs from one address, so the per-client limit is off here;
    # tests/test_rate_limits.py exercises both limits on this same app.
    # The allowed origin is a listed school (insights); its counts go to a file of the run's own.
    insights = tmp_path_factory.mktemp("insights")
    (insights / "schools.yml").write_text(SCHOOLS_YML, encoding="utf-8")
    settings = Settings(model_path=str(MODEL), action_server_url=action_server_url,
                        rate_limit_per_client=0, cors_origins=["https://school.example.org"],
                        metrics_token=METRICS_TOKEN, schools_file=str(insights / "schools.yml"),
                        insights_db=str(insights / "counts.sqlite3"))
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
