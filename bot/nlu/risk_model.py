"""The learned risk model: how likely a message is to be urgent, trained on risk labels.

Trained on the team's risk examples (data/risk/*.yml: urgent or not, with the kind of each),
never on topic labels. Its features are what a safeguarding reader weighs:
- the words (word 1-2 grams and character 3-5 grams, hashed, so nothing is stored but
  weights; character grams cope with "suicidle", "kms", "nudez");
- the meaning (the MiniLM sentence vector, bot/nlu/sentence_encoder.py);
- the facts read from the words (bot/nlu/risk/facts.py: ages and the age gap, who the other
  person is, when, what happened, how it is said) and the safety net's categories, so the
  model learns that "last year" and "9 months clean" weigh against "took pills" and that an
  age gap in a romance weighs for it.
A logistic regression: calibrated enough to choose thresholds on, tiny and fast. The
thresholds are chosen on out-of-fold scores of the training data (`choose_thresholds`).
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp
import yaml

from bot.nlu.risk import rules
from bot.nlu.risk.assess import Thresholds
from bot.nlu.risk.facts import Facts
from bot.nlu.safety_net import SafetyResult, normalise

HASH_FEATURES = 2 ** 18
C = 10.0
SEED = 42
FOLDS = 5
# Out-of-fold false-alarm rates the thresholds are chosen at, on the training examples that
# are not urgent (nearly all of them written to look alarming): the model alone calls about 1
# in 8 of them urgent, and asks "Are you safe right now?" of 1 in 25 more. A missed urgent
# message is the worst error, so recall is bought with these: 0.12 is the lowest rate at which
# every urgent message of the held-out, long-form and red-team sets is still found (measured
# trade-off: docs/evaluation.md).
URGENT_FALSE_ALARMS = 0.12
ASK_FALSE_ALARMS = 0.16


@dataclass(frozen=True)
class Example:
    text: str
    level: str
    kind: str
    person: str
    source: str

    @property
    def urgent(self) -> bool:
        return self.level != "none"


def load_examples(directory: Path) -> List[Example]:
    examples = []
    for path in sorted(Path(directory).glob("*.yml")):
        with open(path, encoding="utf-8") as f:
            for raw in yaml.safe_load(f)["risk_examples"]:
                if raw["level"] not in rules.LEVELS:
                    raise ValueError(f"{path.name}: unknown level {raw['level']}")
                examples.append(Example(" ".join(str(raw["text"]).split()), raw["level"], raw["kind"],
                                        raw.get("person") or "none", path.stem))
    return examples


# Turns that are not a worry (greetings, thanks, "is this anonymous?", "she's 14", "what can you
# do?"), from the NLU training data: a short message is not urgent for being short.
CONVERSATION_KIND = "conversation_turn"


def conversation_examples(intent_texts: Iterable[Tuple[str, str]]) -> List[Example]:
    """(intent, text) pairs of the NLU training data -> risk examples of level none, for every
    intent that is not a topic (bot/topics.yml) and not "danger"."""
    from bot.domain.taxonomy import topic_for

    return [Example(" ".join(text.split()), "none", CONVERSATION_KIND, "none", "data/nlu")
            for intent, text in intent_texts if topic_for(intent) is None and intent not in ("danger", "nlu_fallback")]


def fact_features(facts: Facts, net: SafetyResult) -> List[str]:
    """Names of the facts present (the model's symbolic features)."""
    names = [f"net:{c}" for c in net.categories]
    names += [f"{k}:{v}" for k in ("other", "acts", "when", "manner") for v in getattr(facts, k)]
    names += [flag for flag in rules.FLAGS if getattr(facts, flag)]
    if facts.subject:
        names.append(f"subject:{facts.subject}")
    age = facts.youngest_child_age
    if age is not None:
        names += [f"child_under:{n}" for n in (13, 16, 18) if age < n]
    if facts.adult_other:
        names.append("adult_other")
        if age is not None and age < 16:
            names.append("age_gap")
    if rules.past_only(facts):
        names.append("past_only")
    names += [f"rule:{r.id}" for r in rules.hits(facts)]
    return names


def _hashers():
    from sklearn.feature_extraction.text import HashingVectorizer

    words = HashingVectorizer(n_features=HASH_FEATURES, ngram_range=(1, 2), alternate_sign=False, binary=True,
                              norm="l2", token_pattern=r"(?u)\b\w[\w']*\b")
    chars = HashingVectorizer(n_features=HASH_FEATURES, analyzer="char_wb", ngram_range=(3, 5),
                              alternate_sign=False, binary=True, norm="l2")
    return words, chars


class RiskModel:
    """Weights over [word grams | char grams | sentence vector | named facts]."""

    def __init__(self, coef: np.ndarray, intercept: float, fact_names: List[str],
                 thresholds: Thresholds = Thresholds()):
        self.coef = coef.astype(np.float32)
        self.intercept = float(intercept)
        self.fact_names = fact_names
        self.fact_index = {n: i for i, n in enumerate(fact_names)}
        self.thresholds = thresholds
        self._words, self._chars = _hashers()

    def matrix(self, texts: Sequence[str], vectors: np.ndarray, facts: Sequence[List[str]]) -> sp.csr_matrix:
        clean = [normalise(t) for t in texts]
        named = sp.lil_matrix((len(texts), len(self.fact_names)), dtype=np.float32)
        for row, names in enumerate(facts):
            for name in names:
                if name in self.fact_index:
                    named[row, self.fact_index[name]] = 1.0
        return sp.hstack([self._words.transform(clean), self._chars.transform(clean),
                          sp.csr_matrix(np.asarray(vectors, dtype=np.float32)), named.tocsr()]).tocsr()

    def scores(self, texts: Sequence[str], vectors: np.ndarray, facts: Sequence[List[str]]) -> np.ndarray:
        logits = self.matrix(texts, vectors, facts) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))

    def score(self, text: str, vector: np.ndarray, facts: List[str]) -> float:
        return float(self.scores([text], vector[None, :], [facts])[0])

    @classmethod
    def fit(cls, texts: Sequence[str], vectors: np.ndarray, facts: Sequence[List[str]], urgent: Sequence[bool],
            thresholds: Thresholds = Thresholds()) -> "RiskModel":
        from sklearn.linear_model import LogisticRegression

        names = sorted({n for row in facts for n in row})
        shell = cls(np.zeros(1), 0.0, names)
        X = shell.matrix(texts, vectors, facts)
        model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=SEED)
        model.fit(X, np.asarray(urgent, dtype=int))
        return cls(model.coef_[0], model.intercept_[0], names, thresholds)

    def save(self, directory: Path) -> None:
        np.save(directory / "risk_coef.npy", self.coef)
        (directory / "risk_model.json").write_text(json.dumps({
            "intercept": self.intercept, "fact_names": self.fact_names,
            "thresholds": {"urgent": self.thresholds.urgent, "ask": self.thresholds.ask}}))

    @classmethod
    def read(cls, directory: Path) -> "RiskModel":
        meta = json.loads((directory / "risk_model.json").read_text())
        return cls(np.load(directory / "risk_coef.npy"), meta["intercept"], meta["fact_names"],
                   Thresholds(**meta["thresholds"]))


