"""Settings from environment variables (prefix SIGNPOST_); each is documented in README.md."""
from typing import List

from pydantic import BaseSettings, validator

from bot import ROOT


class Settings(BaseSettings):
    model_path: str = str(ROOT / "models" / "schoolbot.tar.gz")
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    # A turn that takes longer than this gets the degraded reply.
    turn_timeout_seconds: float = 10.0
    max_body_bytes: int = 8192
    max_message_chars: int = 1000
    # Origins (school websites) allowed to call the API from a browser.
    cors_origins: List[str] = []

    @validator("cors_origins", pre=True)
    def split_origins(cls, value):
        if isinstance(value, str) and not value.startswith("["):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    class Config:
        env_prefix = "SIGNPOST_"
