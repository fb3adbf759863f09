"""Slow clients cannot hold connections; the reverse proxy config is shipped (issue 12, item 10)."""
import socket
import time
from pathlib import Path

import yaml

from api import http_protocol
from api.main import create_app
from bot.runtime.settings import Settings
from bot import ROOT
from tests.live import live_server


def trickle(port: int, data: bytes, every: float, limit: float) -> float:
    """Sends one byte every `every` seconds; returns when the server closed the connection."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as s:
        for byte in data:
            try:
                s.sendall(bytes([byte]))
                s.settimeout(every)
                if s.recv(1024) == b"":
                    break
            except socket.timeout:
                pass
            except OSError:  # reset by the server
                break
            if time.monotonic() - started > limit:
                break
    return time.monotonic() - started


def test_a_slowly_sent_request_is_cut_off(monkeypatch):
    monkeypatch.setattr(http_protocol, "REQUEST_READ_SECONDS", 1.0)
    app = create_app(Settings())
    with live_server(app) as (_, port):
        headers = b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n"
        # Headers trickled in one byte every 0.2 s would take 20 s; the server closes after ~1 s.
        assert trickle(port, headers, every=0.2, limit=8) < 4
        # A body trickled after quick headers is cut off too.
        with socket.create_connection(("127.0.0.1", port), timeout=8) as s:
            s.sendall(headers)
            started = time.monotonic()
            closed = False
            for _ in range(20):
                try:
                    s.sendall(b" ")
                    s.settimeout(0.3)
                    if s.recv(1024) == b"":
                        closed = True
                        break
                except socket.timeout:
                    continue
                except OSError:
                    closed = True
                    break
            assert closed and time.monotonic() - started < 4


def test_an_idle_keep_alive_connection_is_closed():
    app = create_app(Settings())
    with live_server(app) as (_, port):
        with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            received, answered = b"", None
            while True:
                chunk = s.recv(4096)
                if not chunk:  # closed by the server, not by us
                    break
                received += chunk
                if answered is None and b'{"status":"ok"}' in received:
                    answered = time.monotonic()
            assert b"200 OK" in received and answered is not None
            assert time.monotonic() - answered < 10


def test_a_normal_request_still_works():
    import httpx

    app = create_app(Settings())
    with live_server(app) as (base, _):
        assert httpx.post(f"{base}/api/v1/chat", json={"message": "hi"}).status_code == 200


def test_the_reverse_proxy_config_is_shipped_and_used():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    for directive in ("ssl_certificate ", "Strict-Transport-Security", "client_header_timeout",
                      "client_body_timeout", "send_timeout", "client_max_body_size 16k",
                      "proxy_read_timeout", "proxy_set_header X-Forwarded-For $remote_addr",
                      "access_log off"):
        assert directive in nginx, directive
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    proxy = compose["services"]["proxy"]
    assert any("deploy/nginx.conf" in volume for volume in proxy["volumes"])
    api = compose["x-api"]["environment"]
    assert api["SIGNPOST_TRUSTED_PROXIES"]
    # The replicas are reached through the proxy only.
    assert all("ports" not in compose["services"][name] for name in ("api-1", "api-2", "actions", "redis"))
    assert (ROOT / "deploy" / "README.md").exists()
