"""Rasa NLU component: runs the spaCy safety net on every message, after the classifier.

It adds `safety` ({urgent, categories, intent}), `cues` ({audience, age, platform,
person}; also as entities) and `also` (a second topic a sentence was clearly about, or null)
to the parse data, so actions can read them from `tracker.latest_message`. A message is
urgent when the net fires or when bot.sentence_risk found a sentence that is confidently an
urgent intent. When it is urgent and the classifier found no topic (greeting, out of scope,
low confidence ...), the intent is replaced with the urgent one, so the dialogue signposts
instead of chatting. A situation the context cues recognise
("someone else's nude", "my own sexual thoughts") does the same with its topic's intent.
"""
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import content, taxonomy
from bot.context_cues import ContextCues, shared_context_cues
from bot.safety_net import SafetyNet, SafetyResult, shared_safety_net
from bot.sentence_risk import RISK_KEY, second_concern
from bot.taxonomy import topic_for

SAFETY_KEY = "safety"
CUES_KEY = "cues"
ALSO_KEY = "also"


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
        return cls(shared_safety_net(), shared_context_cues())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for msg in messages:
            text = msg.get(TEXT) or ""
            result = self._with_sentences(self.net.check(text), msg.get(RISK_KEY) or {})
            msg.set(SAFETY_KEY, result.as_dict(), add_to_output=True)
            cues = self.cues.read(text)
            msg.set(CUES_KEY, cues.as_dict(), add_to_output=True)
            msg.set(ENTITIES, (msg.get(ENTITIES) or []) + cues.entities(), add_to_output=True)
            intent: Optional[dict] = msg.get(INTENT)
            name = (intent or {}).get("name")
            if result.urgent and topic_for(name) is None and name != result.intent:
                msg.set(
                    INTENT,
                    {"name": result.intent, "confidence": 1.0, "overridden_by": "safety_net"},
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
            topic = topic_for((msg.get(INTENT) or {}).get("name"))
            also = second_concern(msg.get(RISK_KEY), topic, msg.get(INTENT_RANKING_KEY))
            msg.set(ALSO_KEY, also, add_to_output=True)
        return messages

    @staticmethod
    def _with_sentences(result: SafetyResult, risk: dict) -> SafetyResult:
        """Adds the sentence-by-sentence classifier's verdict to the net's."""
        if not risk.get("urgent"):
            return result
        category = f"sentence:{risk['intent']}"
        return SafetyResult(
            urgent=True,
            categories=result.categories + (category,),
            intent=result.intent or risk["intent"],
            matches=result.matches,
        )
