"""The action server listens on loopback by default, and needs a token anywhere else (issue 12, item 3)."""
import os
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from bot import ROOT
from tests.conftest import free_port

TOKEN = "a-shared-secret-for-tests"


def start(port: int, *args: str, token=None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNPOST_")}
    if token:
        env["SIGNPOST_ACTION_TOKEN"] = token
    return subprocess.Popen([sys.executable, "-m", "actions", "--port", str(port), *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_health(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the action server did not start")


def listening_addresses(pid: int, port: int) -> set:
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    return {c.laddr.ip for p in processes for c in p.connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port}


@pytest.fixture(scope="module")
def guarded():
    port = free_port()
    process = start(port, token=TOKEN)
    try:
        wait_health(port, process)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_default_is_loopback_only(action_server_url):
    # The suite's own action server (tests/conftest.py) is started like `make run` starts it.
    port = int(action_server_url.rsplit(":", 1)[1].split("/")[0])
    pids = [p.pid for p in psutil.process_iter(["cmdline"])
            if p.info["cmdline"] and "actions" in p.info["cmdline"] and str(port) in p.info["cmdline"]]
    assert pids, "the suite's action server was not started with `python -m actions`"
    assert listening_addresses(pids[0], port) == {"127.0.0.1"}


def test_refuses_a_public_address_without_a_token():
    process = start(free_port(), "--host", "0.0.0.0")
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "SIGNPOST_ACTION_TOKEN" in output


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
    from api.rasa_patches import KeepAliveEndpointConfig
    from api.assistant import action_endpoint
    from api.settings import Settings

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
    from api.settings import Settings

    with pytest.raises(ValueError, match="SIGNPOST_ACTION_TOKEN"):
        create_app(Settings(action_server_url="http://actions:5055/webhook"))
    create_app(Settings(action_server_url="http://actions:5055/webhook", action_token=TOKEN))
    create_app(Settings(action_server_url="http://127.0.0.1:5055/webhook"))
