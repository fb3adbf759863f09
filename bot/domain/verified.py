"""The verified facts behind every contact detail, read from bot/reference/verified_contacts.yml.

For each service card: the entry of the verified reference it comes from, and for each
contact detail the value, the page that verifies it and the date it was checked.
Used by the contact tests and the content report; the assistant itself never needs it.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Set

from bot import yaml_files

from bot import BOT_DIR

VERIFIED_FILE = BOT_DIR / "reference" / "verified_contacts.yml"


@dataclass(frozen=True)
class Fact:
    field: str
    value: str
    verified_on: str
    checked: str


@dataclass(frozen=True)
class Entry:
    service_id: str
    reference: str
    facts: List[Fact]

    def value(self, field: str):
        return next((f.value for f in self.facts if f.field == field), None)


@lru_cache(maxsize=1)
def entries() -> Dict[str, Entry]:
    with open(VERIFIED_FILE, encoding="utf-8") as f:
        raw = yaml_files.safe_load(f)["services"]
    return {
        sid: Entry(sid, e["reference"], [Fact(**{k: str(v) for k, v in fact.items()}) for fact in e["facts"]])
        for sid, e in raw.items()
    }


def entry(service_id: str) -> Entry:
    return entries()[service_id]


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def base_domain(url: str) -> str:
    host = re.match(r"https?://([^/]+)", url).group(1).lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def phones() -> Set[str]:
    """Digits of every verified phone number (and short numbers named in summaries)."""
    return {digits(f.value) for e in entries().values() for f in e.facts
            if f.field == "phone" or (f.field == "summary" and f.value.isdigit())}


def short_codes() -> Set[str]:
    return {m for e in entries().values() for f in e.facts if f.field in ("text", "summary")
            for m in re.findall(r"\b\d{4,5}\b", f.value)}


def domains() -> Set[str]:
    return {base_domain(u) for e in entries().values() for f in e.facts
            for u in (f.value, f.verified_on) if u.startswith("http")}
