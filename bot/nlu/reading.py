"""What the rule-based readers (safety net, context cues, risk facts) make of one message: made once.

The API reads a message before the model does (its last guard and the degraded path need the
safety net's verdict and the stated age), and the NLU pipeline's SafetyNetClassifier needs the
same. `read(text)` keeps the reading of the message being handled in a context variable: within
one request (one asyncio task; the NLU graph runs inside it, on the same thread) a second call
for the same text gets the same reading instead of running the matchers again. Other requests,
each in its own task, never see it. Each part is worked out when first asked for.
"""
from contextvars import ContextVar
from functools import cached_property
from typing import Optional

from bot.nlu.context_cues import ContextCues, Cues, shared_context_cues
from bot.nlu.risk.facts import Facts, read_facts
from bot.nlu.safety_net import SafetyNet, SafetyResult, shared_safety_net


class Reading:
    def __init__(self, text: str, net: SafetyNet, cue_reader: ContextCues) -> None:
        self.text = text
        self.net = net
        self.cue_reader = cue_reader

    @cached_property
    def safety(self) -> SafetyResult:
        return self.net.check(self.text)

    @cached_property
    def cues(self) -> Cues:
        return self.cue_reader.read(self.text)

    @cached_property
    def facts(self) -> Facts:
        return read_facts(self.text)


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
