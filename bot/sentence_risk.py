"""Reads a long message sentence by sentence (the judgement; bot/topic_classifier.py runs it).

Each sentence of a message of two or more sentences gets its own intent from a classifier
over its encoder vector.
- Any sentence that is confidently an urgent intent (self-harm, sextortion, abuse disclosure,
  danger) makes the whole message urgent, however calm the rest of it is.
- Sentences confidently about another topic than the message as a whole are a second concern,
  offered as a button ("You also mentioned ...").
The topic of the message is still read from the whole text.
"""
from typing import Any, Dict, List, Optional

from bot.taxonomy import is_urgent_intent, topic_for
from bot.uncertainty import ranked_topics

RISK_KEY = "sentence_risk"
URGENT_THRESHOLD = 0.7  # a sentence this likely to be urgent (any urgent intent) makes the message urgent
CONCERN_THRESHOLD = 0.5  # a sentence this sure of another topic may be a second concern
CONCERN_RANK = 3  # ... when the whole message also ranks that topic among its top three


def judge(labels: List[Dict], urgent_threshold: float = URGENT_THRESHOLD,
          concern_threshold: float = CONCERN_THRESHOLD) -> Dict[str, Any]:
    """`labels`: one {intent, confidence, urgent_intent, urgent_confidence} per sentence. A
    one-sentence message is left to the whole-message classifier."""
    result: Dict[str, Any] = {"urgent": False, "intent": None, "sentence": None, "topics": [],
                              "labels": labels}
    if len(labels) < 2:
        return result
    for index, label in enumerate(labels):
        intent, confidence = label["intent"], label["confidence"]
        risk = label.get("urgent_confidence", confidence if is_urgent_intent(intent) else 0.0)
        if risk >= urgent_threshold and not result["urgent"]:
            result.update(urgent=True, intent=label.get("urgent_intent", intent), sentence=index,
                          confidence=risk)
        topic = topic_for(intent)
        if topic and confidence >= concern_threshold and topic not in result["topics"]:
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
