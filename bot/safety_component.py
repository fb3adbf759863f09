"""Rasa NLU component: runs the spaCy safety net on every message, after the classifier.

It adds `safety` ({urgent, categories, intent}) and `cues` ({audience, age, platform,
person}; also as entities) to the parse data, so actions can read them from
`tracker.latest_message`. When the net fires and the classifier found no topic
(greeting, out of scope, low confidence ...), it replaces the intent with the net's, so
the dialogue signposts instead of chatting. A situation the context cues recognise
("someone else's nude", "my own sexual thoughts") does the same with its topic's intent.
"""
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import content, taxonomy
from bot.context_cues import ContextCues, shared_context_cues
from bot.safety_net import SafetyNet, shared_safety_net
from bot.taxonomy import topic_for

SAFETY_KEY = "safety"
CUES_KEY = "cues"


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
            result = self.net.check(text)
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
        return messages
