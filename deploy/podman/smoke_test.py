"""Smoke test of the compose stack under podman, through its nginx (run by compose-test.sh,
which starts the stack and sets SMOKE_*; `make compose-test`). Not collected by `make test`'s
pytest run: it needs the running stack.

The stack: nginx (TLS, a throw-away certificate) -> two API containers (api-1, api-2) with two
uvicorn workers each -> the action server; Redis (append-only file) shared by all workers.
"""
import os
import signal
import subprocess
import time

import httpx
import pytest

PROXY = os.environ.get("SMOKE_PROXY")
if not PROXY:
    pytest.skip("the compose stack is not running: use `make compose-test`", allow_module_level=True)
PROXY_HTTP = os.environ["SMOKE_PROXY_HTTP"]
CA = os.environ["SMOKE_CA"]
API = {"api-1": os.environ["SMOKE_API_1"], "api-2": os.environ["SMOKE_API_2"]}
PREFIX = os.environ["SMOKE_PREFIX"]
REDIS_PORT = os.environ["SMOKE_REDIS_PORT"]
METRICS_TOKEN = os.environ["SIGNPOST_METRICS_TOKEN"]
SERVICES = ["proxy", "api-1", "api-2", "actions", "redis"]
URGENT = "ive taken a load of paracetamol"


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check, timeout=120)


def container(service: str) -> str:
    return f"{PREFIX}-{service}"


def send(message: str, session_id=None, base: str = PROXY) -> httpx.Response:
    """One turn, on a new connection (as a load balancer spreads them)."""
    body = {"payload": message} if message.startswith("/") else {"message": message}
    if session_id:
        body["session_id"] = session_id
    response = httpx.post(f"{base}/api/v1/chat", json=body, timeout=30, verify=CA)
    assert response.status_code == 200, response.text
    return response


def replica(response: httpx.Response) -> str:
    """Which API container answered through nginx (the test's X-Test-Upstream header)."""
    upstream = response.headers["x-test-upstream"]
    return next(name for name, url in API.items() if url.endswith(upstream.split(":")[-1]))


def services(reply: dict) -> list:
    return [s["id"] for s in reply["services"]]


def host_pids(service: str) -> list:
    """(host pid, command line) of every process of a container."""
    out = podman("top", container(service), "hpid", "args").stdout.splitlines()[1:]
    return [(int(line.split(None, 1)[0]), line.split(None, 1)[1]) for line in out if line.strip()]


def cpu_ticks(pid: int) -> int:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_readyz_and_tls_through_nginx():
    ready = httpx.get(f"{PROXY}/readyz", verify=CA, timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "model_loaded": True, "action_server": True}
    assert ready.headers["strict-transport-security"].startswith("max-age=63072000")
    plain = httpx.get(f"{PROXY_HTTP}/readyz", timeout=10)
    assert plain.status_code == 301 and plain.headers["location"].startswith("https://")
    # Each API container answers /readyz itself too (what a load balancer probes).
    for url in API.values():
        assert httpx.get(f"{url}/readyz", timeout=10).json()["status"] == "ready"


def test_a_chat_turn():
    reply = send("someone keeps sending me hate on snap").json()
    assert set(reply) == {"session_id", "topic", "urgent", "degraded", "messages", "services"}
    assert reply["topic"] == "bullying" and not reply["urgent"] and not reply["degraded"]
    assert reply["messages"][0]["text"] and reply["services"]


def test_an_urgent_turn_leads_with_999():
    reply = send(URGENT).json()
    assert reply["urgent"] is True and not reply["degraded"]
    assert "999" in reply["messages"][0]["text"], reply["messages"][0]


def test_one_conversation_on_both_replicas_through_nginx():
    """nginx spreads turns over api-1 and api-2 (round robin, nothing sticky); a turn that lands
    on the other replica continues the conversation from Redis: saying "I'm a parent" re-answers
    the topic of the first turn, for a parent."""
    first = send("someone keeps sending me hate on snap")
    session, landed = first.json()["session_id"], [replica(first)]
    for _ in range(6):
        turn = send("/audience_parent", session)
        landed.append(replica(turn))
        reply = turn.json()
        assert reply["session_id"] == session
        assert reply["topic"] == "bullying" and services(reply)[0] == "respectme" and not reply["degraded"]
        if landed[-1] != landed[0]:
            break
    print(f"turns of one conversation landed on: {landed}")
    assert set(landed) == {"api-1", "api-2"}, landed


