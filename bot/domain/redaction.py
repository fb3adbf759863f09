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
from typing import Callable, Dict, List, Tuple, Union

import phonenumbers

from bot.domain import vocabulary
from bot.domain.cleaning import clean


_TLDS = (r"com|co\.uk|org\.uk|ac\.uk|sch\.uk|gov\.uk|police\.uk|uk|org|net|ly|io|me|gg|tv|app|info|be|xyz|"
         r"link|to|co|ai|us|eu|biz|site|online|live|club|page|dev|scot|ie|fun|lol|shop|store|top|cc|ru|de|fr|nl|"
         r"ca|au|in|es|it|pl|art|blog|chat|games|social|wtf|vip|icu")
# The services' own sites (a young person asking "is childline.org.uk real?") are not personal.
_SERVICE_DOMAINS = re.compile(
    r"(?i)^(?:www\.)?(?:childline\.org\.uk|ceop\.police\.uk|iwf\.org\.uk|respectme\.org\.uk|nspcc\.org\.uk|"
    r"samaritans\.org|scotland\.police\.uk|breathingspace\.scot|parentclub\.scot|stopitnow\.org\.uk|"
    r"saferinternet\.org\.uk|internetmatters\.org|childrenfirst\.org\.uk|gov\.scot|[\w.-]*\.gov\.uk)(?:/\S*)?$")
_MAIL_HOSTS = (r"gmail|googlemail|hotmail|outlook|live|yahoo|icloud|me|aol|msn|btinternet|sky|virginmedia|"
               r"protonmail|proton|mail|gmx|ymail")
# After the word "at" only names no sentence uses ("laughing at me", "look at live ...").
_MAIL_HOSTS_SPELLED = r"gmail|googlemail|hotmail|outlook|yahoo|icloud|aol|msn|btinternet|protonmail|ymail|gmx"

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


def _unless_service(placeholder: str) -> Callable[[re.Match], str]:
    def replace(match: re.Match) -> str:
        return match.group(0) if _SERVICE_DOMAINS.match(match.group(0)) else placeholder
    return replace