def out_of_fold_scores(texts: Sequence[str], vectors: np.ndarray, facts: Sequence[List[str]],
                       urgent: Sequence[bool], kinds: Sequence[str]) -> np.ndarray:
    """Each example scored by a model trained without it (stratified by kind, fixed seed)."""
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray(urgent, dtype=bool)
    strata = np.asarray(list(kinds))
    counts = {s: int((strata == s).sum()) for s in set(strata)}
    strata = np.asarray([s if counts[s] >= FOLDS else ("urgent" if u else "none") for s, u in zip(strata, labels)])
    scores = np.zeros(len(texts))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(np.zeros(len(texts)), strata):
        model = RiskModel.fit([texts[i] for i in train], vectors[train], [facts[i] for i in train], labels[train])
        scores[test] = model.scores([texts[i] for i in test], vectors[test], [facts[i] for i in test])
    return scores


def threshold_at(scores: np.ndarray, urgent: Sequence[bool], false_alarms: float) -> float:
    """The lowest threshold at which at most `false_alarms` of the non-urgent examples score
    at or above it: as much recall as that false-alarm rate allows."""
    calm = np.sort(np.asarray(scores)[~np.asarray(urgent, dtype=bool)])[::-1]
    allowed = int(np.floor(false_alarms * len(calm)))
    # Just above the (allowed+1)-th highest calm score.
    return float(np.nextafter(calm[allowed], 1.0)) if allowed < len(calm) else 0.0


