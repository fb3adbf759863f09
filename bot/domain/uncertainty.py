"""Honest uncertainty: which other topics to offer when the classifier is not sure.

Read from the classifier's intent ranking (`intent_ranking` in Rasa's parse data):
- the runner-up topic, offered as "Is this more about ...?" when the top two are close or
  the top one is weak;
- the most likely topics, offered first by the clarifying question.
"""
from typing import Dict, List, Optional

from bot.domain.taxonomy import topic_for

LOW_CONFIDENCE = 0.6  # below this the answer is a guess: offer the runner-up
CLOSE_MARGIN = 0.25  # top two topics this close: offer the runner-up
MIN_RUNNER_UP = 0.05  # a runner-up this unlikely is noise, not an alternative
LIKELY_COUNT = 3
# Below this the classifier is only guessing the topic of an urgent message: the safety net's own
# words know it better ("a boy in my year says he'll stab me at the bus stop" is bullying, not the
# self-harm the classifier half-heard; bot/nlu/safety_component.py), and in a conversation so does
# its topic so far (actions/tracker_state.py). Measured on the held-out, long-form, red-team and
# real development sets: more topics right than wrong from 0.2 to 0.3, not above.
GUESSED_TOPIC = 0.3


def ranked_topics(ranking: Optional[List[Dict]]) -> List[tuple]:
    """(topic, confidence) best first, one entry per topic (intents merged by their best)."""
    best: Dict[str, float] = {}
    for item in ranking or []:
        topic = topic_for(item.get("name"))
        if topic and topic not in best:
            best[topic] = float(item.get("confidence") or 0.0)
    return sorted(best.items(), key=lambda kv: -kv[1])


def runner_up(ranking: Optional[List[Dict]], main_topic: Optional[str]) -> Optional[str]:
    topics = ranked_topics(ranking)
    if not main_topic or not topics:
        return None
    main = next((c for t, c in topics if t == main_topic), None)
    others = [(t, c) for t, c in topics if t != main_topic]
    if main is None or not others:
        return None
    topic, confidence = others[0]
    if confidence < MIN_RUNNER_UP:
        return None
    return topic if main < LOW_CONFIDENCE or main - confidence < CLOSE_MARGIN else None


def likely_topics(ranking: Optional[List[Dict]], count: int = LIKELY_COUNT) -> List[str]:
    return [t for t, _ in ranked_topics(ranking)[:count]]
