"""The risk judgement: who is in danger, how soon, and how sure we are.

Three kinds of evidence, read in this order:
1. the signed rules (bot/nlu/risk/rules.yml) on the facts: when one holds, the message is urgent
   whatever else says otherwise;
2. the safety net's phrases ("kms", "took pills"): urgent, unless the facts show the words
   are not about a danger now (a figure of speech, a story that has ended, a question, a school
   project, a harm only named with nobody's own in the sentence ...), and then the learned
   model decides. The topic classifier sure that the message is about self-harm, blackmail,
   abuse or danger counts only with the model's doubt beside it (a score at or above "ask"):
   alone, it says what to answer, and the assistant asks once whether they are safe;
3. the learned risk model's score (trained on risk labels, not topics): above the threshold
   chosen on the training data the message is serious; a little below it, the assistant is
   unsure and asks once, gently, "Are you safe right now?".
The topic never decides urgency. Pure Python: the Rasa component (bot/nlu/risk_component.py),
the actions (for the conversation) and the API's degraded path all call `assess`.
"""
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Dict, List, Optional, Tuple

from bot.domain import taxonomy
from bot.nlu.risk import rules, tense
from bot.nlu.risk.facts import Facts, merge
from bot.nlu.safety_net import SafetyResult

NONE, SERIOUS, IMMEDIATE = rules.LEVELS
# Safety-net categories that mean a danger now (999 first), when nothing lowers them.
NET_IMMEDIATE = {"immediate_danger", "meeting"}
# Net categories that mean "now" when the message also says now or soon ("tonight").
NET_NOW = {"suicide_self_harm", "violence_threat", "revenge_threat"}
# Net categories that are a danger because the person is a child: for adults the model decides.
NET_CHILD_ONLY = {"meeting"}
# Why a net hit may not be about a danger now: the model then decides. Each is read where it is
# said (ConText's scope): a figure of speech only lowers the words it is made of ("this test is
# killing me", not "SI urges" two words on); a question, a project or a report only lowers the
# sentence it is in, so "... picked the spot where I'll end things. How do I report a fake
# account?" stays urgent. Negation is the net's own job (bot/nlu/safety_net.py).
IN_PHRASE = ("figurative",)
IN_SENTENCE = ("hypothetical", "fiction", "question", "project", "prevention", "report_how")
LOWERING = IN_PHRASE + IN_SENTENCE
# Said now or soon ("tonight", "again"), only these still lower: the words are not meant.
LOWERING_NOW = ("figurative", "hypothetical", "fiction")
_SENTENCE_END = re.compile(r"[.!?\n]+")
# The topic classifier this sure of a risk-evidence intent (bot/topics.yml) counts as evidence.
TOPIC_CONFIDENCE = 0.5
# Who is at risk, from who the message is about.
PERSON = {"writer": "writer", "child": "child", "pupil": "child", "friend": "friend", "sibling": "friend",
          "other": "other"}


@dataclass(frozen=True)
class Thresholds:
    """How the model's probability of "urgent" is read: chosen on the training data
    (out-of-fold scores, bot/nlu/risk_component.py) and kept with the model."""
    urgent: float = 0.5  # at or above: serious
    ask: float = 0.3  # at or above (and below urgent): unsure, ask once


@dataclass(frozen=True)
class Risk:
    level: str = NONE  # none, serious (urgent), immediate (danger now: 999 first)
    person: str = "none"  # who is at risk: writer, child, friend, other, none
    evidence: Tuple[str, ...] = ()  # ids only, never text: rule:<id>, net:<category>, model:<score>, lowered:<why>
    confidence: float = 0.0  # how sure the level is (1.0 for a signed rule)
    score: Optional[float] = None  # the model's probability of urgent (None: no model, e.g. degraded)
    unsure: bool = False  # between none and serious: answer the topic, then ask once
    danger: Optional[str] = None  # the urgent steps that fit (bot/content/urgent_steps.yml)
    topic: Optional[str] = None  # the topic a signed rule knows (an age gap is grooming)
    kind: Optional[str] = None  # the rule's kind of risk (age_gap_abuse, meeting_planned ...)
    facts: Dict = field(default_factory=dict, compare=False)  # Facts.as_dict() of the message

    @property
    def urgent(self) -> bool:
        return self.level != NONE

    def as_dict(self) -> Dict:
        return {**asdict(self), "evidence": list(self.evidence), "urgent": self.urgent}

    @classmethod
    def from_dict(cls, raw: Optional[Dict]) -> "Risk":
        if not raw:
            return cls()
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw}
        known["evidence"] = tuple(known.get("evidence") or ())
        return cls(**known)


def worse(a: str, b: str) -> str:
    return a if rules.LEVELS.index(a) >= rules.LEVELS.index(b) else b


