"""The one cleaning of a message's text, before anything reads it: the API applies it once, and
the safety net, the context cues, the risk facts, the NLU model, redaction and the store all
read the same cleaned text (the evaluation too, so it measures what the API does).

Unicode NFKC (full-width letters and digits become plain ones) and zero-width or invisible
formatting characters removed: "k<U+200B>ms" or "ｉ ｗａｎｔ ｔｏ ｄｉｅ" must reach the safety
net as "kms" and "i want to die", and "07700<U+200B>900123" must not slip past redaction.
Idempotent: cleaning clean text changes nothing.
"""
import re
import unicodedata

# Zero-width and invisible formatting characters (after NFKC, which keeps them).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def clean(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
