"""Redacts personal details before text is stored (Rasa tracker) or logged.

The classifier sees the original text in memory only; everything kept sees this version.

Steps, in order:
1. Normalise: Unicode NFKC (full-width letters and digits become plain ones) and zero-width
   characters removed, so "07700<U+200B>900123" or "ｊｏ@example.com" cannot slip through.
2. Links (with a scheme, "www." or a bare domain such as "bit.ly/x"), e-mail addresses
   (also written "jane at example dot com"), @handles, dates of birth, phone numbers (Google's
   libphonenumber, via `phonenumbers`, for UK and international formats), UK postcodes
   (also "IV2 3 AB"), street addresses.
3. Details named by context: a handle after "my insta/snap/... is", a name after "my name is" or
   "I'm called", a school after "I go to" or before "High School"/"Academy".
Ordinary numbers ("i'm 13", "3 boys in the park", "call 999") are kept.
"""
import re
import unicodedata
from typing import Callable, List, Tuple, Union

import phonenumbers

# Zero-width and invisible formatting characters (after NFKC, which keeps them).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")

_TLDS = (r"com|co\.uk|org\.uk|ac\.uk|sch\.uk|gov\.uk|uk|org|net|ly|io|me|gg|tv|app|info|be|xyz|"
         r"link|to|co|ai|us|eu|biz|site|online|live|club|page|dev|scot|ie")

_DAY = r"(?:[0-2]?\d|3[01])(?:st|nd|rd|th)?"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_YEAR = r"(?:19|20)\d\d"

# Words that end a street's name ("12 Rose Street"). Those that are also everyday words
# ("park", "view", "way" ...) count only when capitalised, so "3 boys in the park" is kept.
_STREET_ALWAYS = r"street|st|road|rd|avenue|ave|lane|drive|crescent|terrace|gardens|wynd|brae|loan"
_STREET_CAPITALISED = r"Park|View|Way|Close|Court|Place|Square|Grove|Row|Walk|Green|Hill|Gate|Loan|Brae"
_NOT_A_STREET_NAME = {
    "in", "the", "at", "on", "a", "an", "of", "to", "my", "our", "his", "her", "their", "and", "or",
    "boys", "girls", "people", "kids", "pupils", "friends", "mates", "men", "guys", "times", "days",
    "weeks", "minutes", "hours", "years", "pics", "photos", "messages", "went", "go", "near", "by",
}

_APPS = (r"insta|instagram|ig|snap|snapchat|sc|tiktok|tt|discord|xbox|psn|playstation|gamertag|"
         r"roblox|twitter|fb|facebook|kik|telegram|steam|fortnite|epic|twitch|youtube|yt|"
         r"threads|reddit|minecraft|whatsapp|username|user\s?name|handle|account")
# After "my snap is": these describe the account rather than name it.
_NOT_A_HANDLE = {
    "hacked", "private", "public", "gone", "deleted", "blocked", "banned", "locked", "down", "not",
    "being", "been", "getting", "fake", "new", "old", "the", "a", "an", "my", "on", "off", "so",
    "too", "really", "just", "still", "also", "broken", "disabled", "suspended", "open", "full",
    "weird", "messed", "compromised", "stolen", "used", "there", "here", "dead", "fine", "ok", "okay",
}
# After "I'm called": "I'm called names at school" is bullying, not a name.
_NOT_A_NAME = {
    "names", "stuff", "things", "horrible", "nasty", "ugly", "fat", "gay", "a", "an", "the", "every",
    "all", "out", "by", "that", "it", "this", "loads", "lots", "mean", "rude", "weird", "slurs",
    "in", "into", "on", "up", "back", "later", "sometimes", "always", "often", "to", "at",
    "not", "nobody", "none", "secret", "private", "anonymous",
}
_SCHOOL_WORDS = r"(?:High School|High|Academy|Primary School|Primary|Grammar School|Grammar|College|" \
                r"Secondary School|Secondary|School|PS|HS)"

Replacement = Union[str, Callable[[re.Match], str]]


def _keep_prefix(placeholder: str, group: str = "value", unless=None) -> Callable[[re.Match], str]:
    """Replaces only the named group (the detail), keeping the words that introduced it."""
    def replace(match: re.Match) -> str:
        value = match.group(group)
        if unless and value.lower().strip(".,!?") in unless:
            return match.group(0)
        start, end = match.span(group)
        whole = match.group(0)
        offset = match.start(0)
        return whole[: start - offset] + placeholder + whole[end - offset:]
    return replace


def _spelled_out(placeholder: str) -> Callable[[re.Match], str]:
    """ "jane at example dot com" is an address; "look at bit.ly" is not (nothing spelled out)."""
    spelled = re.compile(r"(?i)\bdot\b|[(\[{](?:at|dot)[)\]}]")

    def replace(match: re.Match) -> str:
        return placeholder if spelled.search(match.group(0)) else match.group(0)
    return replace


