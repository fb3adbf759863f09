"""Splits a message into sentences, so that urgency can be judged sentence by sentence.

Real messages run sentences together, skip capitals and use "..." or line breaks, so this is
a plain rule, not a parser: split after . ! ? (and runs of them) or at a line break, then glue
fragments of fewer than three words onto their neighbour ("ok.", "idk.").
"""
import re
from typing import List

_BOUNDARY = re.compile(r"(?<=[.!?])[.!?\"')]*\s+|\s*\n+\s*")
MIN_WORDS = 3
MAX_SENTENCES = 16  # a 1000-character message rarely has more; the rest joins the last


def split_sentences(text: str) -> List[str]:
    parts = [p.strip() for p in _BOUNDARY.split(text or "") if p and p.strip()]
    sentences: List[str] = []
    for part in parts:
        if sentences and (len(part.split()) < MIN_WORDS or len(sentences[-1].split()) < MIN_WORDS):
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part)
    if len(sentences) > MAX_SENTENCES:
        sentences = sentences[: MAX_SENTENCES - 1] + [" ".join(sentences[MAX_SENTENCES - 1:])]
    return sentences or [(text or "").strip()]
