"""Rasa NLU component: the risk step (bot/nlu/risk/), run on every message after the topic classifier.

It reads the facts (bot/nlu/risk/facts.py) and the safety net from the message's one reading
(bot/nlu/reading.py), scores the message with the learned risk model (bot/nlu/risk_model.py) and
judges it (bot/nlu/risk/assess.py). The judgement goes into the parse data as `risk` (level,
person, evidence ids, confidence, score, unsure, the facts), for the safety component, the
actions and the API. Training reads the risk examples (data/risk/ by default), chooses the
thresholds on their out-of-fold scores, then fits the model on all of them.
"""
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import ROOT
from bot.nlu import risk_model
from bot.nlu.reading import read
from bot.nlu.risk.assess import Risk, assess

RISK_KEY = "risk"
log = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class RiskAssessor(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"examples": "data/risk"}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[risk_model.RiskModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "RiskAssessor":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        turns = [(e.get(INTENT), e.get(TEXT)) for e in training_data.intent_examples if e.get(TEXT)]
        self.model = train_model(ROOT / self.config["examples"], risk_model.conversation_examples(turns))
        with self._storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "RiskAssessor":
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource, risk_model.RiskModel.read(directory))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text is None:
                continue
            message.set(RISK_KEY, self.judge(text, message).as_dict(), add_to_output=True)
        return messages

    def judge(self, text: str, message: Optional[Message] = None) -> Risk:
        reading = read(text)
        facts, net = reading.facts, reading.safety
        score = None
        if self.model is not None:
            vector = _message_vector(message)
            if vector is None:
                vector = risk_model.mean_vectors([text])[0]
            score = self.model.score(text, vector, risk_model.fact_features(facts, net))
            return assess(facts, net, score, self.model.thresholds, about=_topic(message), text=text)
        return assess(facts, net, score, about=_topic(message), text=text)


def _topic(message: Optional[Message]) -> Optional[Tuple[str, float]]:
    """The topic classifier's best intent and confidence (before any fallback)."""
    ranking = (message.get(INTENT_RANKING_KEY) if message is not None else None) or []
    best = next((r for r in ranking if r.get("name") != "nlu_fallback"), None)
    return (best["name"], float(best.get("confidence") or 0.0)) if best else None


def _message_vector(message: Optional[Message]) -> Optional[np.ndarray]:
    """The sentence encoder's vector of the message (bot/nlu/sentence_features.py), when present."""
    if message is None:
        return None
    dense = message.get_dense_features(TEXT)[1]
    return None if dense is None else np.asarray(dense.features, dtype=np.float32)[0]


def train_model(examples_dir: Path, turns: List[risk_model.Example]) -> risk_model.RiskModel:
    """`turns`: conversation turns from the NLU data (risk_model.conversation_examples), not urgent."""
    risk_examples = risk_model.load_examples(examples_dir)
    if not risk_examples:
        raise ValueError(f"no risk examples in {examples_dir}")
    trained = risk_model.cross_validate(risk_examples + turns)
    log.info("risk model: %d risk examples and %d conversation turns, thresholds urgent=%.3f ask=%.3f",
             len(risk_examples), len(turns), trained.thresholds.urgent, trained.thresholds.ask)
    return trained.fit()