def lowered_by(facts: Facts, text: Optional[str] = None, net: Optional[SafetyResult] = None) -> Tuple[str, ...]:
    """Why the words may not be about a danger now. A question, a project or a past story
    never lowers a danger said to be happening now or soon. With the text and the net's
    matches, each hit is read in its own scope, and the hits are lowered only when every one
    of them is (otherwise the message as a whole)."""
    hits = _hit_positions(text, net) if facts.spans else []
    if hits is None:
        return ()  # a hit that cannot be placed ("kmsss" read as "kmss") is never lowered
    if not hits:
        manners = LOWERING_NOW if facts.when & rules.LIVE else LOWERING
        found = tuple(m for m in manners if m in facts.manner)
        if facts.when & rules.LIVE:
            return found
        return found + (("past_only",) if rules.past_only(facts) else ())
    sentences = _sentence_of(text)
    why = []
    for a, b in hits:
        reasons = _hit_lowered_by(facts, sentences, a, b, text)
        if not reasons:
            return ()
        why += [r for r in reasons if r not in why]
    return tuple(why)


def _hit_positions(text: Optional[str], net: Optional[SafetyResult]) -> Optional[List[Tuple[int, int]]]:
    """Where each of the net's matches is in the text; None when one of them is not found (the
    net reads a normalised text: straight quotes, "pleaseee" -> "pleasee")."""
    if not text or not net or not net.matches:
        return []
    lower = text.lower()
    found = [[m.span() for m in re.finditer(re.escape(match.lower()), lower)] for match in net.matches]
    return None if not all(found) else [span for spans in found for span in spans]


def _sentence_of(text: str):
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    return lambda at: next((i for i, end in enumerate(ends) if at < end), len(ends) - 1)


def _hit_lowered_by(facts: Facts, sentence, a: int, b: int, text: str = "") -> List[str]:
    """What lowers one hit at [a, b): a figure of speech made of its words; a manner in its
    sentence; a story over in its sentence, or told as past in its sentence or the next, with no
    now or soon in its own."""
    here = sentence(a)
    in_sentence = {fact for fact, x, _ in facts.spans if sentence(x) == here}
    now = bool(in_sentence & {f"when:{mark}" for mark in rules.LIVE})
    reasons = []
    for manner in (LOWERING_NOW if now else LOWERING):
        spans = [(x, y) for fact, x, y in facts.spans if fact == f"manner:{manner}"]
        if manner == "hypothetical" and _conditional_threat(text, a, b, [(x, y) for x, y in spans
                                                                         if sentence(x) == here]):
            continue
        if manner in IN_PHRASE:
            if any(x < b and a < y for x, y in spans):
                reasons.append(manner)
        elif f"manner:{manner}" in in_sentence:
            reasons.append(manner)
    # The next sentence may end a story its words tell as past ("i self harmed in s2. 9 months
    # clean now"), but "he's doing well otherwise" after "they've shut him in a garage" does not
    # end a danger told in the present.
    nxt = {fact for fact, x, _ in facts.spans if sentence(x) == here + 1}
    over = "when:recovered" in in_sentence or ("when:recovered" in nxt and tense.told_as_past(text[a:b]))
    # "tried to hang myself last month. i still want to": a next sentence saying it goes on
    dated = "when:past" in in_sentence | nxt and "when:present" not in in_sentence \
        and not nxt & {f"when:{mark}" for mark in rules.LIVE}
    # A story dated somewhere ("in the end he killed himself", "last year") and this sentence told
    # wholly in the past, with nothing in the message said to be happening now or soon. Not sexual
    # abuse: its danger may be in another sentence ("... the man still coaches children").
    # A story's own marks ("one night", "the next morning") date it too, for this reading only.
    narrated = bool(facts.when & {"past", "recovered", "story"}) and not facts.when & rules.LIVE \
        and not (facts.sexual or "touched" in facts.acts) and tense.told_in_the_past(_sentence_text(text, here))
    if not now and (over or dated or narrated):
        reasons.append("past_only")
    return reasons


# "if i ever leave him he'll kill me": the writer's own "if" with someone else's "will" is a
# threat that comes with a condition, not a what-if.
_THREATENER = re.compile(r"^(he|she|they|hell|shell|he'll|she'll|they'll|theyll|he'd|she'd|they'd|hed|"
                         r"he will|she will|they will|he would|she would|they would)\b")


def _conditional_threat(text: str, a: int, b: int, hypotheticals: List[Tuple[int, int]]) -> bool:
    """The hit at [a, b) is someone's "will" (its own words or the word before them), and a
    hypothetical in its sentence is the writer's own "if i ..."."""
    hit = text[a:b].lower().replace("\u2019", "'")
    before = re.findall(r"[a-z']+", text[max(0, a - 12):a].lower().replace("\u2019", "'"))[-1:]
    threat = _THREATENER.match(hit) or _THREATENER.match(" ".join(before + [hit]))
    return bool(threat) and any(text[x:y].lower().startswith("if i") for x, y in hypotheticals)


