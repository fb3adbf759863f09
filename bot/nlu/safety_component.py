"""Rasa NLU component: the message's urgency and conversation turn, after the risk step.

It adds `safety` ({urgent, categories, intent}), `cues` ({audience, age, platform,
person}; also as entities) and `also` (a second topic a sentence was clearly about, or null)
to the parse data, so actions can read them from `tracker.latest_message`. A message is
urgent when the risk step (bot/nlu/risk_component.py, before it) says so; the topic never
decides. When it is urgent and the classifier found no topic (greeting, out of scope, low
confidence ...), or a signed risk rule knows the topic, the intent is replaced with the
urgent one, so the dialogue signposts instead of chatting. A situation the context cues recognise
("someone else's nude", "my own sexual thoughts") does the same with its topic's intent.

Turns of a conversation that unfolds, in this order:
- a message confidently not in English (bot/nlu/language.py) gets the intent `not_english`, and
  no cues at all (it is never read as "I'm a teacher"); the safety net has still read it;
- "i'm safe now" (a short message) → `safe_now`;
- a short question inside a topic ("should i just pay") → `ask_question`;
- a message of nothing but details ("she's 14", "it's on snapchat") that the classifier
  cannot place in a topic (DETAIL_TOPIC), or a new fact (a meeting, a threat, violence ...)
  it is not sure about (SURE_TOPIC) → `add_detail`,
  which re-answers the current topic with it (actions/unfold.py);
all only when the risk step did not find the message urgent, except the question and the new
fact (answered with the emergency line first when it is).
"""
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.domain import content, taxonomy
from bot.nlu.context_cues import ContextCues, Cues, shared_context_cues
from bot.nlu.language import shared_language_detector
from bot.nlu.reading import read
from bot.nlu.safety_net import SafetyNet, SafetyResult, shared_safety_net
from bot.nlu.risk.assess import Risk
from bot.nlu.risk_component import RISK_KEY
from bot.nlu.sentence_risk import RISK_KEY as SENTENCE_RISK_KEY, second_concern
from bot.domain.taxonomy import topic_for
from bot.domain.uncertainty import GUESSED_TOPIC

