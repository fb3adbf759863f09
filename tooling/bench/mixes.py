"""The message mixes that `make bench` sends, and that its parse floor (tooling/bench/encoder_cost.py) times.

A mix is a list of conversations; a conversation is a list of turns, each either typed text or
a button's payload ("/intent"), sent in order. The load generator picks conversations at
random, uniformly, so a turn's weight in the mix is its share of all turns of all conversations
(mean_over_turns). Pure and deterministic: no model, no network.
"""
import random
from statistics import mean
from typing import Dict, Iterable, List, Optional, Sequence

from tooling.evaluation.heldout_data import load_heldout_long

Conversation = List[str]

# The short mix. Conversations as people write them: short and misspelled, longer from parents,
# urgent ones, follow-ups and button payloads. Each has 1-4 turns, so trackers stay small as in
# real use.
CONVERSATIONS: List[Conversation] = [
    ["hi", "someone keeps sending me hate on snap", "what can i do", "thanks"],
    ["some1 made a fake account of me and is posting stuff", "/audience_young_person", "thank you"],
    ["My 12 year old son is being picked on in a WhatsApp group. What should I do?", "/audience_parent"],
    ["a boy i know is sharing my nudes around school", "can they get taken down", "ok thanks"],
    ["he says he'll share my pics unless i pay him", "i already paid once"],
    ["i met a guy online and hes asking me to meet up tomorrow and keep it secret"],
    ["i want to kill myself"],
    ["kms", "i dont know who to talk to"],
    ["my boyfriend checks my phone and tracks where i am all the time", "is that normal"],
    ["someone hacked my instagram and changed the password", "how do i get it back"],
    ["I teach P7 and a pupil told me an adult has been messaging her on a game", "/audience_professional"],
    ["how do i set up parental controls on an ipad", "what age can kids use tiktok"],
    ["my brother is watching videos from some guy who says women are the problem", "/audience_parent"],
    ["older boys asked me to carry a package for money", "they said they know where i live"],
    ["i saw a really horrible video of someone getting hurt", "how do i report it"],
    ["is this anonymous?", "are you a bot", "someone is bullying me on roblox"],
    ["hello", "what's the weather like", "show me all services"],
]

# The long mix: one long held-out message (tests/heldout_long, 3-8 sentences), then, as people
# do after an answer, sometimes a short typed follow-up or one of the follow-up buttons the
# answer offers.
TYPED_FOLLOW_UPS = ("what can i do", "how do i report it", "who can i talk to", "thank you")
BUTTON_FOLLOW_UPS = ("/followup_talk", "/followup_steps", "/followup_report")
LONG_ALONE, LONG_THEN_TYPED = 0.5, 0.75  # cumulative shares: alone, + typed, else + button


def long_texts() -> List[str]:
    """The long-form held-out messages, in file order (tests/heldout_long/*.yml, sorted)."""
    return [e.text for e in load_heldout_long()]


def long_conversations(seed: int = 7, texts: Optional[Sequence[str]] = None) -> List[Conversation]:
    """One conversation per long message, in order; the follow-up (none, typed or a button) is
    drawn from random.Random(seed), so the same seed gives the same mix."""
    rng = random.Random(seed)
    conversations = []
    for text in (long_texts() if texts is None else texts):
        roll = rng.random()
        if roll < LONG_ALONE:
            conversations.append([text])
        elif roll < LONG_THEN_TYPED:
            conversations.append([text, rng.choice(TYPED_FOLLOW_UPS)])
        else:
            conversations.append([text, rng.choice(BUTTON_FOLLOW_UPS)])
    return conversations


# The worst-message mix (issue 21): 1,000-character messages of the shapes that cost most, one
# turn each. Before the CPU budget the first three cost about 1.4 s of CPU each (every sentence
# encoded, all padded to the longest); the goal is at most WORST_MS_MAX each.
WORST_MS_MAX = 100.0
_WORDS = "my friend said she was going to hurt herself and i dont know who to tell about it"
WORST_MESSAGES: Dict[str, str] = {
    "repeated urgent sentence": ("I want to die. " * 67)[:1000],
    "repeated short sentence": ("He hit me. " * 90)[:1000],
    "repeated fragments": ("Ok ok ok. " * 100)[:1000],
    "one sentence, no punctuation": ("help me please " * 70)[:1000],
    "one word a line": ("kms\n" * 250)[:1000],
    "distinct sentences": " ".join(f"Sentence number {i} is about thing {i * 7}." for i in range(40))[:1000],
    "distinct long sentences": " ".join(f"{_WORDS} number {i}." for i in range(20))[:1000],
    "one long word": "a" * 1000,
    "digits and symbols": ("12:34 #%& 5678 " * 70)[:1000],
    "emoji": "\U0001F622" * 1000,
    "not English": ("Nie wiem co robić, ktoś mnie nęka w internecie. " * 25)[:1000],
    "line breaks only between words": "\n".join(_WORDS.split() * 10)[:1000],
    "dotted run": "x." * 500,  # cost the redaction's link rule ~50 ms before its runs were bounded
    "titles": ("Mr " * 334)[:1000],
}


def worst_conversations() -> List[Conversation]:
    return [[text] for text in WORST_MESSAGES.values()]


def mixes(seed: int = 7) -> Dict[str, List[Conversation]]:
    """Every mix by name: "short" (CONVERSATIONS), "long" (long_conversations(seed)) and
    "worst" (WORST_MESSAGES)."""
    return {"short": CONVERSATIONS, "long": long_conversations(seed), "worst": worst_conversations()}


def turns(conversations: Iterable[Conversation]) -> List[str]:
    """Every turn of every conversation, in order (repeats kept: they are the weights)."""
    return [text for conversation in conversations for text in conversation]


def unique_texts(conversations: Iterable[Conversation]) -> List[str]:
    """Each distinct turn once, in first-seen order."""
    return list(dict.fromkeys(turns(conversations)))


def mean_over_turns(cost_ms: Dict[str, float], conversations: Iterable[Conversation]) -> float:
    """The mean cost of a turn of this mix, as the load generator sends it: each conversation
    equally likely, all its turns sent, so every turn of every conversation weighs the same."""
    return mean(cost_ms[text] for text in turns(conversations))