def test_one_conversation_on_both_workers_of_each_replica():
    """Inside each API container, two uvicorn workers: the test pauses one (SIGSTOP from the
    host: a paused worker cannot accept) while the other takes a turn, then swaps, and checks
    from the workers' CPU time that the turn ran where intended. Turns alternate replicas too."""
    session, order = None, []
    for service in ("api-1", "api-2"):
        workers = [pid for pid, args in host_pids(service) if "spawn_main" in args]
        assert len(workers) == 2, host_pids(service)
        for serving in workers:
            paused = next(pid for pid in workers if pid != serving)
            os.kill(paused, signal.SIGSTOP)
            try:
                before = cpu_ticks(serving), cpu_ticks(paused)
                if session is None:
                    reply = send("someone keeps sending me hate on snap", base=API[service]).json()
                    session = reply["session_id"]
                else:
                    reply = send("/audience_parent", session, base=API[service]).json()
                    assert reply["topic"] == "bullying" and services(reply)[0] == "respectme"
                after = cpu_ticks(serving), cpu_ticks(paused)
            finally:
                os.kill(paused, signal.SIGCONT)
            assert reply["session_id"] == session and not reply["degraded"]
            assert after[0] > before[0], "the serving worker did no work"
            assert after[1] == before[1], "the paused worker ran"
            order.append(f"{service} pid {serving}")
    print("one conversation, turn by turn:", order)


def test_a_conversation_survives_a_redis_restart():
    first = send("someone keeps sending me hate on snap").json()
    session = first["session_id"]
    time.sleep(1.5)  # appendfsync everysec (a clean stop writes the file anyway)
    started = time.monotonic()
    podman("restart", "-t", "10", container("redis"))
    for _ in range(60):
        if podman("exec", container("redis"), "redis-cli", "-p", REDIS_PORT, "ping", check=False).stdout.strip() == "PONG":
            break
        time.sleep(0.5)
    print(f"redis restarted in {time.monotonic() - started:.1f} s")
    after = send("/audience_parent", session).json()
    assert after["session_id"] == session and not after["degraded"], after
    assert after["topic"] == "bullying" and services(after)[0] == "respectme", "the conversation was lost"
    assert send(URGENT, session).json()["messages"][0]["text"].count("999")


@pytest.mark.parametrize("service", SERVICES)
def test_runs_as_non_root_with_a_read_only_root_file_system(service):
    name = container(service)
    inspect = podman("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}} {{.Config.User}}", name).stdout.split()
    assert inspect[0] == "true", f"{name}: root file system is writable"
    # Every process of the container, as the host sees it: no uid 0 (real, effective, saved, fs).
    for pid, args in host_pids(service):
        uids = next(line.split()[1:] for line in open(f"/proc/{pid}/status") if line.startswith("Uid:"))
        assert "0" not in uids, f"{name}: {args} runs as root ({uids})"
    # Nothing can be written outside the tmpfs /tmp.
    target = {"proxy": "/etc/nginx/x", "redis": "/etc/x", "actions": "/app/x"}.get(service, "/app/x")
    probe = podman("exec", name, "sh", "-c", f"touch {target}", check=False)
    assert probe.returncode != 0 and "Read-only file system" in probe.stderr, probe
    assert podman("exec", name, "sh", "-c", "touch /tmp/x && rm /tmp/x", check=False).returncode == 0


def test_metrics_only_for_the_scraper():
    assert httpx.get(f"{PROXY}/metrics", verify=CA, timeout=10).status_code == 404
    direct = httpx.get(f"{API['api-1']}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
    assert direct.status_code == 200 and "signpost" in direct.text.lower()
    assert httpx.get(f"{API['api-1']}/metrics", timeout=10).status_code == 404
