"""The deterministic safety net: spaCy matchers that flag urgent messages.

It reads every message once, as part of the message's one reading (bot/nlu/reading.py: the
Doc of `normalise(text)` that the context cues, the risk facts and Rasa's featurizers read too),
independent of the classifier. Patterns live in safety_patterns.yml.
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

from bot import yaml_files



PATTERNS_FILE = Path(__file__).with_name("safety_patterns.yml")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "`": "'"})
_REPEATS = re.compile(r"(\w)\1{2,}")  # "pleaseee" -> "pleasee": keeps doubles, trims shouting
# A word just before a hit that negates it ("doesn't hit me", "never hit me", "not hurting").
_NEGATIONS = {"not", "n't", "nt", "never", "doesnt", "dont", "didnt", "isnt", "wasnt", "hasnt",
              "havent", "hadnt", "aint", "nae"}
_NOT_NEGATING = {"wo", "ca"}  # "won't hit me again", "can't stop": still a risk
# Words a negation reaches over to a plan (`negatable: far`): "no talk of meeting up",
# "he never asked to meet me". Not "want" or "agreed": "i don't want to meet him but he says i
# have to" is a meeting being forced.
NEGATION_BRIDGES = {"talk", "talked", "mention", "mentioned", "plan", "plans", "planned", "sign", "signs", "ask",
                    "asked", "try", "tried", "said", "suggested", "of", "to", "about", "any", "ever", "been",
                    "intention", "intentions"}
# A sentence opening on one of these, then the harm, has the writer as its subject, left out.
_TELEGRAPHIC = {"being", "getting", "got", "been", "feeling", "felt"}
# Tokens that end a sentence in the normalised text (newlines are already spaces there).
SENTENCE_ENDS = frozenset({".", "!", "?", "..."})


@dataclass(frozen=True)
class SafetyResult:
    urgent: bool
    categories: Tuple[str, ...] = ()
    intent: Optional[str] = None  # the intent of the first category that matched
    matches: Tuple[str, ...] = field(default=(), compare=False)
    # Every hit is a harm's name ("suicide", "sextortion") in a sentence where nobody says I, me,
    # my, we or our: the words name a topic ("a student committed suicide", "what is
    # sextortion"), they do not tell of a danger to the writer or someone of theirs.
    mention_only: bool = field(default=False, compare=False)

    def as_dict(self) -> Dict:
        return {"urgent": self.urgent, "categories": list(self.categories), "intent": self.intent}


def normalise(text: str) -> str:
    """The one normalisation before spaCy reads a message: the matchers' phrases are written
    for it, and the Doc the NLU pipeline's featurizers read is made from it too."""
    text = text.translate(_QUOTES).lower()
    text = _REPEATS.sub(r"\1\1", text)
    return " ".join(text.split())


class SafetyNet:
    def __init__(self, patterns_file: Path = PATTERNS_FILE, nlp=None):
        # spaCy is imported here, not with the module: the action server reads SafetyResult and
        # the risk step's rules without spaCy (46 MB instead of ~475 MB).
        from spacy.matcher import Matcher, PhraseMatcher

        from bot.nlu.spacy_pipeline import shared_nlp

        self.nlp = nlp or shared_nlp()
        with open(patterns_file, encoding="utf-8") as f:
            raw = yaml_files.safe_load(f)
        config = raw["categories"]
        self.order: List[str] = list(config)
        self.intents = {name: c.get("intent") for name, c in config.items()}
        self.blockers = {name: blockers(c.get("not_followed_by")) for name, c in config.items()}
        self.negatable = {name for name, c in config.items() if c.get("negatable")}
        self.negation_far = {name for name, c in config.items() if c.get("negatable") == "far"}
        mentions = raw.get("mentions") or {}
        self.mention_words = {normalise(w) for w in mentions.get("words") or ()}
        self.first_person = set(mentions.get("first_person") or ())
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemmas = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.tokens = Matcher(self.nlp.vocab)
        for name, c in config.items():
            if c.get("phrases"):
                self.phrases.add(name, list(self.nlp.tokenizer.pipe(map(normalise, c["phrases"]))))
            if c.get("lemma_phrases"):
                self.lemmas.add(name, list(self.nlp.pipe(map(normalise, c["lemma_phrases"]))))
            if c.get("patterns"):
                self.tokens.add(name, c["patterns"])

    def check(self, text: str) -> SafetyResult:
        return self.check_doc(self.nlp(normalise(text or "")))

    def check_doc(self, doc) -> SafetyResult:
        """The verdict on a message's Doc: one made by this net's pipeline from normalise(text)."""
        hits = []
        for matcher in (self.phrases, self.lemmas, self.tokens):
            for match_id, start, end in matcher(doc):
                name = self.nlp.vocab.strings[match_id]
                if followed_by(doc, end, self.blockers[name]):
                    continue
                if name in self.negatable and _negated(doc, start, far=name in self.negation_far):
                    continue
                hits.append((name, doc[start:end].text, start, end))
        if not hits:
            return SafetyResult(urgent=False)
        categories = tuple(n for n in self.order if any(h[0] == n for h in hits))
        return SafetyResult(
            urgent=True,
            categories=categories,
            intent=self.intents[categories[0]],
            matches=tuple(sorted({h[1] for h in hits})),
            mention_only=all(self._mention(doc, text, start, end) for _, text, start, end in hits),
        )

    def _mention(self, doc, text: str, start: int, end: int) -> bool:
        if text not in self.mention_words:
            return False
        first = start
        while first > 0 and doc[first - 1].text not in SENTENCE_ENDS:
            first -= 1
        if start - 1 == first and doc[first].lower_ in _TELEGRAPHIC:
            return False  # "being blackmailed pls help", "feeling suicidal": the writer, subject left out
        last = end
        while last < len(doc) and doc[last].text not in SENTENCE_ENDS:
            last += 1
        return not any(t.lower_ in self.first_person for t in doc[first:last])


def blockers(entries) -> FrozenSet[Tuple[str, ...]]:
    """A `not_followed_by` list as word sequences: a word ("videos") or words ("my parents")."""
    return frozenset(tuple(str(e).lower().split()) for e in entries or ())


def followed_by(doc, end: int, words: FrozenSet[Tuple[str, ...]]) -> bool:
    """The tokens from `end` on start with one of these word sequences."""
    return any(tuple(t.lower_ for t in doc[end:end + len(w)]) == w for w in words)


def _negated(doc, start: int, far: bool = False) -> bool:
    at = start - 1
    if far:  # over up to three bridging words to "no" or a negation
        while at >= 0 and start - at <= 3 and doc[at].lower_ in NEGATION_BRIDGES:
            at -= 1
        if at < 0 or (doc[at].lower_ != "no" and doc[at].lower_ not in _NEGATIONS):
            at = start - 1
        elif doc[at].lower_ == "no":
            return True
    if at < 0 or doc[at].lower_ not in _NEGATIONS:
        return False
    return not (doc[at].lower_ in ("n't", "nt") and at > 0 and doc[at - 1].lower_ in _NOT_NEGATING)


@lru_cache(maxsize=1)
def shared_safety_net() -> SafetyNet:
    """One net per process, on the process's one spaCy pipeline."""
    return SafetyNet()