# Runs of letters are bounded and start where a run starts, so a 1,000-character word or "x.x.x..."
# costs a few milliseconds, not hundreds (issue 21: every message within its CPU budget).
_RULES: List[Tuple[Replacement, re.Pattern]] = [
    # Order matters: links and e-mails before handles, dates before phone numbers.
    (_unless_service("[link]"), re.compile(r"(?i)\b(?:https?://|www\.)\S+")),
    ("[email]", re.compile(r"(?i)(?<![\w.+-])[\w.+-]{1,254}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")),
    # Written to dodge filters: "x@gmail" (no ending), "x @ gmail . com", "x at gmail".
    ("[email]", re.compile(r"(?i)(?<![\w.+-])[\w.+-]{1,254}@[A-Za-z][\w-]{0,62}")),
    ("[email]", re.compile(r"(?i)(?<![\w.+-])[\w.+-]{1,254}\s*@\s*[A-Za-z][\w-]{0,62}(?:\s*\.\s*[\w-]{1,63}){0,8}\s*\.\s*(?:" + _TLDS.replace(r"\.", r"\s*\.\s*") + r")\b")),
    ("[email]", re.compile(r"(?i)(?<![\w.+-])[\w.+-]{1,254}\s*@\s*(?:" + _MAIL_HOSTS + r")\b(?:\s*(?:\.|dot)\s*(?:com|co\s*(?:\.|dot)\s*uk|net|org|uk))?")),
    ("[email]", re.compile(r"(?i)(?<![\w.+-])[\w.+-]{0,254}[\w+-]\s+(?:at|\(at\)|\[at\])\s+(?:" + _MAIL_HOSTS_SPELLED + r")\b(?:\s*(?:\.|dot)\s*(?:com|co\s*(?:\.|dot)\s*uk|net|org|uk))?")),
    (_spelled_out("[email]"), re.compile(
        r"(?i)(?<![\w.+-])[\w.+-]{1,254}\s*(?:\(at\)|\[at\]|\{at\}|\bat\b)\s*[\w-]{1,63}(?:\s*(?:\(dot\)|\[dot\]|\{dot\}|\bdot\b|\.)\s*[\w-]{1,63}){0,8}"
        r"\s*(?:\(dot\)|\[dot\]|\{dot\}|\bdot\b|\.)\s*(?:" + _TLDS.replace(r"\.", r"\s*(?:dot|\.)\s*") + r")\b")),
    (_unless_service("[link]"), re.compile(r"(?i)\b(?:[a-z0-9-]{1,63}\.){1,10}(?:" + _TLDS + r")\b(?:/\S*)?")),
    # A domain spelled out: "qorbzyx dot com".
    ("[link]", re.compile(r"(?i)\b[a-z0-9-]+\s+dot\s+(?:com|co\s+dot\s+uk|org|net|uk|io|me|gg|tv|app|xyz|scot)\b")),
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
    # Spaced out: "F K 1 2 A B", "EH 1 2 A B" (capitals; in lower case only one character apart).
    ("[postcode]", re.compile(r"\b[A-Z](?:\s?[A-Z])?\s?\d(?:\s?[A-Z\d])?\s*\d\s?[A-Z]\s?[A-Z]\b")),
    ("[postcode]", re.compile(r"(?i)\b[a-z](?: [a-z])? \d(?: [a-z\d])? \d [a-z] [a-z]\b")),
    ("[address]", re.compile(
        r"\b\d{1,4}[a-zA-Z]?,?\s+(?:(?!(?i:" + "|".join(sorted(_NOT_A_STREET_NAME)) + r")\b)[A-Za-z']+\s+){1,3}"
        r"(?:(?i:" + _STREET_ALWAYS + r")|" + _STREET_CAPITALISED + r")\b")),
    # A street with no number: a capitalised name ("on Rose Street"), or any after "live(s) on/in".
    ("[address]", re.compile(r"\b(?:(?!(?:The|A|An|My|Our|His|Her|Their|In|On|At|Near|Off)\b)[A-Z][a-z']+\s+){1,3}"
                             r"(?:Street|Road|Avenue|Lane|Crescent|Terrace|Gardens|Wynd|Brae)\b")),
    (_keep_prefix("[address]"), re.compile(
        r"(?i)\b(?:live|lives|living|lived|stay|stays|staying|house\s+is|flat\s+is)\s+(?:on|in|at|near|off|up|down)\s+(?:the\s+)?"
        r"(?P<value>(?:(?!(?:the|a|an|my|our|his|her|their|this|that|same|main|next|other)\b)[a-z']+\s+){1,3}"
        r"(?:" + _STREET_ALWAYS + r"))\b")),
    (_keep_prefix("[handle]", unless=_NOT_A_HANDLE), re.compile(
        r"(?i)\b(?:my|his|her|their|our)\s+(?:" + _APPS + r")(?:\s+(?:name|id|username|user\s?name|tag|gamertag|account|acc|handle))?"
        r"\s*(?:is|=|:|-|'s)?\s+(?P<value>[A-Za-z0-9_.]{2,30})")),
    ("[school]", re.compile(
        r"\b(?:(?:St\.?|Saint)\s+)?(?:[A-Z][A-Za-z'-]+\s+){1,4}" + _SCHOOL_WORDS + r"(?:\s+School)?\b")),
    (_keep_prefix("[school]"), re.compile(
        r"(?i)\b(?:i|we|he|she|they|my\s+\w+)\s+(?:go|goes|went|goes)\s+to\s+"
        r"(?P<value>(?:(?!the\b|a\b|school\b)[A-Za-z'.-]+\s+){1,4}(?:school|academy|high|primary|college|grammar|secondary|ps|hs)(?:\s+school)?)\b")),
]


# -- details named by context, judged with a dictionary (bot/domain/vocabulary.py) ----------------------
_WORD = r"[A-Za-z][A-Za-z'-]*"
_NAME_BREAKS = {"im", "i'm", "i", "and", "but", "so", "or", "please", "pls", "plz", "x", "xx"}


