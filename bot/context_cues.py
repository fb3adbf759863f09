"""Context cues: audience, age, platform and the other person, read from the message.

They tailor the answer (adult advice for "my son", no 13+ services for an 11-year-old);
they never decide urgency, which is the safety net's job.
"""
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional

import yaml
from spacy.matcher import Matcher, PhraseMatcher

from bot import BOT_DIR
from bot.safety_net import normalise, shared_safety_net

PATTERNS_FILE = BOT_DIR / "context_patterns.yml"
# "i'm 13", "im only 12", "i am 15 years old", "my 12 year old", "my son (14)"
AGE_PATTERNS = {
    "self": [
        [{"LOWER": {"IN": ["i'm", "im", "i"]}}, {"LOWER": {"IN": ["am", "'m", "m"]}, "OP": "?"},
         {"LOWER": {"IN": ["only", "just"]}, "OP": "?"}, {"LIKE_NUM": True}],
    ],
    "child": [
        [{"LOWER": {"IN": ["my", "our", "a", "her", "his"]}}, {"LIKE_NUM": True},
         {"LOWER": {"IN": ["year", "yr", "years", "yrs"]}}, {"LOWER": {"IN": ["old", "-"]}}],
        [{"LOWER": {"IN": ["my", "our", "a", "her", "his"]}}, {"TEXT": {"REGEX": r"^\d{1,2}(yo|yr|y/o)$"}}],
    ],
}


@dataclass(frozen=True)
class Cues:
    audience: Optional[str] = None
    age: Optional[int] = None
    platform: Optional[str] = None
    person: Optional[str] = None
    situation: Optional[str] = None  # bot/content/situations/<name>.yml

    def as_dict(self) -> Dict:
        return {"audience": self.audience, "age": self.age, "platform": self.platform, "person": self.person,
                "situation": self.situation}

    def entities(self) -> List[Dict]:
        found = {"age": self.age, "platform": self.platform, "person": self.person}
        return [{"entity": k, "value": v, "extractor": "ContextCues"} for k, v in found.items() if v is not None]


def _age(text: str) -> Optional[int]:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits and 5 <= int(digits) <= 25 else None


class ContextCues:
    def __init__(self, nlp=None):
        self.nlp = nlp or shared_safety_net().nlp
        with open(PATTERNS_FILE, encoding="utf-8") as f:
            config = yaml.safe_load(f)
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.labels = {}
        groups = [("audience", config["audience"]), ("platform", config["platforms"]), ("person", config["persons"]),
                  ("situation", config.get("situations") or {})]
        for kind, mapping in groups:
            for value, phrases in mapping.items():
                key = f"{kind}:{value}"
                self.labels[key] = (kind, value)
                self.phrases.add(key, list(self.nlp.tokenizer.pipe(map(normalise, phrases))))
        self.ages = Matcher(self.nlp.vocab)
        for whose, patterns in AGE_PATTERNS.items():
            self.ages.add(whose, patterns)

    def read(self, text: str) -> Cues:
        doc = self.nlp.tokenizer(normalise(text or ""))
        found: Dict[str, str] = {}
        for match_id, _, _ in sorted(self.phrases(doc), key=lambda m: m[1]):
            kind, value = self.labels[self.nlp.vocab.strings[match_id]]
            found.setdefault(kind, value)
        age, whose, owner = None, None, None
        for match_id, start, end in sorted(self.ages(doc), key=lambda m: m[1]):
            kind = self.nlp.vocab.strings[match_id]
            value = _age(doc[end - 1].text if kind == "self" else doc[start + 1].text)
            if value is not None and age is None:
                age, whose, owner = value, kind, doc[start].lower_
        audience = found.get("audience")
        if audience is None and age is not None:
            if whose == "self" and age < 18:
                audience = "young_person"
            elif whose == "child" and owner in ("my", "our"):
                audience = "parent"
        return Cues(audience=audience, age=age, platform=found.get("platform"), person=found.get("person"),
                    situation=found.get("situation"))


@lru_cache(maxsize=1)
def shared_context_cues() -> ContextCues:
    return ContextCues()