_RULES: List[Tuple[Replacement, re.Pattern]] = [
    # Order matters: links and e-mails before handles, dates before phone numbers.
    ("[link]", re.compile(r"(?i)\b(?:https?://|www\.)\S+")),
    ("[email]", re.compile(r"(?i)[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (_spelled_out("[email]"), re.compile(
        r"(?i)\b[\w.+-]+\s*(?:\(at\)|\[at\]|\{at\}|\bat\b)\s*[\w-]+(?:\s*(?:\(dot\)|\[dot\]|\{dot\}|\bdot\b|\.)\s*[\w-]+)*"
        r"\s*(?:\(dot\)|\[dot\]|\{dot\}|\bdot\b|\.)\s*(?:" + _TLDS.replace(r"\.", r"\s*(?:dot|\.)\s*") + r")\b")),
    ("[link]", re.compile(r"(?i)\b(?:[a-z0-9-]+\.)+(?:" + _TLDS + r")\b(?:/\S*)?")),
    ("[handle]", re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}")),
    # Dates with a year (12/05/2011, 2011-05-12, 3rd May 2011, May 3 2011), and any date after
    # "born", "birthday", "dob".
    ("[date]", re.compile(r"\b(?:[0-3]?\d[/.-][01]?\d[/.-](?:" + _YEAR + r"|\d\d)|" + _YEAR + r"-[01]\d-[0-3]\d)\b")),
    ("[date]", re.compile(r"(?i)\b(?:" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"|"
                          + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR + r")\b")),
    (_keep_prefix("[date]"), re.compile(
        r"(?i)\b(?:born\s+(?:on\s+)?|birthday\s+(?:is\s+)?(?:on\s+)?|d\.?o\.?b\.?:?\s*(?:is\s+)?)"
        r"(?P<value>" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"|" + _MONTH + r"\s+" + _DAY + r"|[0-3]?\d[/.-][01]?\d)\b")),
    ("[phone]", None),  # phonenumbers, see _phones
    ("[phone]", re.compile(r"(?<![\w])(?:\+44\s?\(?0?\)?|0044\s?|0)(?:\d[\s.-]?){8,10}\d(?!\d)")),
    ("[postcode]", re.compile(r"(?i)\b[A-Z]{1,2}\d[A-Z\d]?\s*\d\s*[A-Z]{2}\b")),
    ("[address]", re.compile(
        r"\b\d{1,4}[a-zA-Z]?,?\s+(?:(?!(?i:" + "|".join(sorted(_NOT_A_STREET_NAME)) + r")\b)[A-Za-z']+\s+){1,3}"
        r"(?:(?i:" + _STREET_ALWAYS + r")|" + _STREET_CAPITALISED + r")\b")),
    (_keep_prefix("[handle]", unless=_NOT_A_HANDLE), re.compile(
        r"(?i)\b(?:my|his|her|their|our)\s+(?:" + _APPS + r")(?:\s+(?:name|id|username|user\s?name|tag|gamertag|account|acc|handle))?"
        r"\s*(?:is|=|:|-|'s)?\s+(?P<value>[A-Za-z0-9_.]{2,30})")),
    (_keep_prefix("[name]", unless=_NOT_A_NAME), re.compile(
        r"(?i)\b(?:my\s+name\s+is|my\s+name's|i\s*'?\s*a?m\s+called|call\s+me|they\s+call\s+me)\s+"
        r"(?P<value>[A-Za-z][A-Za-z'-]+(?:\s+(?-i:[A-Z])[A-Za-z'-]+)?)")),
    ("[school]", re.compile(
        r"\b(?:(?:St\.?|Saint)\s+)?(?:[A-Z][A-Za-z'-]+\s+){1,4}" + _SCHOOL_WORDS + r"(?:\s+School)?\b")),
    (_keep_prefix("[school]"), re.compile(
        r"(?i)\b(?:i|we|he|she|they|my\s+\w+)\s+(?:go|goes|went|goes)\s+to\s+"
        r"(?P<value>(?:(?!the\b|a\b|school\b)[A-Za-z'.-]+\s+){1,4}(?:school|academy|high|primary|college|grammar|secondary|ps|hs)(?:\s+school)?)\b")),
]


def normalise(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def _phones(text: str) -> str:
    """UK and international phone numbers, as libphonenumber finds them (9 digits or more)."""
    spans = [
        (m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
        if sum(c.isdigit() for c in m.raw_string) >= 9
    ]
    for start, end in reversed(spans):
        text = text[:start] + "[phone]" + text[end:]
    return text


def redact(text: str) -> str:
    text = normalise(text)
    for replacement, pattern in _RULES:
        text = _phones(text) if pattern is None else pattern.sub(replacement, text)
    return text