def _name_after(text: str, start: int, first_any: bool) -> Tuple[int, int]:
    """The span of the name starting at `start`, or (start, start) when there is none.
    After "my name is" (`first_any`) its first word may be any word that does not describe
    ("grace", "smith"), then up to two more ("sam smith"); after "I'm", only words the
    dictionary does not know or capitalised ones ("Zyxwanda Qorb", "Grace")."""
    end = start
    for count, word in enumerate(re.finditer(_WORD, text[start:])):
        at = start + word.start()
        if text[end:at].strip():  # punctuation between the words: the name ended
            break
        token = word.group(0)
        lower = token.lower().strip("'-")
        if lower in _NAME_BREAKS or lower in vocabulary.SERVICES or lower in vocabulary.APPS \
                or (count == 0 and lower in _NOT_A_NAME):
            break
        capitalised = token[0].isupper() and not token.isupper()
        if count == 0 and first_any:
            if vocabulary.is_stop(token):  # "my name is on the list"
                break
        elif vocabulary.describes(token):
            break
        if not first_any and vocabulary.is_word(token) and not capitalised:
            break
        end = start + word.end()
        if count == 2:
            break
    return start, end


def _names(text: str) -> str:
    spans = []
    for pattern, first_any in _NAME_INTROS:
        for match in pattern.finditer(text):
            span = _name_after(text, match.end(), first_any)
            if span[1] > span[0]:
                spans.append(span)
    return _replace_spans(text, spans, "[name]")


def _handles(text: str) -> str:
    """After an app's name, a word that looks made up (a digit, "_" or "." inside, or mixed
    case: "snap qorbzyx99", "insta QorbZyx"); where the words say a handle follows ("snap:",
    "my snap", "add me on snap"), also any word the dictionary does not know ("qorbzyx")."""
    spans = []
    for match in _AFTER_APP.finditer(text):
        value = match.group("value").rstrip(".")
        lower = value.lower()
        if not value or _TIME.fullmatch(value):
            continue
        if lower in _NOT_A_HANDLE or lower in vocabulary.APPS or lower in vocabulary.SERVICES:
            continue
        letters = re.search(r"[A-Za-z]", value)
        made_up = letters and (re.search(r"[\d_.]", value) or re.search(r"[a-z][A-Z]", value))
        said = match.group("sep") or match.group("owner") or match.group("ask")
        if made_up or (said and letters and not vocabulary.is_word(value)):
            spans.append((match.start("value"), match.start("value") + len(value)))
    return _replace_spans(text, spans, "[handle]")


_TIME = re.compile(r"(?i)\d{1,2}(?::\d\d)?(?:am|pm|ish)?|\d+(?:s|st|nd|rd|th|k|mins?|hrs?|h|m)")
_DIGIT_WORDS = {"zero": 1, "oh": 1, "o": 1, "nought": 1, "nil": 1, "one": 1, "two": 1, "three": 1, "four": 1,
                "five": 1, "six": 1, "seven": 1, "eight": 1, "nine": 1, "double": 0, "triple": 0}
_SPOKEN = re.compile(r"(?i)\b(?:(?:" + "|".join(_DIGIT_WORDS) + r"|\d+)\b[\s,.-]*){6,}")


def _spoken_phones(text: str) -> str:
    """Phone numbers in words: "oh seven seven oh oh nine double oh one two three" (9 digits or
    more, "double"/"triple" repeating the next)."""
    spans = []
    for match in _SPOKEN.finditer(text):
        digits, repeat = 0, 1
        for token in re.findall(r"[A-Za-z]+|\d+", match.group(0)):
            lower = token.lower()
            if lower in ("double", "triple"):
                repeat = 2 if lower == "double" else 3
                continue
            digits += (len(token) if token.isdigit() else 1) * repeat
            repeat = 1
        words = sum(1 for t in re.findall(r"[A-Za-z]+", match.group(0)) if t.lower() not in ("o", "oh"))
        if digits >= 9 and words >= 3:
            spans.append((match.start(), match.end() - (len(match.group(0)) - len(match.group(0).rstrip(" ,.-")))))
    return _replace_spans(text, spans, "[phone]")


