"""The action server listens on loopback by default, and needs a token anywhere else (issue 12, item 3)."""
import httpx
import psutil
import pytest

from bot.runtime.processes import child_env, start_action_server

TOKEN = "a-shared-secret-for-tests"


def listening_addresses(pid: int, port: int) -> set:
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    return {c.laddr.ip for p in processes for c in p.connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    server = start_action_server(env=child_env(SIGNPOST_ACTION_TOKEN=TOKEN), log_dir=tmp_path_factory.mktemp("guarded"))
    try:
        server.wait_ready("/health", timeout=90)
        yield int(server.url.rsplit(":", 1)[1]), server
    finally:
        server.stop()


def test_default_is_loopback_only(action_server_url):
    # The suite's own action server (tests/conftest.py) is started like `make run` starts it.
    port = int(action_server_url.rsplit(":", 1)[1].split("/")[0])
    pids = [p.pid for p in psutil.process_iter(["cmdline"])
            if p.info["cmdline"] and "actions" in p.info["cmdline"] and str(port) in p.info["cmdline"]]
    assert pids, "the suite's action server was not started with `python -m actions`"
    assert listening_addresses(pids[0], port) == {"127.0.0.1"}


def test_refuses_a_public_address_without_a_token(tmp_path):
    server = start_action_server(extra_args=("--host", "0.0.0.0"), env=child_env(), log_dir=tmp_path)
    try:
        assert server.process.wait(timeout=60) != 0
    finally:
        server.stop()
    assert "SIGNPOST_ACTION_TOKEN" in server.log_path.read_text()


def test_webhook_needs_the_token(guarded):
    port, _ = guarded
    base = f"http://127.0.0.1:{port}"
    assert httpx.get(f"{base}/health").status_code == 200  # probes need no token
    assert httpx.post(f"{base}/webhook", json={}).status_code == 401
    assert httpx.get(f"{base}/actions").status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert httpx.post(f"{base}/webhook", json={}, headers=wrong).status_code == 401
    right = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.get(f"{base}/actions", headers=right).status_code == 200


def test_no_cors_for_any_origin(guarded):
    port, _ = guarded
    reply = httpx.options(f"http://127.0.0.1:{port}/webhook", headers={
        "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in reply.headers


async def test_the_api_sends_the_token(guarded):
    from bot.engine.rasa_patches import KeepAliveEndpointConfig
    from api.assistant import action_endpoint
    from bot.runtime.settings import Settings

    port, _ = guarded
    endpoint = action_endpoint(Settings(action_server_url=f"http://127.0.0.1:{port}/webhook", action_token=TOKEN))
    assert isinstance(endpoint, KeepAliveEndpointConfig)
    try:
        async with endpoint.session() as session:
            async with session.get(f"http://127.0.0.1:{port}/actions") as reply:
                assert reply.status == 200
    finally:
        await endpoint.aclose()


def test_the_api_refuses_a_remote_action_server_without_a_token():
    from api.main import create_app
    from bot.runtime.settings import Settings

    with pytest.raises(ValueError, match="SIGNPOST_ACTION_TOKEN"):
        create_app(Settings(action_server_url="http://actions:5055/webhook"))
    create_app(Settings(action_server_url="http://actions:5055/webhook", action_token=TOKEN))
    create_app(Settings(action_server_url="http://127.0.0.1:5055/webhook"))
