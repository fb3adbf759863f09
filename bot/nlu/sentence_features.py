"""Rasa featurizer: dense sentence features from the MiniLM encoder (bot/nlu/sentence_encoder.py).

Each distinct sentence of a message is encoded once, within the message's CPU budget
(bot/nlu/sentences.py `pieces`, bot/nlu/sentence_encoder.py TOKEN_BUDGET); the message's feature is
the normalised mean of its sentence vectors, each weighted by how often it occurs (for a
one-sentence message, simply its vector). The sentence vectors
are kept on the message (not in the output) for bot.nlu.sentence_risk, which judges urgency
sentence by sentence, so no text is encoded twice.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_encoder import shared_encoder, weighted_mean
from bot.nlu.sentences import pieces

SENTENCES_KEY = "sentences"  # List[str]: the message split into sentences
SENTENCE_VECTORS_KEY = "sentence_vectors"  # np.ndarray (n_sentences, 384)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # `version` is part of Rasa's cache key: bump it when the encoding changes.
        return {**DenseFeaturizer.get_default_config(), "version": 1}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime", "tokenizers"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        return cls(execution_context.node_name, {**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training messages are fingerprinted by Rasa's cache: keep only the feature on them.
        self._featurize([m for m in training_data.training_examples if m.get(TEXT)], keep=False)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize([m for m in messages if m.get(TEXT) is not None], keep=True)
        return messages

    def _featurize(self, messages: List[Message], keep: bool) -> None:
        if not messages:
            return
        split = [pieces(m.get(TEXT)) for m in messages]
        for message, parts, own in zip(messages, split, shared_encoder().encode_messages(split)):
            mean = weighted_mean(own, parts.weights)
            if keep:
                message.set(SENTENCES_KEY, list(parts.texts))
                message.set(SENTENCE_VECTORS_KEY, own)
            self.add_features_to_message(None, mean[None, :], TEXT, message)
