"""Topic ids and the intent -> topic map, read from bot/topics.yml (their one source)."""
from functools import lru_cache
from typing import Dict, List, Optional

import yaml

from bot import BOT_DIR

AUDIENCES = ("young_person", "parent", "professional")
DEFAULT_AUDIENCE = "young_person"


@lru_cache(maxsize=1)
def _load() -> dict:
    with open(BOT_DIR / "topics.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def topics() -> Dict[str, dict]:
    return _load()["topics"]


def topic_ids() -> List[str]:
    return list(topics())


def intent_topics() -> Dict[str, Optional[str]]:
    return _load()["intents"]


def topic_for(intent: Optional[str]) -> Optional[str]:
    return intent_topics().get(intent or "")


def topic_intents() -> List[str]:
    """Intents that name a topic, in taxonomy order."""
    return [i for i, t in intent_topics().items() if t is not None]


def primary_intent(topic: str) -> str:
    """The intent a topic button sends (the one named like the topic)."""
    return topic if topic in intent_topics() else next(
        i for i, t in intent_topics().items() if t == topic
    )


def is_urgent_intent(intent: Optional[str]) -> bool:
    return intent in _load()["urgent_intents"]


def topic_label(topic: str) -> str:
    return topics()[topic]["label"]


def is_reportable(topic: Optional[str]) -> bool:
    """Whether "use the report button in <app>" is sound advice for this topic."""
    return bool(topic) and bool(topics().get(topic, {}).get("reportable"))
