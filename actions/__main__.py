"""The action server: `python -m actions [--host 127.0.0.1] [--port 5055]`.

rasa_sdk's own launcher listens on 0.0.0.0 with an open `/webhook` and CORS for any origin.
This one listens on loopback unless told otherwise, has no CORS, no access log, and, when a
token is set (SIGNPOST_ACTION_TOKEN), refuses every request but `/health` without
`Authorization: Bearer <token>`. Listening on anything but loopback *requires* the token: the
API sends it (same variable), nothing else may call the actions.
"""
import argparse
import hmac
import ipaddress
import logging
import os
import sys
from typing import Optional

HEALTH = "/health"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(token: Optional[str]):
    from rasa_sdk.endpoint import create_app as sdk_app
    from sanic import response

    from sanic.exceptions import SanicException

    app = sdk_app("actions", cors_origins=None)
    app.config.FALLBACK_ERROR_FORMAT = "json"  # Sanic's own error pages are HTML
    expected = f"Bearer {token}".encode() if token else None

    @app.exception(SanicException)
    async def http_error(request, exc):
        # rasa_sdk answers every exception with 500 and an error log; a wrong method (POST
        # /health), an unknown path or a body that is not JSON is the client's error: its own
        # status, as JSON, without a log record (issue 21).
        status = getattr(exc, "status_code", 500) or 500
        return response.json({"error": type(exc).__name__, "status": status}, status=status)

    @app.middleware("request")
    async def require_token(request):
        if expected is None or request.path == HEALTH:
            return None
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    return app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.environ.get("SIGNPOST_ACTION_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    args = parser.parse_args(argv)
    token = os.environ.get("SIGNPOST_ACTION_TOKEN") or None
    if not is_loopback(args.host) and not token:
        sys.exit(f"refusing to listen on {args.host} without SIGNPOST_ACTION_TOKEN: "
                 "an unauthenticated /webhook must stay on loopback")
    # The API's JSON log lines (bot/runtime/logging_setup.py), before rasa_sdk and Sanic are imported.
    from bot.runtime import logging_setup

    logging_setup.configure()
    app = create_app(token)
    logging.getLogger("api.actions").warning(
        "action server on http://%s:%s (token %s)", args.host, args.port, "required" if token else "off, loopback only")
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
