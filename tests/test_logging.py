"""Logs are JSON lines with a request id, and never carry text (issue 12, item 9)."""
import json
import logging
import subprocess
import sys

from bot.runtime.logging_setup import JsonFormatter
from bot import ROOT

CANARY = "zebracanary42"

# Logs from every source a process has: our loggers, Rasa's structlog events (with user_text),
# a library's warning quoting its input, uvicorn's error log with a traceback, a third party.
EMIT = f"""
import logging, warnings
import structlog
from bot.runtime import logging_setup
logging_setup.configure()
token = logging_setup.REQUEST_ID.set("req123")
logging.getLogger("api.assistant").info("turn intent=%s topic=%s", "greet", None)
structlog.get_logger("rasa.shared.core").warning("message.parsing.failed", user_text="/{CANARY}")
warnings.warn("Failed to parse arguments in line '/{CANARY}'", UserWarning)
try:
    raise ValueError("bad input {CANARY}")
except ValueError:
    logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
logging.getLogger("api").error("unexpected %s on %s", "ValueError", "/api/v1/chat")
logging_setup.REQUEST_ID.reset(token)
logging.getLogger("some.library").warning("no request here")
"""


def run_emitter() -> list:
    result = subprocess.run([sys.executable, "-c", EMIT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert CANARY not in result.stdout + result.stderr
    lines = [l for l in (result.stdout + result.stderr).splitlines() if l.strip()]
    return [json.loads(l) for l in lines]  # every line is JSON, or this raises


def test_every_log_line_is_json_with_a_request_id_and_no_text():
    entries = run_emitter()
    events = {e["event"]: e for e in entries}
    assert events["turn intent=greet topic=None"]["request_id"] == "req123"
    assert events["turn intent=greet topic=None"]["level"] == "info"
    assert events["message.parsing.failed"]["logger"].startswith("rasa")
    assert any(e["logger"] == "py.warnings" and e["event"].startswith("UserWarning at ") for e in entries)
    crash = events["Exception in ASGI application"]
    assert crash["exc_type"] == "ValueError" and crash["exc_where"] and crash["request_id"] == "req123"
    assert events["no request here"]["request_id"] is None
    for entry in entries:
        assert {"time", "level", "logger", "event", "request_id"} <= set(entry)


def test_request_id_of_a_turn_is_the_one_sent_back(client, caplog):
    with caplog.at_level(logging.INFO, logger="api"):
        response = client.post("/api/v1/chat", json={"message": "someone hacked my snapchat"})
    request_id = response.headers["x-request-id"]
    turns = [r for r in caplog.records if r.name == "api.assistant" and r.getMessage().startswith("turn ")]
    assert turns and all(r.request_id == request_id for r in turns)
    line = json.loads(JsonFormatter().format(turns[0]))
    assert line["request_id"] == request_id and "hacked" not in json.dumps(line)


def test_the_app_logs_through_the_json_handler(client):
    # pytest's own handlers (caplog, live logging, log file) aside.
    handlers = [h for h in logging.getLogger().handlers if not type(h).__module__.startswith("_pytest")]
    assert handlers and all(isinstance(h.formatter, JsonFormatter) for h in handlers), \
        [(type(h).__name__, type(h.formatter).__name__, getattr(h, "stream", None)) for h in handlers]