SAFETY_KEY = "safety"
CUES_KEY = "cues"
ALSO_KEY = "also"
LANGUAGE_KEY = "language"
# Longest message still read as "only" a safe-now, a question or a detail.
SHORT_WORDS = {"safe_now": 8, "ask_question": 12, "add_detail": 10}
# Above this the classifier's topic wins over a new fact (it knows the message is a topic).
SURE_TOPIC = 0.7
# Below this the classifier's topic for a message of nothing but details is a guess: the
# details refine the current answer ("she's 14"); above, the message is about that topic
# ("im 14 and talking to a 19 year old": grooming).
DETAIL_TOPIC = 0.35
# Below this the classifier is guessing the topic of an urgent message (bot/domain/uncertainty.py).
NET_WORDS_TOPIC = GUESSED_TOPIC


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNetClassifier(GraphComponent):
    def __init__(self, net: SafetyNet, cues: ContextCues) -> None:
        self.net = net
        self.cues = cues

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyNetClassifier":
        shared_language_detector()  # starts loading the language models in the background
        return cls(shared_safety_net(), shared_context_cues())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for msg in messages:
            text = msg.get(TEXT) or ""
            # The API has usually read this text already (its guard): the same reading is used.
            reading = read(text, self.net, self.cues)
            risk = Risk.from_dict(msg.get(RISK_KEY))
            result = self._verdict(risk, reading.safety, msg.get(INTENT_RANKING_KEY))
            msg.set(SAFETY_KEY, result.as_dict(), add_to_output=True)
            language = shared_language_detector().foreign_language(text)
            msg.set(LANGUAGE_KEY, language, add_to_output=True)
            cues = Cues() if language else reading.cues
            msg.set(CUES_KEY, cues.as_dict(), add_to_output=True)
            msg.set(ENTITIES, (msg.get(ENTITIES) or []) + cues.entities(cues.spans(text)), add_to_output=True)
            intent: Optional[dict] = msg.get(INTENT)
            name = (intent or {}).get("name")
            # The turn is read from the classifier's own intent and confidence, before an urgent
            # message's topic is filled in below ("we're meeting on saturday" is a new fact).
            turn = self._turn(language, cues, result, intent or {}, len(text.split()))
            no_topic = topic_for(name) is None and name != result.intent
            rule_topic = bool(risk.topic) and topic_for(name) != topic_for(result.intent)
            guessed = not risk.topic and result.intent == reading.safety.intent \
                and ((intent or {}).get("confidence") or 0.0) < NET_WORDS_TOPIC
            if result.urgent and result.intent and (no_topic or rule_topic or guessed):
                # Urgent with no topic ("danger now"), a signed rule that knows the topic (an
                # adult "boyfriend" of a 14-year-old is grooming, not relationship tips), or a
                # classifier guessing where the net's words are sure.
                msg.set(
                    INTENT,
                    {"name": result.intent, "confidence": 1.0, "overridden_by": "risk"},
                    add_to_output=True,
                )
            elif not result.urgent and cues.situation and topic_for(name) is None:
                # "I'm worried about my own sexual thoughts": a situation the context cues know
                # (bot/content/situations/) is signposted under its topic, never left unanswered.
                topic = content.situation_topic(cues.situation)
                msg.set(
                    INTENT,
                    {"name": taxonomy.primary_intent(topic), "confidence": 1.0, "overridden_by": "context_cues"},
                    add_to_output=True,
                )
            if turn:
                msg.set(INTENT, {"name": turn, "confidence": 1.0, "overridden_by": "conversation"}, add_to_output=True)
            topic = topic_for((msg.get(INTENT) or {}).get("name"))
            also = second_concern(msg.get(SENTENCE_RISK_KEY), topic, msg.get(INTENT_RANKING_KEY))
            msg.set(ALSO_KEY, also, add_to_output=True)
        return messages

    @staticmethod
    def _verdict(risk: Risk, net: SafetyResult, ranking: Optional[List[Dict]]) -> SafetyResult:
        """The risk step's level as the message's urgency (bot/nlu/risk_component.py decides it; no
        risk in the parse, as when the component is missing, falls back to the net alone), and
        the intent an urgent message is signposted under when the classifier found no topic."""
        if not risk.evidence and risk.score is None:
            return net
        if not risk.urgent:
            return SafetyResult(urgent=False, matches=net.matches)
        intent = (taxonomy.primary_intent(risk.topic) if risk.topic else None) or net.intent or next(
            (r["name"] for r in ranking or [] if topic_for(r.get("name"))), "danger")
        categories = tuple(dict.fromkeys(([risk.danger] if risk.danger else []) + list(net.categories)))
        return SafetyResult(urgent=True, categories=categories, intent=intent, matches=net.matches)

    @staticmethod
    def _turn(language: Optional[str], cues: Cues, result: SafetyResult, intent: dict, words: int) -> Optional[str]:
        """The conversation turn this message is, when it is one; None otherwise."""
        if language:
            return "not_english"
        name = intent.get("name")
        unsure = topic_for(name) is None or (intent.get("confidence") or 0.0) < SURE_TOPIC
        if cues.question and words <= SHORT_WORDS["ask_question"] and (unsure or not result.urgent):
            return "ask_question"
        if cues.escalation and unsure and words <= SHORT_WORDS["add_detail"] * 2:
            # A new fact (a meeting, a request for pictures ...): refined with the conversation
            # so far, urgent or not; the refining answer keeps the risk step's urgency.
            return "add_detail"
        if result.urgent:
            return None
        if cues.safe and words <= SHORT_WORDS["safe_now"]:
            return "safe_now"
        # "i'm worried about my son" is testing the water (hesitation), even with a detail in it.
        guessing = name != "hesitation" and (topic_for(name) is None or (intent.get("confidence") or 0.0) < DETAIL_TOPIC)
        if cues.detail_only and guessing and words <= SHORT_WORDS["add_detail"]:
            return "add_detail"
        return None
