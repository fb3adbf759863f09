"""Topic ids, the audiences and the intent -> topic map, read from bot/topics.yml (their one source)."""
from functools import lru_cache
from typing import Dict, List, Optional

from bot import yaml_files

from bot import BOT_DIR

AUDIENCE_INTENT_PREFIX = "audience_"  # the intent that says who is asking: audience_<id>


@lru_cache(maxsize=1)
def _load() -> dict:
    with open(BOT_DIR / "topics.yml", encoding="utf-8") as f:
        return yaml_files.safe_load(f)


# Who may be asking, in the order of bot/topics.yml; the first is the default.
AUDIENCES = tuple(_load()["audiences"])
DEFAULT_AUDIENCE = AUDIENCES[0]
# Adults asking about a child: every audience but the first (the young person).
ADULT_AUDIENCES = AUDIENCES[1:]
# From this age a young person is an adult: adult routes and texts (the `young_adult` blocks, no
# Childline or Report Remove), and the risk rules' adult (bot/nlu/risk/rules.yml).
ADULT_AGE = 18


def audience_label(audience: str) -> str:
    return _load()["audiences"][audience]["label"]


def audience_intent(audience: str) -> str:
    """The intent (and, with a "/", the button payload) that says who is asking."""
    return AUDIENCE_INTENT_PREFIX + audience


def audience_of_intent(intent: Optional[str]) -> Optional[str]:
    """The audience an audience_<id> intent names; None for any other intent."""
    return next((a for a in AUDIENCES if audience_intent(a) == intent), None)


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


def is_crisis_intent(intent: Optional[str]) -> bool:
    """Texts written for a crisis; never a reason for urgency (bot/topics.yml, crisis_intents)."""
    return intent in _load()["crisis_intents"]


def is_risk_evidence_intent(intent: Optional[str]) -> bool:
    """An intent the risk step weighs as evidence (bot/topics.yml, risk_evidence_intents)."""
    return intent in _load()["risk_evidence_intents"]


def calm_intent(intent: Optional[str]) -> Optional[str]:
    """The intent that answers a message with no risk: a crisis intent's topic's general
    intent (sextortion -> image_sharing), or None for "danger" (no topic)."""
    if not is_crisis_intent(intent):
        return intent
    topic = topic_for(intent)
    return primary_intent(topic) if topic else None


def topic_label(topic: str) -> str:
    return topics()[topic]["label"]


def is_reportable(topic: Optional[str]) -> bool:
    """Whether "use the report button in <app>" is sound advice for this topic."""
    return bool(topic) and bool(topics().get(topic, {}).get("reportable"))
