"""The one reading of a message: one normalised text, one spaCy Doc, and what the rule-based
readers (safety net, context cues, risk facts) make of it, each worked out once.

The API reads a message before the model does (its last guard and the degraded path need the
safety net's verdict and the stated age), and the NLU pipeline needs the same: its first
component (bot/nlu/reading_component.py) hands this reading's Doc to Rasa's tokenizer and
featurizers, and the risk step and the safety component read the verdict, the facts and the
cues from it. `read(text)` keeps the reading of the message being handled in a context
variable: within one request (one asyncio task; the NLU graph runs inside it, or in the parse
thread with a copy of its context) a second call for the same text gets the same reading
instead of reading the message again. Other requests, each in its own task, never see it.
Each part is worked out when first asked for; the Doc is made once, by the net's pipeline
(the process's one, bot/nlu/spacy_pipeline.py), from `normalise(text)`.
"""
from contextvars import ContextVar
from functools import cached_property
from typing import Optional

from spacy.tokens import Doc

from bot.nlu.context_cues import ContextCues, Cues, shared_context_cues
from bot.nlu.risk.facts import Facts, read_facts
from bot.nlu.safety_net import SafetyNet, SafetyResult, normalise, shared_safety_net


class Reading:
    def __init__(self, text: str, net: SafetyNet, cue_reader: ContextCues) -> None:
        self.text = text
        self.net = net
        self.cue_reader = cue_reader

    @cached_property
    def normalised(self) -> str:
        return normalise(self.text or "")

    @cached_property
    def doc(self) -> Doc:
        return self.net.nlp(self.normalised)

    @cached_property
    def safety(self) -> SafetyResult:
        return self.net.check_doc(self.doc)

    @cached_property
    def cues(self) -> Cues:
        return self.cue_reader.read_doc(self.doc)

    @cached_property
    def facts(self) -> Facts:
        return read_facts(self.text or "", self.doc)


_CURRENT: ContextVar[Optional[Reading]] = ContextVar("signpost_reading", default=None)


def read(text: str, net: Optional[SafetyNet] = None, cue_reader: Optional[ContextCues] = None) -> Reading:
    """The reading of `text`: the one already made in this request when it is the same text."""
    net = net or shared_safety_net()
    cue_reader = cue_reader or shared_context_cues()
    current = _CURRENT.get()
    if current is None or current.text != text or current.net is not net or current.cue_reader is not cue_reader:
        current = Reading(text, net, cue_reader)
        _CURRENT.set(current)
    return current
