"""`make run`: starts the action server, waits for it, then serves the API with uvicorn.

`python -m api.serve --no-action-server --workers 2` serves the API alone (Docker, replicas).
"""
import argparse
import os
import signal
import sys

import uvicorn

from api import processes

# How long an idle keep-alive connection stays open (uvicorn closes it after this).
KEEP_ALIVE_SECONDS = 5
# With several workers, uvicorn's supervisor restarts a worker that does not answer its health
# check in time (default 5 s). A worker loading the model on a busy machine takes longer, and
# was killed and started again (a 40-110 s cold start instead of ~15 s).
WORKER_HEALTHCHECK_SECONDS = 60


def uvicorn_options() -> dict:
    """The server settings every launcher uses (make run, Docker, the scale-out tests, bench)."""
    return dict(
        # ws="none": uvicorn's websocket support does not import with Rasa's pinned websockets.
        ws="none",
        # access_log=False: uvicorn's access log would record client IP addresses.
        access_log=False,
        # No "server: uvicorn" banner: it tells a scanner what to try (issue 21).
        server_header=False,
        # Client addresses come from X-Forwarded-For only when the app's own middleware trusts
        # the peer (SIGNPOST_TRUSTED_PROXIES); uvicorn's would trust any local peer.
        proxy_headers=False,
        # Slow clients: idle keep-alive connections close after 5 s, and a request must arrive
        # whole within SIGNPOST_REQUEST_READ_TIMEOUT_SECONDS (api/http_protocol.py).
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        http="api.http_protocol:TimedH11Protocol",
        h11_max_incomplete_event_size=16 * 1024,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )


def uvicorn_cli_options() -> list:
    """The same settings as `uvicorn` command-line options."""
    return ["--ws", "none", "--no-access-log", "--no-proxy-headers", "--no-server-header",
            "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS), "--http", "api.http_protocol:TimedH11Protocol",
            "--h11-max-incomplete-event-size", str(16 * 1024),
            "--timeout-worker-healthcheck", str(WORKER_HEALTHCHECK_SECONDS)]


def start_action_server(port: int) -> processes.Process:
    """`python -m actions` on loopback (actions/__main__.py), its output on this terminal."""
    server = processes.start_action_server(port)
    try:
        return server.wait_ready("/health", timeout=120)
    except RuntimeError as exc:
        sys.exit(f"the action server did not start: {exc}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--action-port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--no-action-server", action="store_true",
                        help="serve the API only (the action server runs elsewhere: SIGNPOST_ACTION_SERVER_URL)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    args = parser.parse_args()
    # TensorFlow's C++ start-up notes would be the only lines on stderr that are not JSON.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # uvicorn re-raises the SIGTERM it handled once it has shut down; as SystemExit, the
    # `finally` below still stops the action server.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    actions = None
    if not args.no_action_server:
        actions = start_action_server(args.action_port)
        os.environ["SIGNPOST_ACTION_SERVER_URL"] = f"http://127.0.0.1:{args.action_port}/webhook"
        print(f"\n  Demo page: http://{args.host}:{args.port}/\n", flush=True)
    try:
        uvicorn.run("api.main:create_app", factory=True, host=args.host, port=args.port,
                    workers=args.workers, **uvicorn_options())
    finally:
        if actions:
            actions.stop(timeout=10)


if __name__ == "__main__":
    main()
