"""The facts of a message that the safeguarding rules need.

Who is writing and how old the young person is, who the other person is and how old, what
happened or is happening, when, and how it is said (a question, a story, a figure of speech).
Read with spaCy matchers on the safety net's normalised text (phrases in facts.yml) and a
small age reader ("im 14", "my son (12)", "a 19 year old guy", "she's in S2", "in his 30s").
Deterministic and fast (well under 2 ms for a 100-word message). The facts describe; the rules
(bot/nlu/risk/rules.py) decide.

Choices worth knowing:
- "nearly/almost sixteen" is read as 15: the age now, which is what the law asks.
- A "he/she/they" or "a boy/girl" age under 18 is the child's when the message is about a
  child (or nobody in particular) and the gender does not clash, else the other person's;
  18 and over is always the other person's.
- "was" ages count only for the other person ("the man was 40"): "when i was 12" is the past.
"""
import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Dict, FrozenSet, List, NamedTuple, Optional, Tuple


from bot import yaml_files
from bot.domain.taxonomy import ADULT_AGE as ADULT
from bot.nlu.risk import tense
from bot.nlu.safety_net import NEGATION_BRIDGES, SENTENCE_ENDS, blockers, followed_by, normalise, shared_safety_net

FACTS_FILE = Path(__file__).with_name("facts.yml")
CHILD_AGES = range(5, 26)  # the writer's or the child's
OTHER_AGES = range(5, 71)
SETS = ("other", "acts", "when", "manner")
FLAGS = ("romance", "sexual", "secrecy", "private_contact", "images")
PRONOUNS = ("he", "she", "they", "him")
NAMED = ("subject:child", "subject:pupil", "subject:friend", "subject:sibling")  # stronger than "i"/"me"
AGE_TOKEN = re.compile(r"^(\d{1,2})(yo|yrs?|y)$")  # "14yo", "14yrs"; "14y/o" is "14y" "/" "o"
SCHOOL = re.compile(r"^([sp])([1-7])$")  # "s3", "p7"
YEAR_TOKEN = re.compile(r"^(?:yr|year|y)-?(\d{1,2})$")  # "yr9", "year-9"
BIRTHDAY_NTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")  # "13th" birthday
NTH_WORDS = {"fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
             "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
             "seventeenth": 17, "eighteenth": 18}
BIRTHDAYS = {"birthday", "birthdays", "bday", "b-day", "bday's", "birthday's"}
PAIRED = {"and", "&", "n", "vs", "an", "v"}  # "fourteen and 19", "me 14 him 19" is read by its pronouns
GAP_WORDS = {"gap", "difference", "apart"}
# "me 15 him 22": an age right after its pronoun, when nothing else follows it ("her 19 followers")
OBJECT_PRONOUNS = {"me", "him", "her"}
AFTER_PRONOUN_AGE = {"me", "him", "her", "and", "n", "is", "isnt", "its", "he", "she", "hes", "shes", "im", "i"}
# Asking whether an age gap is too big is asking about a romance ("im 14 and hes 19, is that too big
# a gap"), unless the older one is family ("my brother is 19 and im 14, big age gap but we get on").
GAP_TALK = GAP_WORDS | {"weird", "wrong", "creepy", "legal", "illegal", "allowed"}
WORD_CHAR = re.compile(r"\w")
ENDS = {"and", "but", "so", "i", "im", "now", "or", "years", "yrs"}  # words that may follow "his 18"


