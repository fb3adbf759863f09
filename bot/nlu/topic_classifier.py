"""Rasa intent classifier: logistic regression over sparse and dense sentence features.

The whole message is classified from its word and character n-gram counts (binarised and
L2-normalised) beside its MiniLM sentence vector; measured on this project's held-out sets it
beats DIET on both short and long messages, and trains in seconds instead of minutes
(docs/architecture.md). A second regression over the sentence vectors alone labels
each sentence of a long message for bot/sentence_risk (second concerns).
"""
import json
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from threadpoolctl import threadpool_limits

from bot.nlu import sentence_risk
from bot.nlu.sentence_features import SENTENCE_VECTORS_KEY

RANKING_LENGTH = 10


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


class _Linear:
    """A fitted multinomial logistic regression, kept as plain arrays (no pickles)."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: List[str]):
        self.coef, self.intercept, self.classes = coef, intercept, classes
        # Features x classes, contiguous: `X @ coef.T` would copy the whole matrix on each call.
        self.weights = np.ascontiguousarray(coef.T)

    @classmethod
    def fit(cls, X, labels: List[str], c: float, seed: int) -> "_Linear":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
        model.fit(X, labels)
        return cls(model.coef_.astype(np.float32), model.intercept_.astype(np.float32),
                   [str(x) for x in model.classes_])

    def probabilities(self, X) -> np.ndarray:
        return _softmax(np.asarray(X @ self.weights) + self.intercept)

    def message_probabilities(self, message: Message) -> np.ndarray:
        """probabilities(_combined(*_features([message])))[0], without building matrices: the
        binarised, L2-normalised n-gram row picks and sums its weight rows, then the sentence
        vector's part is added."""
        sparse, dense = _message_features(message)
        columns = np.unique(sparse.col)
        scores = self.intercept.astype(np.float64)
        if len(columns):
            scores = scores + self.weights[columns].sum(axis=0, dtype=np.float64) / np.sqrt(len(columns))
        scores = scores + np.asarray(dense.features, dtype=np.float32)[0] @ self.weights[sparse.shape[1]:]
        return _softmax(scores[None, :])[0]

    def save(self, directory, name: str) -> None:
        np.save(directory / f"{name}_coef.npy", self.coef)
        np.save(directory / f"{name}_intercept.npy", self.intercept)
        (directory / f"{name}_classes.json").write_text(json.dumps(self.classes))

    @classmethod
    def read(cls, directory, name: str) -> "_Linear":
        return cls(np.load(directory / f"{name}_coef.npy"), np.load(directory / f"{name}_intercept.npy"),
                   json.loads((directory / f"{name}_classes.json").read_text()))


def _message_features(message: Message):
    """The message's sentence-level n-gram counts (a 1-row COO matrix) and sentence vector."""
    sparse = message.get_sparse_features(TEXT)[1]
    dense = message.get_dense_features(TEXT)[1]
    if sparse is None or dense is None:
        raise ValueError("TopicClassifier needs CountVectorsFeaturizer and "
                         "SentenceEncoderFeaturizer before it in the pipeline")
    return sp.coo_matrix(sparse.features), dense


def _features(messages: List[Message]) -> Tuple[sp.csr_matrix, np.ndarray]:
    sparse_rows, dense_rows = [], []
    for message in messages:
        sparse, dense = _message_features(message)
        row = sp.csr_matrix(sparse, dtype=np.float32)
        row.data[:] = 1.0  # presence, not counts: a long message is not "more" of a topic
        sparse_rows.append(row)
        dense_rows.append(np.asarray(dense.features, dtype=np.float32)[0])
    sparse = sp.vstack(sparse_rows).tocsr()
    norms = np.sqrt(np.asarray(sparse.multiply(sparse).sum(axis=1))).ravel()
    sparse = sp.diags(1.0 / np.maximum(norms, 1e-12)) @ sparse
    return sparse.tocsr(), np.vstack(dense_rows)


def _combined(sparse: sp.csr_matrix, dense: np.ndarray) -> sp.csr_matrix:
    return sp.hstack([sparse, sp.csr_matrix(dense)]).tocsr()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TopicClassifier(IntentClassifier, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 4.0,
            "random_state": 42,
            "concern_threshold": sentence_risk.CONCERN_THRESHOLD,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 whole: Optional[_Linear] = None, sentences: Optional[_Linear] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.whole = whole  # sparse + dense, for the whole message
        self.sentences = sentences  # dense only, for one sentence at a time

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TopicClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [e.get(INTENT) for e in examples]
        sparse, dense = _features(examples)
        c, seed = self.config["C"], self.config["random_state"]
        self.whole = _Linear.fit(_combined(sparse, dense), labels, c, seed)
        self.sentences = _Linear.fit(dense, labels, c, seed)
        with self._storage.write_to(self._resource) as directory:
            self.whole.save(directory, "whole")
            self.sentences.save(directory, "sentences")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TopicClassifier":
        # Serving: one BLAS thread. A message's products are tiny, and OpenBLAS's extra threads
        # spin while they wait, burning about as much CPU as the whole parse (measured); the
        # API's parallelism is its workers, one per core.
        threadpool_limits(limits=1, user_api="blas")
        with model_storage.read_from(resource) as directory:
            return cls(config, model_storage, resource,
                       _Linear.read(directory, "whole"), _Linear.read(directory, "sentences"))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        messages_with_text = [m for m in messages if m.get(TEXT) is not None]
        if not messages_with_text or self.whole is None:
            return messages
        for message in messages_with_text:
            probs = self.whole.message_probabilities(message)
            order = np.argsort(-probs)[:RANKING_LENGTH]
            ranking = [{"name": self.whole.classes[i], "confidence": float(probs[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            vectors = message.get(SENTENCE_VECTORS_KEY)
            if vectors is not None:
                message.set(sentence_risk.RISK_KEY, self._judge(vectors), add_to_output=True)
        return messages

    def sentence_labels(self, vectors: np.ndarray) -> List[Dict]:
        """Per sentence: its best intent and how sure."""
        probs = self.sentences.probabilities(vectors)
        return [{"intent": self.sentences.classes[int(row.argmax())], "confidence": round(float(row.max()), 3)}
                for row in probs]

    def _judge(self, vectors: np.ndarray) -> Dict:
        if len(vectors) < 2:
            return sentence_risk.judge([])
        return sentence_risk.judge(self.sentence_labels(vectors), self.config["concern_threshold"])
