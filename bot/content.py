"""Reply texts, read from bot/content/ (their one source).

- conversation.yml: greetings, privacy answer and the fixed lines around signposting
- emergency.yml: the emergency route, first in every urgent reply
- all_services.yml: "show me all services" and the degraded-mode lists
- <intent>.yml: per topic intent and audience: intro, steps, ordered service ids
"""
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional

import yaml

from bot import BOT_DIR, directory
from bot.taxonomy import AUDIENCES, DEFAULT_AUDIENCE

CONTENT_DIR = BOT_DIR / "content"


@dataclass(frozen=True)
class Guidance:
    intro: str
    steps: List[str]
    services: List[str]
    what_next: Optional[str] = None
    report: Optional[str] = None


@lru_cache(maxsize=None)
def _file(name: str) -> dict:
    with open(CONTENT_DIR / f"{name}.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def audience_or_default(audience) -> str:
    return audience if audience in AUDIENCES else DEFAULT_AUDIENCE


def guidance(intent: str, audience: str) -> Guidance:
    block = _file(intent)[audience_or_default(audience)]
    return Guidance(
        block["intro"], list(block["steps"]), list(block["services"]),
        block.get("what_next"), block.get("report"),
    )


def conversation(key: str) -> str:
    return _file("conversation")[key]


def audience_ack(audience: str) -> str:
    return _file("conversation")["audience_ack"][audience_or_default(audience)]


def button_title(key: str) -> str:
    return _file("conversation")["buttons"][key]


def emergency(audience: str, age: Optional[int] = None) -> str:
    key = audience_or_default(audience)
    if key == "young_person" and not directory.get("childline").suits_age(age):
        key = "adult"
    return _file("emergency")[key].format(
        childline_phone=directory.get("childline").phone,
        samaritans_phone=directory.get("samaritans").phone,
    )


def all_services(audience: str) -> List[str]:
    return list(_file("all_services")[audience_or_default(audience)])


def crisis_services(audience: str) -> List[str]:
    return list(_file("all_services")["crisis"][audience_or_default(audience)])


def guidance_intents() -> List[str]:
    """Intents that have a guidance file."""
    fixed = {"conversation", "emergency", "all_services", "danger"}
    return sorted(p.stem for p in CONTENT_DIR.glob("*.yml") if p.stem not in fixed)