def _replace_spans(text: str, spans: List[Tuple[int, int]], placeholder: str) -> str:
    merged: List[Tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = text[:start] + placeholder + text[end:]
    return text


# Words that introduce a name: (pattern ending where the name starts, whether its first word may
# be any word). After "my name is" any word is a name ("my name is grace") unless it cannot be
# one ("my name is on the list"); after "I'm" only a word that cannot describe ("I'm Zyxwanda",
# "im zyxwanda"; never "I'm scared", "im 14", "I'm Scottish").
_NAME_INTROS = [
    (re.compile(r"(?i)\b(?:my|his|her|their|ma)\s+(?:(?:first|full|real|last|middle|sur|nick|second)\s*)?"
                r"name(?:\s+is|'s|s|\s*[:=-]|\s+was)\s*"), True),
    (re.compile(r"(?i)(?<![\w/-])(?:user)?name(?:\s*[:=]|\s+-)\s*"), True),
    (re.compile(r"(?i)\b(?:i\s*'?\s*a?m|im|i\s+am|he'?s|she'?s|they'?re|(?:he|she)\s+is)\s+(?:called|named)\s+"), True),
    (re.compile(r"(?i)\b(?:call\s+me|they\s+call\s+me)\s+"), True),
    (re.compile(r"(?i)\b(?:it'?s|this\s+is)\s+(?=(?-i:[A-Z]))"), False),
    (re.compile(r"(?i)\b(?:man|guy|boy|girl|woman|lady|lad|bloke|person|someone|somebody|user|kid|teacher|pal|mate|"
                r"friend|boyfriend|girlfriend|bf|gf|brother|sister|cousin|uncle|auntie|aunt|coach|account|profile)\s+"
                r"(?:called|named|calls\s+(?:himself|herself|themselves)|goes\s+by)\s+"), True),
    (re.compile(r"(?<![\w'])(?:Mr|Mrs|Ms|Mx|Dr|Miss|Sir)\.?\s+(?=[A-Z])"), True),
    (re.compile(r"(?i)(?<![\w'])(?:mr|mrs|ms|mx)\.?\s+"), True),
    (re.compile(r"(?i)(?:^|(?<=[\s,.!?;:(]))(?:i\s*'?\s*m|i\s+am|ima|iam)\s+"), False),
]
_AFTER_APP = re.compile(
    r"(?i)(?:(?P<owner>\b(?:my|his|her|their|our|ur|your)\s+)|(?P<ask>\b(?:add|follow|find|message|msg|dm|text|snap)\s+"
    r"(?:me|him|her|them|us)\s+(?:on|at)\s+))?"
    r"\b(?:" + _APPS + r")(?:\s+(?:name|id|username|user\s?name|tag|gamertag|account|acc|handle))*"
    r"(?:(?P<sep>\s*[:=]\s*|\s+-\s*|\s+is\s+|\s+its\s+|\s+it's\s+)|\s+)(?:at\s+)?"
    r"(?P<value>@?[A-Za-z0-9_.]*[A-Za-z0-9_][A-Za-z0-9_.]*)")


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
    # The API hands over cleaned text; cleaning again is a no-op there, and keeps redact() safe
    # for any other caller.
    text = clean(text)
    for replacement, pattern in _RULES:
        text = _phones(text) if pattern is None else pattern.sub(replacement, text)
    return _names(_handles(_spoken_phones(text)))


_TOKEN = re.compile(r"\[(?:name|handle|email|phone|postcode|address|link|school|date)\]|\w+(?:'\w+)?|[^\w\s]")


def stored_parse_data(parse_data: Dict, original: str, safe_text: str) -> Dict:
    """The parse data as it may be stored: the redacted text, its own token offsets (never the
    original's, which would give away each redacted detail's length), and entity offsets found
    again in the redacted text; an entity whose words were redacted keeps its value (an age, a
    platform, a role: never a detail) without offsets."""
    stored = dict(parse_data)
    stored["text"] = safe_text
    if "text_tokens" in parse_data:
        stored["text_tokens"] = [m.span() for m in _TOKEN.finditer(safe_text)]
    entities = []
    for entity in parse_data.get("entities") or []:
        entity = dict(entity)
        start, end = entity.pop("start", None), entity.pop("end", None)
        if start is not None and end is not None:
            words = original[start:end]
            at = _find_word(safe_text, words)
            if words and at >= 0:
                entity["start"], entity["end"] = at, at + len(words)
        entities.append(entity)
    if "entities" in parse_data:
        stored["entities"] = entities
    return stored


def _find_word(text: str, words: str) -> int:
    match = re.search(r"(?i)(?<!\w)" + re.escape(words) + r"(?!\w)", text)
    return match.start() if match else -1
