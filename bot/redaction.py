"""Redacts personal details before text is stored (Rasa tracker) or logged.

The classifier sees the original text in memory only; everything kept sees this version.
"""
import re

_RULES = [
    # Order matters: e-mails before @handles, links before everything inside them.
    ("[link]", re.compile(r"(?i)\b(?:https?://|www\.)\S+")),
    ("[email]", re.compile(r"(?i)[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[handle]", re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}")),
    ("[phone]", re.compile(r"(?<![\w])(?:\+44\s?\(?0?\)?|0)(?:\d[\s-]?){8,10}\d(?!\d)")),
    ("[postcode]", re.compile(r"(?i)\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")),
    (
        "[address]",
        re.compile(
            r"(?i)\b\d{1,4}[a-z]?,?\s+(?:[a-z']+\s+){1,3}"
            r"(?:street|st|road|rd|avenue|ave|lane|drive|crescent|place|terrace|gardens|court|"
            r"way|close|wynd|brae|loan|square|grove|park|view|row)\b"
        ),
    ),
]


def redact(text: str) -> str:
    for placeholder, pattern in _RULES:
        text = pattern.sub(placeholder, text)
    return text
