"""The FastAPI app, assembled in one place: create_app() with a lifespan that loads the Agent."""
import asyncio
import contextlib
import gc
import hmac
import ipaddress
import logging
from contextlib import asynccontextmanager
from typing import Optional
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import errors, metrics
from bot.runtime import logging_setup

# JSON logs from here on, before Rasa and TensorFlow are imported: their import-time warnings
# are log lines like any other (create_app configures again, idempotently).
logging_setup.configure()


def _serve_without_tensorflow() -> None:
    """Before Rasa is imported: TensorFlow placeholders when the model needs no TensorFlow
    (bot/engine/no_tensorflow.py; ~500 MB and seconds of start-up less per worker)."""
    from bot.engine import no_tensorflow

    try:
        settings = Settings()
        model_path, tensorflow = settings.model_path, settings.tensorflow
    except Exception:  # noqa: BLE001 - create_app reports bad settings; the defaults here
        model_path, tensorflow = Settings.__fields__["model_path"].default, False
    no_tensorflow.install(model_path, tensorflow)


from bot.engine import lean_channels  # noqa: E402
from bot.runtime.settings import Settings  # noqa: E402

_serve_without_tensorflow()
# Rasa's input channels only if something asks for one (bot/engine/lean_channels.py; ~19 MB less).
lean_channels.install()

from api.assistant import Assistant
from api.ratelimit import RateLimits
from api.routes import chat, health, insights, pages, services
from api.security import BodyLimitMiddleware, GatewayMiddleware
from api.sessions import SessionIds
from bot.engine.ending import Ending
from bot.engine.stores import Stores, build_stores
from bot.insights import record
from bot.insights.periods import Clock
from bot.insights.recorder import Insights
from bot.runtime.memory import release_freed_memory
from bot.nlu.safety_net import shared_safety_net

log = logging.getLogger("api")


async def sweep_expired(stores: Stores, every_seconds: float) -> None:
    """Forgets idle conversations even when no one is chatting (Redis expires its own; a worker
    drops its copies of those), and gives the memory freed back to the system. A failed sweep
    (Redis unreachable) is retried next time."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            if stores.sweep():
                release_freed_memory()
        except Exception as exc:  # noqa: BLE001 - the sweeper must outlive a lost Redis
            log.warning("sweep failed: %s", type(exc).__name__)


def action_server_on_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_app(settings: Optional[Settings] = None, insights_clock: Optional[Clock] = None) -> FastAPI:
    """The app. `insights_clock` is for simulations only (tooling/insights_sim.py): the clock that
    dates the insights counts, instead of the real time."""
    settings = settings or Settings()
    logging_setup.configure()
    if settings.redis_url and not settings.session_secret:
        # Each process would sign with its own random key and refuse the others' session ids.
        raise ValueError("SIGNPOST_REDIS_URL is set: set SIGNPOST_SESSION_SECRET to one random value for every replica")
    if not action_server_on_loopback(settings.action_server_url) and not settings.action_token:
        # The action server then listens beyond loopback and needs the shared token (actions/__main__.py).
        raise ValueError("SIGNPOST_ACTION_SERVER_URL is not on loopback: set SIGNPOST_ACTION_TOKEN "
                         "(the same value for the API and the action server)")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # One Agent per worker process, loaded on the loop that serves requests.
        # Conversations live in memory, or in Redis when SIGNPOST_REDIS_URL is set (bot/engine/stores.py).
        # When one ends, the insights recorder counts it (bot/insights/; the engine only calls the hook).
        ending = Ending(record.summarise, app.state.insights.ended) if app.state.insights else None
        stores = build_stores(settings, ending)
        app.state.stores = stores
        app.state.assistant = Assistant.load(settings, shared_safety_net(), stores.tracker_store, stores.lock_store)
        # /readyz says ready only once a turn can be answered at its usual cost.
        await app.state.assistant.warm_up()
        # The loaded model is ~550k Python objects that live as long as the process; a full
        # garbage collection walked them all (~300 ms, measured), stalling every request in
        # flight from time to time. Frozen, the collector only looks at what turns create.
        gc.collect()
        gc.freeze()
        release_freed_memory()
        sweeper = None
        if stores.sweep_every_seconds:
            sweeper = asyncio.create_task(sweep_expired(stores, stores.sweep_every_seconds))
        log.info("model loaded from %s", settings.model_path)
        yield
        await app.state.assistant.aclose()
        if sweeper:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper

    # The interactive docs pull a CDN script the CSP blocks, and describe the API to anyone:
    # development only. The schema itself stays available to code (app.openapi()).
    development = settings.environment == "development"
    app = FastAPI(
        title="Online safety signposting assistant", version="1.0.0", lifespan=lifespan,
        docs_url="/docs" if development else None, redoc_url=None,
        openapi_url="/openapi.json" if development else None,
    )
    app.state.settings = settings
    # Counts for schools' safeguarding leads: made here, not in the lifespan, so the
    # /insights page needs no model.
    app.state.insights = Insights.from_settings(settings, insights_clock) if settings.insights_enabled else None
    app.state.rate_limits = RateLimits(settings)
    app.state.session_ids = SessionIds(settings.session_secret)
    errors.install(app)
    # Middleware, innermost first. The body cap innermost: it raises from the route's own
    # receive (Starlette's BaseHTTPMiddleware would wrap the exception in an ExceptionGroup).
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # CORS inside the gateway, so that preflight answers (allowed or refused) get the security
    # headers too.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type"],
        allow_credentials=False,
        max_age=600,
    )
    app.add_middleware(GatewayMiddleware, settings=settings)
    if settings.trusted_proxies:
        # Outermost: the client address comes from X-Forwarded-For only when the peer is a
        # proxy named in SIGNPOST_TRUSTED_PROXIES (uvicorn's own handling is off: api/serve.py).
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.include_router(chat.router)
    app.include_router(services.router)
    app.include_router(health.router)
    app.include_router(pages.router)
    if settings.insights_enabled:
        app.include_router(insights.router)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics(request: Request):
        # Only for a scraper holding SIGNPOST_METRICS_TOKEN; to anyone else there is nothing here.
        given = request.headers.get("authorization", "").encode()
        expected = f"Bearer {settings.metrics_token}".encode()
        if not settings.metrics_token or not hmac.compare_digest(given, expected):
            raise StarletteHTTPException(404, "Not Found")
        return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE_LATEST)

    return app
