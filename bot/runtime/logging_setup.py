"""Logs: one JSON object per line, each with the request id, never the text of a message.

- Every record gets `request_id` when it is made (from a context variable the gateway sets for
  each request; the same id is sent back as `X-Request-ID`).
- One handler, on the root logger, writes JSON to stderr: time, level, logger, event,
  request_id, and for an error the exception's type and where it happened (file, line,
  function), never the exception's message or local values, which could hold user text.
- Rasa's structlog events keep only their event name (`message.parsing.failed`), never their
  fields (`user_text`, `parse_data_text` ...). Python warnings are logged as their category and
  location only (a library warning may quote its input).
- uvicorn's loggers go through the same handler; its access log stays off (it would record
  client addresses).
Rasa's debug logs include message text, so Rasa logs at WARNING.
"""
import contextvars
import json
import logging
import re
import sys
import time
import traceback
from typing import Optional

import structlog

REQUEST_ID: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("request_id", default=None)
_WARNING_LOCATION = re.compile(r"^(?P<where>.*?:\d+): (?P<category>\w+):", re.S)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # Rasa colours its warnings
_configured = False
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            entry["exc_type"] = kind.__name__
            entry["exc_where"] = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)][-5:]
        # JSON leaves these raw with ensure_ascii=False, and line readers split on them: one
        # record must stay one line whatever a message or an action name holds (issue 21).
        return json.dumps(entry, ensure_ascii=False, default=str).translate(_LINE_BREAKS)


class WarningWithoutText(logging.Filter):
    """`py.warnings` records carry the whole warning text; keep its category and location."""

    def filter(self, record: logging.LogRecord) -> bool:
        match = _WARNING_LOCATION.match(_ANSI.sub("", record.getMessage()))
        record.msg = f"{match['category']} at {match['where']}" if match else "warning"
        record.args = ()
        return True


def _event_name_only(_, __, event_dict):
    """The last structlog processor: the stdlib record gets the event's name, nothing else."""
    return str(event_dict.get("event", "event"))


def _install_record_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_adds_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    factory._adds_request_id = True
    logging.setLogRecordFactory(factory)


def configure(level: int = logging.INFO) -> None:
    global _configured
    _install_record_factory()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._signpost = True
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_signpost", False) or not _configured]:
        if type(old).__name__ != "LogCaptureHandler":  # keep pytest's
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("api").setLevel(level)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "sanic.root", "sanic.error"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    logging.captureWarnings(True)
    warnings_logger = logging.getLogger("py.warnings")
    if not any(isinstance(f, WarningWithoutText) for f in warnings_logger.filters):
        warnings_logger.addFilter(WarningWithoutText())
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            _event_name_only,
        ],
        context_class=dict,
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        cache_logger_on_first_use=False,
    )
    _configured = True
