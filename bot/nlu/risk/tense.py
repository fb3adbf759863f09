"""How a stretch of words is told: in the past tense, or with something of the present in it.

Word lists, not a tagger: the project's spaCy pipeline is blank English with lemmas (no parser or
tagger), and people's spelling ("im", "dont") would defeat one. Shared by the facts (a day named in
a sentence told in the past is a date gone by) and the risk judgement (a hit in such a sentence
belongs to a story told after the event).
"""
import re

PAST_WORDS = {"took", "was", "were", "had", "did", "tried", "got", "went", "made", "sent", "paid", "met", "hit",
              "cut", "od'd", "told", "said", "wrote", "swallowed", "overdosed",
              # irregular pasts people tell stories in ("we snuck out", "she came round", "i found it")
              "snuck", "came", "saw", "seen", "ran", "found", "gave", "spoke", "thought", "felt", "knew", "began",
              "brought", "bought", "caught", "drove", "fell", "heard", "stole", "woke", "broke", "drank", "ate",
              "threw", "sat", "slept", "stood", "lost", "left", "became", "forgot", "shook", "rang", "taught"}
NOT_PAST = {"scared", "worried", "tired", "bored", "ashamed", "naked", "need", "bleed", "feed", "embarrassed",
            "depressed", "stressed", "obsessed", "isolated", "trapped", "locked", "shed", "bed"}
# Words that put a sentence in the present: "i feel", "she's", "he keeps", "i want".
PRESENT_WORDS = {"am", "is", "are", "'m", "m", "'re", "re", "im", "keep", "keeps", "want", "wants", "wanna",
                 "gonna", "going", "say", "says", "feel", "feels", "think", "thinks", "can", "cant", "will",
                 "'ll", "ll", "need", "needs", "has", "have", "does", "dont", "doesnt", "now", "still",
                 "today", "tonight", "tomorrow", "tmrw", "help", "plans", "plan", "scared"}
# A future seen from the past: "he said he'd meet me on friday", "we were going to go later".
FUTURE_IN_PAST = {"would", "'d", "d", "wud", "gonna", "going", "planning", "planned", "arranged", "agreed",
                  "supposed", "meant", "due"}
WORD = re.compile(r"(?<![0-9a-z'])[a-z']+")  # not the "am" of "2am"


def words_of(text: str):
    return WORD.findall(text.lower().replace("\u2019", "'"))


def _past(tokens) -> bool:
    return any(t in PAST_WORDS or (t.endswith("ed") and t not in NOT_PAST) for t in tokens)


def told_as_past(words: str) -> bool:
    """The words have a verb in the past tense ("self harmed", "took pills", "was raped")."""
    return _past(words_of(words))


def told_in_the_past(sentence_text: str) -> bool:
    """A sentence of a story told after the event: a verb in the past tense, none in the present
    ("i talked him out of killing himself and when he did it, i felt like i failed")."""
    tokens = words_of(sentence_text)
    return _past(tokens) and not any(t in PRESENT_WORDS or t.endswith(("'m", "'re")) for t in tokens)


def dated_in_the_past(sentence_text: str) -> bool:
    """A sentence told in the past with no future seen from it: a day it names has gone by
    ("she texted me on tuesday"), but not in "he said he'd come on tuesday", nor in "were meeting
    him on friday" (text-speak's "we're", or a plan told from the past: a meeting either way)."""
    tokens = words_of(sentence_text)
    progressive = any(a in ("were", "was") and b.endswith("ing") for a, b in zip(tokens, tokens[1:]))
    return told_in_the_past(sentence_text) and not FUTURE_IN_PAST & set(tokens) and not progressive
