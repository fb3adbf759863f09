"""Context cues: audience, age, platform and the other person, read from the message.

They tailor the answer (adult advice for "my son", no 13+ services for an 11-year-old);
on their own they never decide urgency, which is the risk step's job. They also read who the
message is about (`subject`, with `subject_age` for "she's 14" / "my daughter is 12"), a new
fact that may make the conversation urgent (`escalation`, judged with the conversation so far
by bot/domain/conversation_state.py), a question inside the topic (`question`), "i'm safe now"
(`safe`), and `detail_only`: the message says nothing but such details.
"""
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot import yaml_files
from spacy.matcher import Matcher, PhraseMatcher

from bot.domain.taxonomy import ADULT_AGE
from bot.nlu.safety_net import normalise, shared_safety_net

PATTERNS_FILE = Path(__file__).with_name("context_patterns.yml")
# "i'm 13", "im only 12", "i am 15 years old", "my 12 year old", "my son (14)"
AGE_PATTERNS = {
    "self": [
        [{"LOWER": {"IN": ["i'm", "im", "i"]}}, {"LOWER": {"IN": ["am", "'m", "m"]}, "OP": "?"},
         {"LOWER": {"IN": ["only", "just"]}, "OP": "?"}, {"LIKE_NUM": True}],
    ],
    # "she's 14", "he is only 12", "they're 13": someone else's age (the subject's, or the other
    # person's when 18 or over and the writer speaks of themself)
    "third": [
        [{"LOWER": {"IN": ["she's", "shes", "he's", "hes", "they're", "theyre", "she", "he", "they"]}},
         {"LOWER": {"IN": ["is", "'s", "s", "are", "'re"]}, "OP": "?"},
         {"LOWER": {"IN": ["only", "just", "like", "about", "nearly", "almost"]}, "OP": "?"}, {"LIKE_NUM": True}],
    ],
    # "my daughter is 12", "my friend is 13", "my son's 14"
    "named": [
        [{"LOWER": {"IN": ["my", "our"]}}, {"LOWER": {"IN": ["son", "daughter", "child", "kid", "friend", "mate", "pal",
                                                          "sister", "brother", "pupil", "stepson", "stepdaughter",
                                                          "bestie", "bff"]}},
         {"LOWER": {"IN": ["is", "'s", "s"]}}, {"LOWER": {"IN": ["only", "just", "nearly", "almost"]}, "OP": "?"},
         {"LIKE_NUM": True}],
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
    subject: Optional[str] = None  # child, pupil, friend, sibling (None: the writer, or not said)
    subject_age: Optional[int] = None  # "she's 14", "my daughter is 12"
    escalation: Optional[str] = None  # meeting, threat, violence, image_request, money_demand
    question: Optional[str] = None  # pay, trouble, tell_parents, report, anonymous, delete, school, block,
    # find_out, first, call, fault, talk, steps
    concern: Optional[str] = None  # a topic intent said beside something else ("i just feel really low")
    safe: bool = False  # "i'm safe now"
    detail_only: bool = False  # nothing but details (an age, an app, who the other person is)
    _phrases: Optional[Dict[str, str]] = field(default=None, compare=False, repr=False)  # entity -> text

    def as_dict(self) -> Dict:
        return {"audience": self.audience, "age": self.age, "platform": self.platform, "person": self.person,
                "situation": self.situation, "subject": self.subject, "subject_age": self.subject_age,
                "escalation": self.escalation, "question": self.question, "safe": self.safe,
                "detail_only": self.detail_only, "concern": self.concern}

    def entities(self, spans: Optional[Dict[str, Tuple[int, int]]] = None) -> List[Dict]:
        """age/platform/person as Rasa entities; with `start`/`end` (characters in the message)
        where the phrase was found, so `rasa test --e2e` can compare them with annotations."""
        found = {"age": self.age, "platform": self.platform, "person": self.person}
        entities = []
        for key, value in found.items():
            if value is None:
                continue
            entity = {"entity": key, "value": value, "extractor": "ContextCues"}
            if spans and key in spans:
                entity["start"], entity["end"] = spans[key]
            entities.append(entity)
        return sorted(entities, key=lambda e: e.get("start", -1))

    def spans(self, text: str) -> Dict[str, Tuple[int, int]]:
        """Where each entity's phrase is in the original message (first occurrence)."""
        found = {}
        lower = (text or "").lower()
        for key, phrase in (self._phrases or {}).items():
            at = lower.find(phrase)
            if at >= 0:
                found[key] = (at, at + len(phrase))
        return found


# Question kinds that win over another kind found earlier in the same message ("should i delete,
# block or report first" is about the order, not about deleting).
PRIORITY_QUESTIONS = ("first",)
# Kinds of cue that are details of the situation (what refinement is made of).
DETAIL_KINDS = ("audience", "platform", "person", "subject")
SUBJECT_WORDS = {"son": "child", "daughter": "child", "child": "child", "kid": "child", "stepson": "child",
                 "stepdaughter": "child", "friend": "friend", "mate": "friend", "pal": "friend", "bestie": "friend",
                 "bff": "friend", "sister": "sibling", "brother": "sibling", "pupil": "pupil"}
# Words that add nothing beside a detail ("it's on snapchat", "she is only 14 years old").
FILLER = set("""
a an the and but so or is are was were be it its it's this that he she they he's she's they're hes shes theyre
his her their them him on in at from by of to with via over through like only just about nearly almost ok okay
yeah yes no oh um umm well also too btw tbh ngl fyi lol and im i'm i me my our we us years year yrs yr old y/o yo
s 's 're 'm m now though actually really called app game
""".split())


def _age(text: str) -> Optional[int]:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits and 5 <= int(digits) <= 25 else None


class ContextCues:
    def __init__(self, nlp=None):
        self.nlp = nlp or shared_safety_net().nlp
        with open(PATTERNS_FILE, encoding="utf-8") as f:
            config = yaml_files.safe_load(f)
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.labels = {}
        groups = [("audience", config["audience"]), ("platform", config["platforms"]), ("person", config["persons"]),
                  ("situation", config.get("situations") or {}), ("subject", config.get("subjects") or {}),
                  ("escalation", config.get("escalation") or {}), ("question", config.get("questions") or {}),
                  ("safe", {"yes": config.get("safe") or []}), ("concern", config.get("concerns") or {})]
        for kind, mapping in groups:
            for value, phrases in mapping.items():
                key = f"{kind}:{value}"
                self.labels[key] = (kind, value)
                self.phrases.add(key, list(self.nlp.tokenizer.pipe(map(normalise, phrases))))
        self.ages = Matcher(self.nlp.vocab)
        for whose, patterns in AGE_PATTERNS.items():
            self.ages.add(whose, patterns)

    def read(self, text: str) -> Cues:
        return self.read_doc(self.nlp.tokenizer(normalise(text or "")))

    def read_doc(self, doc) -> Cues:
        """The cues in a message's Doc, made from normalise(text) (only its tokens are read: the
        message's one Doc, lemmas and all, serves as well as the tokenizer's)."""
        found: Dict[str, str] = {}
        covered = set()
        phrases: Dict[str, str] = {}
        for match_id, start, end in sorted(self.phrases(doc), key=lambda m: m[1]):
            kind, value = self.labels[self.nlp.vocab.strings[match_id]]
            if kind == "question" and value in PRIORITY_QUESTIONS:
                found[kind] = value  # "should i delete, block or report first" is about the order
            found.setdefault(kind, value)
            if kind in ("platform", "person") and found[kind] == value:
                phrases.setdefault(kind, doc[start:end].text)
            if kind in DETAIL_KINDS:
                covered.update(range(start, end))
        age, whose, owner = None, None, None
        subject_age = None
        for match_id, start, end in sorted(self.ages(doc), key=lambda m: m[1]):
            kind = self.nlp.vocab.strings[match_id]
            covered.update(range(start, end))
            if kind in ("third", "named"):
                value = _age(doc[end - 1].text)
                if kind == "named" and found.get("subject") is None and doc[start + 1].lower_ in SUBJECT_WORDS:
                    found["subject"] = SUBJECT_WORDS[doc[start + 1].lower_]
                if value is not None and subject_age is None:
                    subject_age = value
                continue
            token = doc[end - 1] if kind == "self" else doc[start + 1]
            value = _age(token.text)
            if value is not None and age is None:
                age, whose, owner = value, kind, doc[start].lower_
                phrases["age"] = token.text
        if whose == "child" and owner not in ("my", "our") and age is not None and age >= ADULT_AGE:
            found.setdefault("person", "adult")  # "talking to a 19 year old"
            age, whose = None, None
        if whose == "child" and subject_age is None:
            subject_age = age
        audience = found.get("audience")
        if audience is None and age is not None:
            if whose == "self" and age < ADULT_AGE:
                audience = "young_person"
            elif whose == "child" and owner in ("my", "our"):
                audience = "parent"
        if audience is None and found.get("subject") in ("child", "pupil"):
            audience = "parent" if found["subject"] == "child" else "professional"
        if found.get("audience") == "professional" and found.get("person") == "teacher":
            del found["person"]  # "i'm a teacher": the writer, not the other person
        # "i'm a parent" alone is an audience statement, not a detail (action_set_audience).
        details = any(found.get(k) for k in ("platform", "person", "subject")) or age is not None \
            or subject_age is not None
        rest = [t for i, t in enumerate(doc) if i not in covered and not t.is_punct and t.lower_ not in FILLER]
        detail_only = details and len(rest) <= 1 and not found.get("escalation") and not found.get("question") \
            and not found.get("concern")
        return Cues(audience=audience, age=age if whose != "child" else age, platform=found.get("platform"),
                    person=found.get("person"), situation=found.get("situation"), subject=found.get("subject"),
                    subject_age=subject_age, escalation=found.get("escalation"), question=found.get("question"),
                    safe="safe" in found, detail_only=detail_only, concern=found.get("concern"), _phrases=phrases)


@lru_cache(maxsize=1)
def shared_context_cues() -> ContextCues:
    return ContextCues()
