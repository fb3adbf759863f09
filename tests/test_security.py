"""Headers, CORS allow-list and the browser-origin check."""
import pytest
from pydantic import ValidationError

from bot.runtime.settings import Settings

SCHOOL = "https://school.example.org"


def test_security_headers_on_pages_and_api(client):
    for response in (client.get("/"), client.post("/api/v1/chat", json={"message": "hi"})):
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert f"frame-ancestors 'self' {SCHOOL}" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "set-cookie" not in response.headers
    assert client.post("/api/v1/chat", json={"message": "hi"}).headers["cache-control"] == "no-store"
    assert client.get("/api/v1/services").headers["cache-control"] == "no-store"


def test_listed_school_origin_gets_cors(client):
    preflight = client.options("/api/v1/chat", headers={
        "Origin": SCHOOL, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SCHOOL
    assert "access-control-allow-credentials" not in preflight.headers
    reply = client.post("/api/v1/chat", json={"message": "hi"}, headers={"Origin": SCHOOL})
    assert reply.status_code == 200 and reply.headers["access-control-allow-origin"] == SCHOOL


def test_unlisted_origin_is_refused_by_the_server_too(client):
    reply = client.post("/api/v1/chat", json={"message": "hi"}, headers={"Origin": "https://evil.example.com"})
    assert reply.status_code == 403
    assert reply.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in reply.headers


def test_same_origin_page_may_post(client):
    reply = client.post("/api/v1/chat", json={"message": "hi"}, headers={"Origin": "http://testserver"})
    assert reply.status_code == 200


def test_wildcard_origin_only_in_development():
    with pytest.raises(ValidationError):
        Settings(cors_origins="*")
    assert Settings(cors_origins="*", environment="development").cors_origins == ["*"]
    assert Settings(cors_origins="https://a.sch.uk, https://b.sch.uk/").cors_origins == ["https://a.sch.uk", "https://b.sch.uk"]


def test_refused_preflight_has_security_headers(client):
    refused = client.options("/api/v1/chat", headers={
        "Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    for response in (refused, client.options("/api/v1/chat", headers={
            "Origin": SCHOOL, "Access-Control-Request-Method": "POST"})):
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_docs_only_in_development(client):
    for path in ("/docs", "/redoc", "/openapi.json"):
        response = client.get(path)
        assert response.status_code == 404 and response.headers["content-type"].startswith("application/json")
    from fastapi.testclient import TestClient

    from api.main import create_app

    dev = TestClient(create_app(Settings(environment="development")))
    assert dev.get("/openapi.json").status_code == 200 and dev.get("/docs").status_code == 200