@dataclass(frozen=True)
class Facts:
    writer_age: Optional[int] = None  # the writer's own age
    child_age: Optional[int] = None  # the child, pupil, friend or sibling written about
    other_age: Optional[int] = None  # the other person's
    older_by: Optional[int] = None  # "5 years older than me"
    other: FrozenSet[str] = frozenset()  # adult, older, trusted, family, partner, stranger, online, peer
    romance: bool = False
    sexual: bool = False
    secrecy: bool = False
    private_contact: bool = False
    images: bool = False
    acts: FrozenSet[str] = frozenset()  # what happened or is happening (facts.yml: acts:*)
    when: FrozenSet[str] = frozenset()  # now, soon, recent, present (bare "now", "still"), past, recovered
    manner: FrozenSet[str] = frozenset()  # question, project, fiction, figurative, negated, hypothetical, ...
    subject: Optional[str] = None  # writer, child, pupil, friend, sibling, other
    spans: Tuple[Tuple[str, int, int], ...] = ()  # (fact id, start, end): characters of the original text

    def as_dict(self) -> Dict:
        found = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "spans"}
        return {**found, **{name: sorted(found[name]) for name in SETS}}

    @classmethod
    def from_dict(cls, raw: Optional[Dict]) -> "Facts":
        if not raw:
            return cls()
        known = {f.name: raw[f.name] for f in fields(cls) if f.name in raw and f.name != "spans"}
        return cls(**{**known, **{name: frozenset(raw.get(name) or ()) for name in SETS}})

    @property
    def youngest_child_age(self) -> Optional[int]:
        """The age of the child at risk: the writer's if a young person writes about themself, else
        the child's written about. An adult writing about themself, with no child's age, gives their
        own age: nobody is known to be a child."""
        if self.writer_age is not None and self.subject in (None, "writer") \
                and (self.writer_age < ADULT or self.child_age is None):
            return self.writer_age
        return self.child_age

    @property
    def adult_other(self) -> bool:
        if "adult" in self.other or (self.other_age is not None and self.other_age >= ADULT):
            return True
        age = next((a for a in (self.youngest_child_age, self.writer_age) if a is not None), None)
        return bool(self.older_by) and age is not None and age + self.older_by >= ADULT


def merge(earlier: Facts, now: Facts) -> Facts:
    """The conversation so far plus this message. Time and manner describe this message only,
    and so do the spans (they point into its text)."""
    def latest(name):
        value = getattr(now, name)
        return value if value is not None else getattr(earlier, name)

    return replace(
        now, **{name: latest(name) for name in ("writer_age", "child_age", "other_age", "older_by", "subject")},
        **{flag: getattr(earlier, flag) or getattr(now, flag) for flag in FLAGS},
        other=earlier.other | now.other, acts=earlier.acts | now.acts)


class Mention(NamedTuple):
    """An age in the text: tokens [start, end) hold the number, `after` is the token after
    the whole phrase ("14 year old" -> the word after "old"), `context` why it is an age."""
    value: int
    start: int
    end: int
    after: int
    context: str  # year_old, be, was, paren, school, decade, his, birthday, pair