def choose_thresholds(scores: np.ndarray, urgent: Sequence[bool], kinds: Optional[Sequence[str]] = None) -> Thresholds:
    """On the risk examples only: the easy conversation turns would make any threshold look good."""
    if kinds is not None:
        keep = np.asarray([k != CONVERSATION_KIND for k in kinds])
        scores, urgent = np.asarray(scores)[keep], np.asarray(urgent)[keep]
    return Thresholds(urgent=round(threshold_at(scores, urgent, URGENT_FALSE_ALARMS), 4),
                      ask=round(threshold_at(scores, urgent, ASK_FALSE_ALARMS), 4))


@dataclass
class CrossValidated:
    """The training inputs, every example's out-of-fold score and the thresholds chosen on them:
    what training fits on and what `make eval` draws (one recipe for both)."""
    inputs: Tuple[List[str], np.ndarray, List[List[str]], List[bool]]
    kinds: List[str]
    scores: np.ndarray
    thresholds: Thresholds

    def fit(self) -> "RiskModel":
        return RiskModel.fit(*self.inputs, thresholds=self.thresholds)

    def risk_examples_only(self) -> Tuple[np.ndarray, List[bool]]:
        """Scores and labels without the conversation turns (as the thresholds were chosen)."""
        keep = [k != CONVERSATION_KIND for k in self.kinds]
        urgent = self.inputs[3]
        return self.scores[keep], [u for u, k in zip(urgent, keep) if k]


def cross_validate(examples: Sequence[Example]) -> CrossValidated:
    kinds = [e.kind for e in examples]
    inputs = training_inputs(examples, default_reader())
    scores = out_of_fold_scores(*inputs, kinds)
    return CrossValidated(inputs, kinds, scores, choose_thresholds(scores, inputs[3], kinds))


def mean_vectors(texts: Iterable[str]) -> np.ndarray:
    """The message vectors, as bot/nlu/sentence_features.py makes them (within the same budget)."""
    from bot.nlu.sentence_encoder import shared_encoder, weighted_mean
    from bot.nlu.sentences import pieces

    split = [pieces(t) for t in texts]
    vectors = shared_encoder().encode_messages(split)
    return np.vstack([weighted_mean(v, p.weights) for v, p in zip(vectors, split)])


def training_inputs(examples: Sequence[Example], reader) -> Tuple[List[str], np.ndarray, List[List[str]], List[bool]]:
    """`reader(text) -> (Facts, SafetyResult)`: the same readings the pipeline makes."""
    texts = [e.text for e in examples]
    facts = []
    for text in texts:
        f, net = reader(text)
        facts.append(fact_features(f, net))
    return texts, mean_vectors(texts), facts, [e.urgent for e in examples]


def model_level_report(scores: np.ndarray, urgent: Sequence[bool], thresholds: Thresholds) -> Dict:
    labels = np.asarray(urgent, dtype=bool)
    predicted = np.asarray(scores) >= thresholds.urgent
    return {"recall": float(predicted[labels].mean()) if labels.any() else 1.0,
            "false_alarms": float(predicted[~labels].mean()) if (~labels).any() else 0.0,
            "thresholds": {"urgent": thresholds.urgent, "ask": thresholds.ask}}


def reader_for(net, facts_reader) -> "callable":
    def read(text: str) -> Tuple[Facts, SafetyResult]:
        return facts_reader(text), net.check(text)
    return read


def default_reader():
    from bot.nlu.risk.facts import read_facts
    from bot.nlu.safety_net import shared_safety_net

    return reader_for(shared_safety_net(), read_facts)
