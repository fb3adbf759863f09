"""Issue 21, item 6: a malformed Host header, the action server's errors and logs, a deleted
session id just after it was issued, and the server banner."""
import json
import logging
import socket

import httpx
import pytest

from bot.runtime.logging_setup import JsonFormatter
from bot.runtime.processes import start_action_server
from bot.runtime.uvicorn_options import uvicorn_cli_options, uvicorn_options
from tests.live import live_server

ODD = "action_x\u2028injected\u0085more\u2029end"


def raw_get(port: int, host: bytes, path: bytes = b"/healthz") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def parse(raw: bytes):
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


@pytest.fixture(scope="module")
def live():
    from api.main import create_app
    from bot.runtime.settings import Settings

    with live_server(create_app(Settings(model_path="/nonexistent"))) as (base, port):
        yield port


@pytest.mark.parametrize("host", [b"[::1", b"[", b"a b", b"exa mple.org:80", b"\xff\xfe", b"x:y:z", b"host:99999999"])
def test_a_malformed_host_gets_a_400_with_headers_and_one_log_record(live, host, caplog):
    with caplog.at_level(logging.INFO):
        status, headers, body = parse(raw_get(live, host))
    assert status == 400, body
    assert json.loads(body)["error"]["code"] == "bad_host"
    assert headers["x-content-type-options"] == "nosniff" and "content-security-policy" in headers
    assert headers["cache-control"] == "no-store"
    request_id = headers["x-request-id"]
    records = [r for r in caplog.records if getattr(r, "request_id", None) == request_id]
    assert len(records) == 1 and records[0].levelno == logging.WARNING
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_good_hosts_are_served_without_a_server_banner(live):
    for host in (b"127.0.0.1", b"localhost:8000", b"[::1]:8000", b"school.example.org", b"testserver"):
        status, headers, _ = parse(raw_get(live, host))
        assert status == 200, host
        assert "server" not in headers
    assert uvicorn_options()["server_header"] is False and "--no-server-header" in uvicorn_cli_options()


def test_a_log_record_is_one_line_whatever_it_holds():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "ran %s", (ODD,), None)
    line = JsonFormatter().format(record)
    assert len(line.splitlines()) == 1
    assert json.loads(line)["event"] == f"ran {ODD}"


@pytest.fixture(scope="module")
def actions(tmp_path_factory):
    server = start_action_server(log_dir=tmp_path_factory.mktemp("actions-round3"))
    try:
        server.wait_ready("/health", timeout=90)
        yield server
    finally:
        server.stop()


def test_the_action_server_answers_client_errors_as_json_with_their_status(actions):
    base = actions.url
    cases = [
        (httpx.post(f"{base}/health"), 405),
        (httpx.get(f"{base}/no-such-page"), 404),
        (httpx.post(f"{base}/webhook", content=b"{not json", headers={"content-type": "application/json"}), 400),
        (httpx.post(f"{base}/webhook", content=b"{not json", headers={"content-type": "text/plain"}), 400),
        (httpx.post(f"{base}/webhook", content=b"<html>", headers={"content-type": "text/html"}), 400),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/json")
        response.json()
    assert httpx.get(f"{base}/health").status_code == 200


def test_the_action_server_logs_an_odd_action_name_on_one_line(actions):
    before = actions.log_path.read_text(errors="replace")
    body = {"next_action": ODD, "tracker": {"sender_id": "x", "events": [], "slots": {}, "latest_message": {}},
            "domain": {}}
    assert httpx.post(f"{actions.url}/webhook", json=body).status_code == 404
    after = actions.log_path.read_text(errors="replace")[len(before):]
    lines = [line for line in after.splitlines() if line.strip()]
    assert lines and all(json.loads(line) for line in lines)  # each line a whole record
    assert any("injected" in json.loads(line)["event"] for line in lines)


def test_a_deleted_session_id_is_never_accepted_again_even_just_after_issue(client, chat):
    sid = chat("someone keeps sending me hate on snap")["session_id"]
    assert client.app.state.session_ids.new_enough(sid)  # within the minute an id is trusted
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 204
    again = chat("hello", session_id=sid)
    assert again["session_id"] != sid
    pressed = client.post("/api/v1/chat", json={"payload": "/bullying", "session_id": sid})
    assert pressed.status_code == 200 and pressed.json()["session_id"] != sid