class FactReader:
    def __init__(self, nlp=None, facts_file=FACTS_FILE):
        from spacy.matcher import Matcher, PhraseMatcher  # here: the action server imports Facts without spaCy

        self.nlp = nlp or shared_safety_net().nlp
        with open(facts_file, encoding="utf-8") as f:
            config = yaml_files.safe_load(f)
        self.words = {k: (set(v) if isinstance(v, list) else v) for k, v in config["words"].items()}
        self.owner = {word: kind for kind, words in config["words"]["owners"].items() for word in words}
        self.negatable = set(config["negatable"])
        # words the owner search walks back over: "my daughter [is only] 14", "he['s in] s3"
        w = self.words
        self.skip = w["be"] | w["be_past"] | w["turned"] | w["hedges"] | w["less_one"] | {"(", ",", "-", '"', "'"}
        self.starters = {*w["numbers"], *w["tens"], *w["decades"], *w["ordinals"], *w["grades"], "year", "yr"}
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemmas = PhraseMatcher(self.nlp.vocab, attr="LEMMA")
        self.tokens = Matcher(self.nlp.vocab)
        self.not_after: Dict[str, set] = {}
        self.not_before: Dict[str, FrozenSet[Tuple[str, ...]]] = {}  # word sequences that may not follow
        self.only_after: Dict[str, set] = {}  # kept only after one of these words (or a negation)
        for key, spec in config["facts"].items():
            spec = spec if isinstance(spec, dict) else {"phrases": spec}
            for attr, matcher, make in (("phrases", self.phrases, self.nlp.tokenizer.pipe),
                                        ("lemmas", self.lemmas, self.nlp.pipe)):
                texts = list(spec.get(attr) or ()) + [" ".join(filter(None, words)) for lists in
                                                      spec.get(f"{attr}_from") or () for words in product(*lists)]
                texts = [normalise(p) for p in texts]
                texts += ["ma " + p[3:] for p in texts if p.startswith("my ")]
                if texts:
                    matcher.add(key, list(make(texts)))
            if spec.get("patterns"):
                self.tokens.add(key, spec["patterns"])
            self.not_after[key] = set(spec.get("not_after") or ())
            self.not_before[key] = blockers(spec.get("not_before"))
            self.only_after[key] = set(spec.get("only_after") or ())

    def read(self, text: str, doc=None) -> Facts:
        """`doc`: the message's Doc when already made, of normalise(text) by this pipeline (the
        message's one reading, bot/nlu/reading.py); without it, it is made here."""
        text = text or ""
        norm = normalise(text) if doc is None else doc.text
        doc = self.nlp(norm) if doc is None else doc
        matches, negated = self._matches(doc)
        matches += self._laughed_off(doc)
        matches = _days_gone_by(doc, matches)
        matches = _over_and_done(doc, matches)
        ids = {fact for fact, _, _ in matches}
        mentions = self._mentions(doc)
        owners = [self._owner(doc, m) for m in mentions]
        subject, gender = self._subject(doc, matches, mentions, owners)
        ages: Dict[str, int] = {}
        age_spans = []
        for mention, (kind, owner_gender) in zip(mentions, owners):
            name = self._whose(mention, kind, owner_gender, subject, gender, ages)
            allowed = OTHER_AGES if name in ("other_age", None) else CHILD_AGES
            if name and name not in ages and mention.value in allowed \
                    and (mention.context != "was" or name == "other_age"):
                ages[name] = mention.value
                age_spans.append((name, mention.start, mention.end))
        older_by = self._older_by(doc)
        if older_by:
            ids.add("other:older")
            age_spans.append(("older_by",) + older_by[1:])
        if ages.get("other_age", 0) >= ADULT:
            ids.add("other:adult")
        if "other:partner" in ids:
            ids.add("romance")
        if self._gap_talk(doc, ages, ids):
            ids.add("romance")
        negated = [span for span in negated if not any(s <= span[0] and span[1] <= e for _, s, e in matches)]
        if negated:
            ids.add("manner:negated")
            matches += [("manner:negated", s, e) for s, e in negated]
        where = _alignment(text, norm)
        shown = [(fact, s, e) for fact, s, e in matches + age_spans
                 if not fact.startswith(("writer:", "subject:")) or fact == f"subject:{subject}"]
        spans = () if where is None else tuple(sorted(
            {(fact, *_chars(doc, where, text, s, e)) for fact, s, e in shown}, key=lambda sp: (sp[1], sp[2], sp[0])))
        return Facts(
            writer_age=ages.get("writer_age"), child_age=ages.get("child_age"), other_age=ages.get("other_age"),
            older_by=older_by[0] if older_by else None,
            other=_group(ids, "other"), acts=_group(ids, "acts"), when=_group(ids, "when"),
            manner=_group(ids, "manner"), subject=subject, spans=spans,
            **{flag: flag in ids for flag in FLAGS})

    # --- phrases

    def _matches(self, doc) -> Tuple[List[Tuple[str, int, int]], List[Tuple[int, int]]]:
        """(fact id, start, end) of the phrases kept, and the (start, end) of those negated."""
        raw = set()
        for matcher in (self.phrases, self.lemmas, self.tokens):
            for match_id, start, end in matcher(doc):
                raw.add((self.nlp.vocab.strings[match_id], start, end))
        # the longest match of an entry only: "pe teacher", not also "teacher" inside it
        raw = [m for m in raw if not any(o[0] == m[0] and o[1] <= m[1] and m[2] <= o[2] and o != m for o in raw)]
        kept, negated = [], []
        for key, start, end in sorted(raw, key=lambda m: (m[1], m[2], m[0])):
            fact = key.split("/")[0]
            before = self._word_before(doc, start)
            if before is not None and doc[before].lower_ in self.not_after[key]:
                continue
            if followed_by(doc, end, self.not_before[key]):
                continue
            if fact == "acts:pills_taken" and self._a_usual_dose(doc, start, end):
                continue
            if self.only_after[key] and (before is None or doc[before].lower_ not in
                                         self.only_after[key] | self.words["negations"]):
                continue
            if fact.split(":")[0] in self.negatable and before is not None:
                if fact.startswith("acts:meeting"):  # "no talk of meeting up", as the net reads it
                    while before > 0 and start - before <= 3 and doc[before].lower_ in NEGATION_BRIDGES:
                        before -= 1
                if doc[before].lower_ in self.words["negations"] and not _conditional(doc, before):
                    negated.append((before, end))
                    continue
            kept.append((fact, start, end))
        # A time or manner inside a longer one is part of it: "now" in "i'm safe now".
        return [m for m in kept if not (m[0].startswith(("when:", "manner:")) and any(
            o[0] != m[0] and o[0].split(":")[0] == m[0].split(":")[0] and o[1] <= m[1] and m[2] <= o[2]
            and o[2] - o[1] > m[2] - m[1] for o in kept))], negated

    def _a_usual_dose(self, doc, start: int, end: int) -> bool:
        """"i took 2 paracetamol for my headache": one or two tablets, not two packets of them."""
        words = [t.lower_ for t in doc[start:end]]
        if CONTAINERS & set(words):
            return False
        numbers = [self._number(doc, i) for i in range(start, end)]
        return any(n is not None and n[0] <= USUAL_DOSE for n in numbers)

    def _word_before(self, doc, start: int) -> Optional[int]:
        """The word before a phrase, over determiners: "not [my] boyfriend", "told [a] teacher"."""
        i = start - 1
        while i >= 0 and doc[i].lower_ in self.words["determiners"]:
            i -= 1
        return i if i >= 0 else None

    def _laughed_off(self, doc) -> List[Tuple[str, int, int]]:
        """A death word with a laugh just after it: "i'm gonna die lol", "he'll kill me 😂"."""
        found = []
        for i, token in enumerate(doc):
            if token.lower_ in self.words["death"]:
                for j in range(i + 1, min(len(doc), i + 6)):
                    if doc[j].lower_ in self.words["laughs"]:
                        found.append(("manner:figurative", i, j + 1))
                        break
        return found

    # --- ages

    def _number(self, doc, i: int) -> Optional[Tuple[int, int, bool]]:
        """The number at token i: (value, end, already says "years old" as in "14yo")."""
        w, text = self.words, doc[i].lower_
        if text.isdigit() and len(text) <= 2:
            return int(text), i + 1, False
        found = AGE_TOKEN.match(text)
        if found and found[2] != "y":
            return int(found[1]), i + 1, True
        if found:
            return (int(found[1]), i + 3, True) if doc[i + 1:i + 3].text == "/o" else None
        if text in w["numbers"]:
            return w["numbers"][text], i + 1, False
        if text in w["tens"]:  # "twenty", "twenty one", "twenty-one"
            j = i + 2 if doc[i + 1:i + 2].text == "-" else i + 1
            unit = w["numbers"].get(doc[j:j + 1].text.lower(), 0)
            if 0 < unit < 10:
                return w["tens"][text] + unit, j + 1, False
            return w["tens"][text], i + 1, False
        return None

    def _mentions(self, doc) -> List[Mention]:
        found, i = [], 0
        while i < len(doc):
            text = doc[i].lower_
            maybe = text[:1].isdigit() or text in self.starters or SCHOOL.match(text) or YEAR_TOKEN.match(text) \
                or text in NTH_WORDS
            mention = maybe and (self._birthday(doc, i) or self._school_year(doc, i) or self._decade(doc, i)
                                 or self._age_number(doc, i))
            if mention:
                found.append(mention)
            i = mention.after if mention else i + 1
        return found

    @staticmethod
    def _birthday(doc, i: int) -> Optional[Mention]:
        """"her 13th birthday", "my sixteenth bday": the age it makes them."""
        text = doc[i].lower_
        found = BIRTHDAY_NTH.match(text)
        value = int(found[1]) if found else NTH_WORDS.get(text)
        if value and 5 <= value < ADULT and i + 1 < len(doc) and doc[i + 1].lower_ in BIRTHDAYS:
            return Mention(value, i, i + 1, i + 2, "birthday")
        return None

    def _paired(self, doc, i: int, end: int) -> bool:
        """"fourteen and 19 isn't a big gap": two ages side by side, said to be a gap."""
        n = len(doc)
        beside = (end + 1 < n and doc[end].lower_ in PAIRED and self._number(doc, end + 1) is not None) or \
            (i >= 2 and doc[i - 1].lower_ in PAIRED and self._number(doc, i - 2) is not None)
        return beside and any(t.lower_ in GAP_WORDS for t in doc)

    def _age_number(self, doc, i: int) -> Optional[Mention]:
        w, n = self.words, len(doc)
        parsed = self._number(doc, i)
        if not parsed or (i and doc[i - 1].text in w["money"]):
            return None
        value, end, year_old = parsed
        after = end
        if not year_old:
            j = end + 1 if end < n and doc[end].text == "-" else end
            if j < n and doc[j].lower_ in w["year"]:
                k = j + 2 if j + 1 < n and doc[j + 1].text == "-" else j + 1
                if k < n and doc[k].lower_ == "old":
                    year_old, after = True, k + 1
                elif doc[k:k + 2].text == "of age":
                    year_old, after = True, k + 2
                else:
                    return None  # "2 years ago", "5 years older", "for 3 years"
            elif j < n and doc[j].lower_ in w["year_old"]:
                year_old, after = True, j + 1
            elif doc[j:j + 3].text.replace(" ", "") == "y/o":
                year_old, after = True, j + 3
        if not year_old and after < n and doc[after].lower_ in w["units"]:
            return None  # "10 mins", "5 pm", "20 quid"
        k = i - 1
        while k >= 0 and (doc[k].lower_ in w["hedges"] or doc[k].lower_ in w["less_one"]):
            k -= 1
        if any(doc[x].lower_ in w["less_one"] for x in range(k + 1, i)):
            value -= 1  # "nearly sixteen" is fifteen
        before = doc[k].lower_ if k >= 0 else ""
        if year_old:
            context = "year_old"
        elif before in w["be"] or before in w["turned"]:
            context = "be"
        elif before in w["be_past"]:
            context = "was"
        elif before == "(" and after < n and doc[after].text == ")":
            context = "paren"
        elif before == "his" and k == i - 1 and (after >= n or not doc[after].is_alpha or doc[after].lower_ in ENDS):
            context = "his"  # "his 18 and i'm 15": "he's" as it is often typed
        elif before in OBJECT_PRONOUNS and k == i - 1 and (after >= n or not doc[after].is_alpha
                                                           or doc[after].lower_ in AFTER_PRONOUN_AGE):
            context = "be"  # "me 15 him 22", "her 14 me 17": the age beside its pronoun
        elif 5 <= value <= 60 and self._paired(doc, i, end):
            context = "pair"
        else:
            return None
        return Mention(value, i, end, after, context)

    def _school_year(self, doc, i: int) -> Optional[Mention]:
        """"in s3", "she's in P7", "an S2 pupil", "in year 9", "a second year", "im a freshman"."""
        w, n, text = self.words, len(doc), doc[i].lower_
        value, end = None, i + 1
        school, year = SCHOOL.match(text), YEAR_TOKEN.match(text)
        if school and not (school[1] == "s" and school[2] == "7"):
            value = (4 if school[1] == "p" else 11) + int(school[2])  # P1 is 5, S1 is 12
        elif year and 1 <= int(year[1]) <= 13:
            value = int(year[1]) + 5  # English years: year 7 is 12
        elif text in ("year", "yr") and i + 1 < n and doc[i + 1].text.isdigit() and 1 <= int(doc[i + 1].text) <= 13:
            value, end = int(doc[i + 1].text) + 5, i + 2
        elif text in w["ordinals"] and i + 1 < n and doc[i + 1].lower_ == "year" and w["ordinals"][text] <= 6:
            value, end = 11 + w["ordinals"][text], i + 2  # Scottish secondary: second year is S2
        elif text in w["grades"]:
            value = w["grades"][text]
        if value is None:
            return None
        ahead = {t.lower_ for t in doc[end:end + 4]}
        if ahead & w["uni"] or any(t.lower_ in w["past_context"] for t in doc[max(0, i - 3):i]) \
                or any(t.lower_ in w["uni"] for t in doc[max(0, i - 12):i]):
            return None  # "first year at uni", "back in s1", "when i was in p7", "at uni, in his first year"
        before = doc[i - 1].lower_ if i else ""
        about_school = before in ("in", "a", "an") or (end < n and doc[end].lower_ in self.owner) \
            or ahead & {"school", "secondary", "academy", "high"} or text in w["grades"]
        return Mention(value, i, end, end, "school") if about_school else None

    def _decade(self, doc, i: int) -> Optional[Mention]:
        """"in his 30s", "in her early twenties"."""
        value = self.words["decades"].get(doc[i].lower_)
        j = i - 1
        while j >= 0 and doc[j].lower_ in ("early", "mid", "late", "-"):
            j -= 1
        if value is None or j < 1 or doc[j].lower_ not in ("his", "her", "their") or doc[j - 1].lower_ != "in":
            return None
        return Mention(value, i, i + 1, i + 1, "decade")

    def _owner(self, doc, mention: Mention) -> Tuple[Optional[str], Optional[str]]:
        """Whose age it is, as (kind of owner, gender): the noun just after ("a 19 year old
        guy", "an s2 pupil") or the noun, pronoun or "my" before ("my son is 14", "he's 19")."""
        if mention.context in ("decade", "his"):
            return "other", "m" if mention.context == "his" else None
        w = self.words
        after = mention.after if mention.context in ("year_old", "school") and mention.after < len(doc) \
            and doc[mention.after].lower_ in self.owner else None
        before, k, relative = None, mention.start - 1, False
        while k >= max(0, mention.start - 7):
            word = doc[k].lower_
            if word in self.owner or (word in w["possessive"] and not relative):
                before = k
                break
            relative = relative or word in ("who", "that")  # "this guy from roblox who's 24"
            if word not in self.skip and not relative:
                break
            k -= 1
        kinds = {at: self._kind(doc, at) for at in (before, after) if at is not None}
        if before is not None and (kinds[before][0] == "writer" or doc[before].lower_ in PRONOUNS):
            return kinds[before]
        if after is not None:
            if kinds[after][0] == "either" and before is not None and doc[before].lower_ in ("my", "our", "ma"):
                return "child", kinds[after][1]  # "my 8 year old boy"
            return kinds[after]
        return kinds[before] if before is not None else (None, None)

    def _kind(self, doc, at: int) -> Tuple[str, Optional[str]]:
        word = doc[at].lower_
        gender = self._gender(doc[at:at + 1])
        if word in self.words["possessive"]:
            return "child", None  # "my 13 year old"
        kind = self.owner[word]
        if kind == "either" and word not in PRONOUNS \
                and any(t.lower_ in ("my", "our", "ma") for t in doc[max(0, at - 3):at]):
            kind = "child"  # "my wee boy (11)"
        return kind, gender

    def _subject(self, doc, matches, mentions, owners) -> Tuple[Optional[str], Optional[str]]:
        """Who the message is about, and their gender when the words say it."""
        named = sorted((s, e, f.split(":")[1]) for f, s, e in matches if f in NAMED)
        if named:
            return named[0][2], self._gender(doc[named[0][0]:named[0][1]])
        for mention, (kind, gender) in zip(mentions, owners):
            if kind in ("child", "pupil") or (kind in ("friend", "sibling") and mention.value < ADULT):
                return kind, gender
        others = [(s, e) for f, s, e in matches if f == "subject:other"]
        outside = {t.lower_ for i, t in enumerate(doc) if not any(s <= i < e for s, e in others)}
        adult_writer = any(f == "writer:adult" for f, _, _ in matches)
        writer_age = any(kind == "writer" for kind, _ in owners)
        # "i think a girl in my class ..." is about her; "she sent my pics", "how do i block someone" about me
        mine = {"me", "my", "myself", "ma", "mine"} | (
            self.words["first_person"] if all(doc[s:e].text in ("someone", "somebody") for s, e in others) else set())
        if others and not writer_age and not outside & mine:
            return "other", self._gender(doc[others[0][0]:others[0][1]])
        if adult_writer:
            return None, None
        if writer_age or outside & self.words["first_person"]:
            return "writer", None
        return ("other", None) if others else (None, None)

    def _gender(self, span) -> Optional[str]:
        for token in span:
            if token.lower_ in self.words["female"] | self.words["male"]:
                return "f" if token.lower_ in self.words["female"] else "m"
        return None

    @staticmethod
    def _whose(mention: Mention, kind, gender, subject, subject_gender, ages) -> Optional[str]:
        """Which age field a mention fills."""
        if kind is None:
            if mention.context in ("school", "birthday"):  # "in year 9": the writer's, unless about someone else
                kind = "writer" if subject in (None, "writer") else "child"
            elif mention.context == "pair":  # "fourteen and 19 isn't a big gap": the younger is at risk
                kind = "other" if mention.value >= ADULT else ("writer" if subject in (None, "writer") else "child")
            elif mention.context == "year_old":  # "talking to a 19 year old"
                kind = "either"
            else:
                return None  # "it's 10", "there are 20"
        if kind == "writer":
            return "writer_age"
        if kind in ("child", "pupil"):
            return "child_age"
        if kind in ("friend", "sibling"):
            return "child_age" if mention.value < ADULT else "other_age"
        if kind == "other" or mention.value >= ADULT:
            return "other_age"
        # he, she, they, a boy, a girl, someone: the child's unless the writer speaks of themself
        clash = gender and subject_gender and gender != subject_gender
        if subject != "writer" and "child_age" not in ages and not clash:
            return "child_age"
        return "other_age"

    @staticmethod
    def _gap_talk(doc, ages: Dict[str, int], ids) -> bool:
        """An adult, not family, with a word about the gap ("me 15 him 22 is that weird", "fourteen
        and 19 isnt that big a gap", or "hes 19, is that too big a gap?" after "im 14" two messages
        back: the conversation's ages complete the rule)."""
        if ages.get("other_age", 0) < ADULT or "other:family" in ids:
            return False
        return any(t.lower_ in GAP_TALK for t in doc) or "too old" in doc.text.lower()

    def _older_by(self, doc) -> Optional[Tuple[int, int, int]]:
        """"5 years older", "ten yrs older than me": (years, start, end)."""
        for i in range(len(doc)):
            parsed = self._number(doc, i)
            if parsed and not parsed[2]:
                j = parsed[1]
                if j + 1 < len(doc) and doc[j].lower_ in self.words["year"] and doc[j + 1].lower_ == "older" \
                        and 0 < parsed[0] <= 60:
                    return parsed[0], i, j + 2
        return None


