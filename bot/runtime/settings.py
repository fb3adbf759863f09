"""Settings from environment variables (prefix SIGNPOST_); each is documented in docs/operations.md.
Every process reads its settings here: the API, `make run` and Docker (api/serve.py), the action
server (actions/__main__.py) and the HTTP protocol (api/http_protocol.py)."""
from pathlib import Path
from typing import List, Optional

from pydantic import BaseSettings, Field, validator

from bot import ROOT

# Where `make` writes the trained model (the Makefile's MODEL; a test checks they agree): the
# default of `model_path`, and of the tools' --model (evaluation, benchmark).
MODEL_PATH: Path = ROOT / "models" / "schoolbot.tar.gz"


class Settings(BaseSettings):
    # "development" allows a wildcard CORS origin; anything else refuses one.
    environment: str = "production"
    model_path: str = str(MODEL_PATH)
    # Import TensorFlow in the API even when no component of the model needs it (by default it
    # is not: bot/engine/no_tensorflow.py).
    tensorflow: bool = False
    # Where the API listens (api/serve.py: `make run`, Docker); also HOST and PORT, as `make run`
    # has always read them. WEB_CONCURRENCY (uvicorn's own name) sets the workers as well.
    host: str = Field("127.0.0.1", env=["SIGNPOST_HOST", "HOST"])
    port: int = Field(8000, env=["SIGNPOST_PORT", "PORT"])
    workers: int = Field(1, env=["SIGNPOST_WORKERS", "WEB_CONCURRENCY"])
    # Where the action server listens (python -m actions); ACTION_PORT as well.
    action_host: str = "127.0.0.1"
    action_port: int = Field(5055, env=["SIGNPOST_ACTION_PORT", "ACTION_PORT"])
    # Where the API finds the action server; unset, this machine's action_port.
    action_server_url: str = ""
    # A request's headers and body must arrive within this, or the connection is closed.
    request_read_timeout_seconds: float = 10.0
    # A turn that takes longer than this gets the degraded reply.
    turn_timeout_seconds: float = 10.0
    # The NLU parse of one message runs off the event loop and must finish within this (queue
    # wait included); over it, the turn answers degraded with the emergency route first. A
    # message costs at most ~0.1 s of CPU, so only an overloaded worker gets here.
    parse_budget_seconds: float = 2.0
    max_body_bytes: int = 8192
    # Conversations are forgotten after this much inactivity.
    session_expiry_minutes: float = 30.0
    # Requests per minute; 0 disables a limit (benchmarks). Schools share one public IP,
    # so the per-client limit is deliberately loose.
    rate_limit_per_session: int = 20
    rate_limit_per_client: int = 120
    # Origins (school websites) allowed to call the API from a browser.
    cors_origins: List[str] = []
    # Redis for shared rate limits (and, later, trackers); None keeps everything in memory.
    redis_url: Optional[str] = None
    # Key that signs session ids (api/sessions.py). None: a random key per process, fine for the
    # embedded default (one process). Replicas or workers sharing Redis must share one value.
    session_secret: Optional[str] = None
    # Shared token between the API and the action server (actions/__main__.py); required when
    # the action server is not on loopback.
    action_token: Optional[str] = None
    # Proxies (addresses or networks) whose X-Forwarded-For is believed; none by default.
    trusted_proxies: List[str] = []
    # Bearer token for GET /metrics; unset, /metrics is not served.
    metrics_token: Optional[str] = None
    # Key for the per-client rate-limit key (a keyed hash of the address, never stored). None: a
    # random key per process; replicas sharing Redis must share one value to share the counts.
    client_key_secret: Optional[str] = None
    # Insights for schools (docs/insights.md): counts kept when a conversation ends.
    # Off: nothing is counted and /insights is not served.
    insights_enabled: bool = True
    # The counts in the embedded default (with SIGNPOST_REDIS_URL they are in that Redis).
    insights_db: str = str(ROOT / "var" / "insights.sqlite3")
    # The schools: id, name, website origin and hashed access token (deploy/schools.example.yml).
    schools_file: str = str(ROOT / "deploy" / "schools.yml")

    @validator("action_server_url", always=True)
    def local_action_server(cls, value, values):
        return value or f"http://127.0.0.1:{values.get('action_port', 5055)}/webhook"

    @validator("cors_origins", pre=True)
    def split_origins(cls, value):
        if isinstance(value, str) and not value.strip().startswith("["):
            return [v.strip().rstrip("/") for v in value.split(",") if v.strip()]
        return value

    @validator("trusted_proxies", pre=True)
    def split_proxies(cls, value):
        if isinstance(value, str) and not value.strip().startswith("["):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @validator("cors_origins")
    def no_wildcard_in_production(cls, value, values):
        if "*" in value and values.get("environment") != "development":
            raise ValueError("a wildcard CORS origin is only allowed with SIGNPOST_ENVIRONMENT=development")
        return value

    class Config:
        env_prefix = "SIGNPOST_"

        @classmethod
        def parse_env_var(cls, field_name: str, raw_val: str):
            # pydantic reads list variables as JSON; the origins may also be comma-separated.
            if field_name in ("cors_origins", "trusted_proxies") and not raw_val.strip().startswith("["):
                return raw_val
            return cls.json_loads(raw_val)
