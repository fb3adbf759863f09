"""bot/nlu/topic_classifier.py: the per-message shortcut scores exactly as the matrix path that
training uses (binarised, L2-normalised n-grams beside the sentence vector)."""
import numpy as np
import pytest
import scipy.sparse as sp
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.topic_classifier import _combined, _features, _Linear

VOCAB, DIM, CLASSES = 300, 16, 5


def message(rng: np.random.Generator, ngrams: int) -> Message:
    msg = Message(data={TEXT: "x"})
    columns = rng.integers(0, VOCAB, size=ngrams)  # repeats: counts above 1, as for real text
    counts = sp.coo_matrix((np.ones(ngrams), (np.zeros(ngrams, dtype=int), columns)), shape=(1, VOCAB))
    msg.add_features(Features(counts, "sentence", TEXT, "count_vectors"))
    msg.add_features(Features(rng.normal(size=(1, DIM)).astype(np.float32), "sentence", TEXT, "encoder"))
    return msg


@pytest.mark.parametrize("ngrams", [0, 1, 7, 60])
def test_one_message_scores_as_the_matrix_path(ngrams):
    rng = np.random.default_rng(ngrams)
    model = _Linear(rng.normal(size=(CLASSES, VOCAB + DIM)).astype(np.float32),
                    rng.normal(size=CLASSES).astype(np.float32), [f"c{i}" for i in range(CLASSES)])
    for _ in range(20):
        msg = message(rng, ngrams)
        expected = model.probabilities(_combined(*_features([msg])))[0]
        got = model.message_probabilities(msg)
        assert got.argmax() == expected.argmax()
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
