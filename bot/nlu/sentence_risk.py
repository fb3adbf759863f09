"""Reads a long message sentence by sentence for a second concern (bot/nlu/topic_classifier.py runs it).

Each sentence of a message of two or more sentences gets its own intent from a classifier
over its encoder vector. Sentences confidently about another topic than the message as a
whole are a second concern, offered as a button ("You also mentioned ..."). The topic of the
message is still read from the whole text. Urgency is not judged here: the risk step
(bot/nlu/risk/, bot/nlu/risk_component.py) judges it, from risk labels, never from topics.
"""
from typing import Any, Dict, List, Optional

from bot.domain.taxonomy import topic_for
from bot.domain.uncertainty import ranked_topics

RISK_KEY = "sentence_risk"
CONCERN_THRESHOLD = 0.5  # a sentence this sure of another topic may be a second concern
CONCERN_RANK = 3  # ... when the whole message also ranks that topic among its top three


def judge(labels: List[Dict], concern_threshold: float = CONCERN_THRESHOLD) -> Dict[str, Any]:
    """`labels`: one {intent, confidence} per sentence. A one-sentence message is left to the
    whole-message classifier."""
    result: Dict[str, Any] = {"topics": [], "labels": labels}
    if len(labels) < 2:
        return result
    for label in labels:
        topic = topic_for(label["intent"])
        if topic and label["confidence"] >= concern_threshold and topic not in result["topics"]:
            result["topics"].append(topic)
    return result


def second_concern(risk: Optional[Dict], main_topic: Optional[str],
                   ranking: Optional[List[Dict]] = None) -> Optional[str]:
    """The first other topic that a sentence was about and that the whole message also ranks
    highly: both readings agree, so it is clearly present, not a stray phrase."""
    near = {t for t, _ in ranked_topics(ranking)[:CONCERN_RANK]}
    for topic in (risk or {}).get("topics") or []:
        if topic != main_topic and topic in near:
            return topic
    return None
