"""Issue 18: the risk examples (data/risk/, trained on) and the risk held-out set
(tests/heldout_risk/, never trained on) are big enough, labelled consistently and apart."""
import re
from collections import Counter

import pytest

from bot.nlu.risk_model import load_examples
from tooling.evaluation.heldout_data import load_heldout, load_heldout_long, load_redteam
from tooling.evaluation.risk_eval import HARD_NEGATIVE_KINDS, HELDOUT_RISK_DIR, TRAINING_DIR

URGENT_KINDS = {"suicide_self_harm_now", "overdose_injury_now", "sextortion_in_progress", "meeting_planned",
                "age_gap_abuse", "trust_abuse", "abuse_ongoing", "violence_threat", "missing_now", "danger_now"}
CALM_KINDS = set(HARD_NEGATIVE_KINDS) | {"other"}
PERSONS = {"writer", "child", "friend", "other", "none"}

TRAINING = load_examples(TRAINING_DIR)
HELDOUT = load_examples(HELDOUT_RISK_DIR)


def _words(text):
    return re.findall(r"[a-z']+", text.lower())


@pytest.mark.parametrize("name,examples", [("training", TRAINING), ("held-out", HELDOUT)])
def test_labels_agree_with_each_other(name, examples):
    for e in examples:
        assert e.kind in (URGENT_KINDS if e.urgent else CALM_KINDS), (name, e.kind, e.level, e.text[:60])
        assert e.person in PERSONS and (e.person == "none") == (not e.urgent), (name, e.text[:60])


def test_training_set_is_big_enough_with_hard_negatives():
    assert len(TRAINING) >= 500
    assert sum(e.kind in HARD_NEGATIVE_KINDS for e in TRAINING) >= 250
    assert len({e.source for e in TRAINING}) >= 3  # written in several styles, by several writers


def test_heldout_set_is_big_enough_for_each_kind_that_matters():
    kinds = Counter(e.kind for e in HELDOUT)
    assert len(HELDOUT) >= 250
    assert sum(kinds[k] for k in HARD_NEGATIVE_KINDS) >= 100
    assert kinds["age_gap_abuse"] >= 20 and kinds["past_and_over"] >= 20


def test_messages_are_written_the_way_people_write():
    """Median length near the real messages' (about 57 words); not all one-liners."""
    for examples in (TRAINING, HELDOUT):
        lengths = sorted(len(_words(e.text)) for e in examples)
        assert 35 <= lengths[len(lengths) // 2] <= 90
        assert sum(n <= 25 for n in lengths) >= len(lengths) // 10


def test_no_text_is_both_trained_on_and_held_out():
    def key(text):
        return " ".join(_words(text))

    trained = {key(e.text) for e in TRAINING}
    assert not trained & {key(e.text) for e in HELDOUT}
    # Nor any 8-word run shared with the held-out set (a copy with a changed opening).
    def runs(text):
        w = _words(text)
        return {" ".join(w[i:i + 8]) for i in range(len(w) - 7)}

    trained_runs = set().union(*(runs(e.text) for e in TRAINING))
    shared = [e.text[:60] for e in HELDOUT if runs(e.text) & trained_runs]
    assert not shared, shared
    others = {key(e.text) for e in load_heldout() + load_heldout_long() + load_redteam()}
    assert not trained & others
