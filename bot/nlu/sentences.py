"""Splits a message into sentences, so that urgency can be judged sentence by sentence.

Real messages run sentences together, skip capitals and use "..." or line breaks, so this is
a plain rule, not a parser: split after . ! ? (and runs of them) or at a line break, then glue
fragments of fewer than three words onto their neighbour ("ok.", "idk.").

The CPU budget of a message (issue 21): the encoder's cost grows with the word pieces it
reads, so `pieces` keeps what the encoder sees bounded whatever the message's shape. A
repeated sentence is encoded once (and counted as often as it occurs), at most MAX_JUDGED
distinct sentences are judged one by one and the rest together as one piece; the encoder's
own token budget (bot/nlu/sentence_encoder.py) bounds the length. Nothing here limits what the
safety net, the risk facts or the word counts read: they always see the whole text.
"""
import re
from dataclasses import dataclass
from typing import List, Tuple

_BOUNDARY = re.compile(r"(?<=[.!?])[.!?\"')]*\s+|\s*\n+\s*")
MIN_WORDS = 3
MAX_SENTENCES = 16  # a 1000-character message rarely has more; the rest joins the last
# Training and held-out messages have at most 8 sentences (tests/test_cpu_budget.py checks),
# so for them the pieces are exactly their sentences and the features did not change.
MAX_JUDGED = 8


def _split(text: str) -> List[str]:
    parts = [p.strip() for p in _BOUNDARY.split(text or "") if p and p.strip()]
    sentences: List[str] = []
    for part in parts:
        if sentences and (len(part.split()) < MIN_WORDS or len(sentences[-1].split()) < MIN_WORDS):
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    return sentences


def split_sentences(text: str) -> List[str]:
    sentences = _split(text)
    if len(sentences) > MAX_SENTENCES:
        sentences = sentences[: MAX_SENTENCES - 1] + [" ".join(sentences[MAX_SENTENCES - 1:])]
    return sentences or [(text or "").strip()]


@dataclass(frozen=True)
class Pieces:
    """What the encoder reads of a message: texts, and how many sentences each stands for."""
    texts: Tuple[str, ...]
    weights: Tuple[int, ...]


def _key(sentence: str) -> str:
    return " ".join(sentence.lower().split())


def pieces(text: str) -> Pieces:
    """The distinct sentences (first MAX_JUDGED of them on their own, the rest joined into one
    piece), each weighted by how many sentences of the message it stands for."""
    counts = {}
    first = {}
    for sentence in _split(text):
        key = _key(sentence)
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, sentence)
    if not counts:
        return Pieces(((text or "").strip(),), (1,))
    keys = list(counts)
    judged, rest = keys[:MAX_JUDGED], keys[MAX_JUDGED:]
    texts = [first[k] for k in judged]
    weights = [counts[k] for k in judged]
    if rest:
        texts.append(" ".join(first[k] for k in rest))
        weights.append(sum(counts[k] for k in rest))
    return Pieces(tuple(texts), tuple(weights))
