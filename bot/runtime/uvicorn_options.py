"""The uvicorn settings every launcher uses: `make run` and Docker (api/serve.py), the tests and
the benchmark (bot/runtime/processes.py). The HTTP protocol class is named as a string, so this
module does not import the gateway."""

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