LIVE_MARKS = {"when:now", "when:soon", "when:recent", "when:present"}
# Tablets taken as medicine: at most this many, and not packets or boxes of them.
USUAL_DOSE = 2
CONTAINERS = {"packet", "packets", "box", "boxes", "bottle", "bottles", "pack", "packs", "strip", "strips", "tub"}
# Soon only when the sentence looks ahead: "on tuesday" and "later" also date a story, and so do
# these ("we went to a party at the weekend", "after school i picked her up"): they only order it.
ORDERS_A_STORY_TOLD_AS_PAST = {"at the weekend", "this weekend", "after school", "this afternoon",
                               "this evening", "later today", "later on today"}
WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "mon", "tues", "wed", "thurs", "fri", "sat", "sun"}


def _sentence_numbers(doc) -> List[int]:
    """For each token, the number of its sentence (an ending token belongs to its sentence)."""
    numbers, n = [], 0
    for token in doc:
        numbers.append(n)
        if token.text in SENTENCE_ENDS:
            n += 1
    return numbers


def _days_gone_by(doc, matches: List[Tuple[str, int, int]]) -> List[Tuple[str, int, int]]:
    """"she texted me on tuesday", "the bullies were suspended later in the week": in a sentence
    told in the past, with no future seen from it, a day named is days ago (just happened: never
    read as over), and "later", "at the weekend" or "after school" only order the story. "he said
    he'd meet me on friday" and "we're meeting after school" stay soon."""
    sentence = _sentence_numbers(doc)
    out = []
    for fact, start, end in matches:
        words = [t.lower_ for t in doc[start:end]]
        ambiguous = fact == "when:soon" and (
            (words[0] == "on" and words[-1] in WEEKDAYS) or words in (["later"], ["later", "on"])
            or " ".join(words) in ORDERS_A_STORY_TOLD_AS_PAST)
        if ambiguous:
            own = [i for i, n in enumerate(sentence) if n == sentence[start]]
            if tense.dated_in_the_past(doc[own[0]:own[-1] + 1].text):
                if words[0] != "on":
                    continue
                fact = "when:recent"
        out.append((fact, start, end))
    return out
