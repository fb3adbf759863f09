"""The FastAPI app, assembled in one place: create_app() with a lifespan that loads the Agent."""
import logging
from contextlib import asynccontextmanager
from typing import Optional

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware

from api import errors, logging_setup
from api.assistant import Assistant
from api.routes import chat, health, pages, services
from api.settings import Settings
from bot.safety_net import shared_safety_net

log = logging.getLogger("api")


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    settings = settings or Settings()
    logging_setup.configure()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # One Agent per worker process, loaded on the loop that serves requests.
        app.state.assistant = Assistant.load(settings, shared_safety_net())
        log.info("model loaded from %s", settings.model_path)
        yield

    app = FastAPI(title="Online safety signposting assistant", version="1.0.0", lifespan=lifespan)
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Content-Type"],
        allow_credentials=False,
    )

    @app.middleware("http")
    async def limit_body_and_add_headers(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_body_bytes:
            return errors.error_response(
                413, "payload_too_large", f"Request body is larger than {settings.max_body_bytes} bytes."
            )
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    app.include_router(chat.router)
    app.include_router(services.router)
    app.include_router(health.router)
    app.include_router(pages.router)

    return app
