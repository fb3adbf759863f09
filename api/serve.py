"""`make run`: starts the action server, waits for it, then serves the API with uvicorn.

`python -m api.serve --no-action-server --workers 2` serves the API alone (Docker, replicas).
"""
import argparse
import os
import signal
import sys

import uvicorn

from bot.runtime import processes
from bot.runtime.uvicorn_options import uvicorn_options


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