# What happened, and how: dropped where it is told only inside a story that is over. Sexual
# abuse is not: told as over in one sentence, it may still be a danger in another ("he abused
# me when i was 12. he still coaches children"), so only the whole message's time lowers it.
# A death is over by its nature; wanting to follow it is not: both are kept.
KEPT_IN_STORIES = ("sexual", "acts:touched", "acts:suicide_death", "acts:following")
STORY_FACTS = ("acts:",) + tuple(FLAGS)


def _over_and_done(doc, matches: List[Tuple[str, int, int]]) -> List[Tuple[str, int, int]]:
    """Drop what happened ("took pills", "kept it secret") where it is told only in sentences
    that are over: with a past or over mark of their own ("used to", "when i was 12", "9 months
    clean") or dated by the next ("... That was two years ago"), and no mark of now, soon, just
    now or still. The time marks stay: the message still tells a past story. A danger told in
    the present anywhere in the message is kept ("he used to hit me. last night he hit me again")."""
    sentence = _sentence_numbers(doc)
    marks: Dict[int, set] = {}
    for fact, start, _ in matches:
        if fact.startswith("when:"):
            marks.setdefault(sentence[start], set()).add(fact)

    def over(n: int) -> bool:
        own = marks.get(n, set())
        if own & LIVE_MARKS:
            return False
        return bool(own & {"when:past", "when:recovered"}) or (not own and "when:past" in marks.get(n + 1, ()))

    told = {}
    for fact, start, _ in matches:
        if fact.startswith(STORY_FACTS) and fact not in KEPT_IN_STORIES:
            told.setdefault(fact, []).append(over(sentence[start]))
    gone = {fact for fact, overs in told.items() if all(overs)}
    return [m for m in matches if m[0] not in gone]


