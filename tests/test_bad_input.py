"""Bad input gets a clear 4xx JSON error naming the problem, never a 500."""
import pytest


def error_of(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()["error"]


@pytest.mark.parametrize("body,field", [
    ({"message": ""}, "message"),
    ({"message": "   \n\t "}, "message"),
    ({"message": "\x00\x07"}, "message"),
    ({"message": "a" * 1001}, "message"),
    ({"message": 42}, "message"),
    ({"message": ["hi"]}, "message"),
    ({}, "message"),
    ({"message": "hi", "audience": "alien"}, "audience"),
    ({"message": "hi", "session_id": "../../etc"}, "session_id"),
    ({"message": "hi", "session_id": 12345678}, "session_id"),
    ({"message": "hi", "name": "Sam"}, "name"),
])
def test_invalid_fields_are_named(client, body, field):
    error = error_of(client.post("/api/v1/chat", json=body), 422)
    assert error["code"] == "invalid_request"
    assert field in error["message"]
    assert any(d["field"] == field for d in error["details"])


def test_body_that_is_not_json(client):
    response = client.post("/api/v1/chat", content=b"message=hello", headers={"content-type": "application/json"})
    assert error_of(response, 400)["code"] == "invalid_json"


def test_json_array_body(client):
    error = error_of(client.post("/api/v1/chat", json=["hi"]), 422)
    assert error["code"] == "invalid_request"


def test_20_kilobyte_body_is_refused(client):
    response = client.post("/api/v1/chat", json={"message": "x" * 20_000})
    assert error_of(response, 413)["code"] == "payload_too_large"


def test_chunked_body_over_the_cap_is_refused(client):
    """Transfer-Encoding: chunked declares no length; the cap counts the bytes received."""
    def chunks():
        yield b'{"message": "'
        for _ in range(8 * 1024):  # 8 MB
            yield b"x" * 1024
        yield b'"}'

    response = client.post("/api/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    assert error_of(response, 413)["code"] == "payload_too_large"


def test_chunked_body_under_the_cap_is_read(client):
    def chunks():
        yield b'{"message": '
        yield b'"hello"}'

    response = client.post("/api/v1/chat", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text


def test_unknown_route_and_method(client):
    assert error_of(client.get("/api/v1/nope"), 404)["code"] == "not_found"
    assert error_of(client.get("/api/v1/chat"), 405)["code"] == "method_not_allowed"


def test_control_characters_are_stripped_not_fatal(chat):
    reply = chat("hello\x00\x1b there")
    assert reply["messages"]
