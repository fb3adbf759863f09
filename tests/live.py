"""A real uvicorn server in a thread, with the options every launcher uses (api.serve).

For what only a real server shows (client addresses, slow connections). The app runs without
its lifespan: the caller puts a stand-in assistant on app.state, so no model is loaded.
"""
import contextlib
import threading
import time

import uvicorn

from bot.runtime.uvicorn_options import uvicorn_options
from bot.domain import replies
from bot.runtime.processes import free_port


class CannedAssistant:
    """Answers every turn at once (what is tested is the gateway, not the bot)."""

    async def respond(self, session_id, text, audience, payload=None):
        return replies.degraded(audience, False).payload(), False

    def is_ready(self) -> bool:
        return True


@contextlib.contextmanager
def live_server(app, **overrides):
    port = free_port()
    app.state.assistant = CannedAssistant()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning",
                            **{**uvicorn_options(), **overrides})
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
