"""Rasa NLU component, first in the pipeline: the message's one Doc, for Rasa's tokenizer and featurizers.

It takes the place of Rasa's SpacyNLP (a subclass, so SpacyTokenizer's requirement holds).
SpacyNLP made a Doc of its own from `text.lower()`, beside the safety net's, the cues' and the
risk facts' Docs of `normalise(text)`: four spaCy runs over one message, on two cleanings. Here
the Doc on the message (`text_spacy_doc`) is the one of the message's reading
(bot/nlu/reading.py): made from `normalise(text)` by the process's one pipeline
(bot/nlu/spacy_pipeline.py), once, whoever asks first (the API's guard, or this component), and
read again by the risk step and the safety component. So the featurizers count the words the
safety net matched, in the same cleaning; training makes its Docs from the same normalisation,
so what is learnt and what is served agree.

The pipeline is built from code (`shared_nlp`), not loaded from a directory: `model` is not read.
"""
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.reading import read
from bot.nlu.safety_net import normalise
from bot.nlu.spacy_pipeline import shared_nlp


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="ReadingNLP",
)
class ReadingNLP(SpacyNLP):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ReadingNLP":
        nlp = shared_nlp()
        return cls(SpacyModel(model=nlp, model_name=nlp.meta["name"]), {**cls.get_default_config(), **config})

    def _get_text(self, example: Dict[Text, Any], attribute: Text) -> Text:
        """Training: the message's text is read as the reading reads it (the other attributes,
        a bot's utterances, as SpacyNLP reads them)."""
        if attribute == TEXT:
            return normalise(example.get(TEXT) or "")
        return super()._get_text(example, attribute)

    def process(self, messages: List[Message], model: Optional[SpacyModel] = None) -> List[Message]:
        for message in messages:
            for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
                text = message.get(attribute)
                if not text:
                    continue
                if attribute == TEXT:
                    doc = read(text).doc  # the reading the API (or an earlier call) made, if any
                else:
                    doc = self._doc_for_text(self._model.model, text)
                message.set(SPACY_DOCS[attribute], doc)
        return messages