def _sentence_text(text: str, here: int) -> str:
    """The text of sentence `here`, cut where `_sentence_of` cuts (one slice, not a scan per character)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    return text[ends[here - 1] if here > 0 else 0:ends[min(here, len(ends) - 1)]]


def assess(facts: Facts, net: SafetyResult, score: Optional[float] = None,
           thresholds: Thresholds = Thresholds(), about: Optional[Tuple[str, float]] = None,
           text: Optional[str] = None) -> Risk:
    """`about`: the topic classifier's (intent, confidence), one piece of evidence among others.
    `text`: the message, to read each manner's scope (without it, the whole message)."""
    level, evidence, confidence = NONE, [], 0.0
    danger = topic = kind = None
    found = rules.hits(facts)  # the worst first
    evidence += [f"rule:{hit.id}" for hit in found]
    if found:
        level, danger, topic, kind, confidence = found[0].level, found[0].danger, found[0].topic, found[0].kind, 1.0
    lowered = lowered_by(facts, text, net)  # the net's hits, each in its scope
    if net.urgent and net.mention_only and not facts.when & rules.LIVE:
        lowered += ("mention",)  # a harm named, nobody's own: the model judges it
    if net.urgent and set(net.categories) <= NET_CHILD_ONLY and adults_only(facts):
        lowered += ("adult",)  # a 20-year-old meeting a date is not a child meeting a stranger
    model_level = NONE
    unsure = False
    if score is not None:
        evidence.append(f"model:{score:.2f}")
        if score >= thresholds.urgent:
            model_level = SERIOUS
        elif score >= thresholds.ask:
            unsure = True
    if net.urgent:
        evidence += [f"net:{c}" for c in net.categories]
        if not lowered or score is None:  # without the model (degraded) a net hit stays urgent
            net_level = IMMEDIATE if _net_now(net, facts) else SERIOUS
            if worse(net_level, level) != level:
                level, confidence = net_level, max(confidence, 0.9)
                danger = danger or (net.categories[0] if net.categories else None)
        else:  # the model, which was trained on such words in such contexts, decides
            evidence += [f"lowered:{why}" for why in lowered]
    if about and taxonomy.is_risk_evidence_intent(about[0]) and about[1] >= TOPIC_CONFIDENCE:
        evidence.append(f"topic:{about[0]}")
        if not lowered_by(facts) and level == NONE:  # the topic is the whole message's
            if score is None or score >= thresholds.ask:
                level, confidence = SERIOUS, round(float(about[1]), 3)
            else:  # what it is about, with nothing else saying danger: answer it, and ask once
                unsure = True
    if model_level != NONE and level == NONE and adults_only(facts):
        # The model learned its calm-worded dangers from children's stories (an older boyfriend,
        # a meeting): for a 19-year-old and her 35-year-old partner, it asks instead.
        model_level, unsure = NONE, True
        evidence.append("lowered:adult")
    if model_level != NONE and worse(model_level, level) != level:
        level, confidence = model_level, float(score)
    if level != NONE:
        unsure = False
        if not danger and net.categories:
            danger = net.categories[0]
    elif score is not None:
        confidence = 1.0 - float(score)
    person = PERSON.get(facts.subject or "writer", "writer") if level != NONE or unsure else "none"
    return Risk(level=level, person=person, evidence=tuple(evidence), confidence=round(confidence, 3),
                score=None if score is None else round(float(score), 4), unsure=unsure, danger=danger,
                topic=topic, kind=kind, facts=facts.as_dict())


def adults_only(facts: Facts) -> bool:
    """Everyone who could be at risk is known to be 18 or over ("i'm 20", "my 19-year-old daughter")."""
    ages = [age for age in (facts.writer_age, facts.child_age) if age is not None]
    return bool(ages) and min(ages) >= taxonomy.ADULT_AGE


def _net_now(net: SafetyResult, facts: Facts) -> bool:
    if set(net.categories) & NET_IMMEDIATE:
        return True
    return bool(set(net.categories) & NET_NOW) and "now" in facts.when


def with_conversation(message: Risk, earlier: Facts) -> Tuple[Risk, Facts]:
    """The message's risk read with the conversation so far, and the facts to keep.

    A signed rule that holds only now that this message's facts join the earlier ones (an
    adult "friend" from a game named two messages ago, and now "my son is with him") raises
    the level. Rules that already held before are not counted again, so "i'm safe now" is not
    undone by an earlier fact; the conversation never lowers a message's own level.
    """
    now = Facts.from_dict(message.facts)
    merged = merge(earlier, now)
    before = {r.id for r in rules.hits(replace(earlier, when=now.when, manner=now.manner))}
    new = [r for r in rules.hits(merged) if r.id not in before and f"rule:{r.id}" not in message.evidence]
    if not new or worse(message.level, new[0].level) == message.level:
        return message, merged
    hit = new[0]
    person = PERSON.get(merged.subject or "writer", "writer")
    return replace(message, level=hit.level, person=person, unsure=False, confidence=1.0,
                   evidence=message.evidence + tuple(f"rule:{r.id}@conversation" for r in new),
                   danger=hit.danger, topic=hit.topic, kind=hit.kind), merged
