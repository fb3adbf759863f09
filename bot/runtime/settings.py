"""Settings from environment variables (prefix SIGNPOST_); each is documented in docs/operations.md."""
from typing import List, Optional

from pydantic import BaseSettings, validator

from bot import ROOT


class Settings(BaseSettings):
    # "development" allows a wildcard CORS origin; anything else refuses one.
    environment: str = "production"
    model_path: str = str(ROOT / "models" / "schoolbot.tar.gz")
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    # A turn that takes longer than this gets the degraded reply.
    turn_timeout_seconds: float = 10.0
    # The NLU parse of one message runs off the event loop and must finish within this (queue
    # wait included); over it, the turn answers degraded with the emergency route first. A
    # message costs at most ~0.1 s of CPU (issue 21), so only an overloaded worker gets here.
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