def _group(ids, group: str) -> FrozenSet[str]:
    return frozenset(fact.split(":", 1)[1] for fact in ids if fact.startswith(group + ":"))


def _alignment(text: str, norm: str) -> Optional[List[int]]:
    """For each character of normalise(text), the index in text it came from (None if the
    rebuild differs from normalise, which would be a bug: then no spans rather than wrong ones)."""
    out, where = [], []
    each = {ch: " " if ch.isspace() else normalise(ch) for ch in set(text)}
    for i, ch in enumerate(text):
        for c in each[ch]:
            if c == " " and (not out or out[-1] == " "):
                continue  # runs of spaces become one, none at the start
            if len(out) >= 2 and c == out[-1] == out[-2] and WORD_CHAR.match(c):
                continue  # "pleaseee" -> "pleasee"
            out.append(c)
            where.append(i)
    if out and out[-1] == " ":
        out.pop()
        where.pop()
    return where if "".join(out) == norm else None


def _chars(doc, where: List[int], text: str, start: int, end: int) -> Tuple[int, int]:
    """Tokens [start, end) of the normalised doc as characters of the original text."""
    first = where[doc[start].idx]
    stop = doc[end - 1].idx + len(doc[end - 1])
    last = where[stop] if stop < len(where) else len(text)
    while last > first and text[last - 1].isspace():
        last -= 1
    return first, last


@lru_cache(maxsize=1)
def shared_fact_reader() -> FactReader:
    return FactReader()


def read_facts(text: str, doc=None) -> Facts:
    return shared_fact_reader().read(text, doc)


def _conditional(doc, negation: int) -> bool:
    """A negation inside a condition is a threat, not a denial: "if i dont pay him", "unless
    you send more", "or else"."""
    window = [t.lower_ for t in doc[max(0, negation - 4):negation]]
    return "if" in window or "unless" in window or "or" in window
