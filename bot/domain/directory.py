"""The service directory, read from bot/services.yml (the one source of contact details)."""
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Tuple

from bot import yaml_files

from bot import BOT_DIR

SERVICES_FILE = BOT_DIR / "services.yml"
# Fields of a service that the API and the widget show: the one definition of a service card
# (api/schemas.py builds the API's ServiceCard from it and from the types of Service below).
CONTACT_FIELDS = ("phone", "text", "url", "hours")  # checked against the verified reference
CARD_FIELDS = ("id", "name", "summary") + CONTACT_FIELDS


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    summary: str
    url: Optional[str]  # null when the reference names a website only as text (the summary names it)
    source: str
    audiences: Tuple[str, ...] = ()
    ages: Optional[str] = None
    phone: Optional[str] = None
    text: Optional[str] = None
    hours: Optional[str] = None
    cost: Optional[str] = None
    age_range: Tuple[Optional[int], Optional[int]] = (None, None)

    def suits_age(self, age: Optional[int]) -> bool:
        low, high = self.age_range
        return age is None or ((low is None or age >= low) and (high is None or age <= high))

    def card(self) -> Dict[str, Optional[str]]:
        return {f: getattr(self, f) for f in CARD_FIELDS}


@lru_cache(maxsize=1)
def services() -> Dict[str, Service]:
    with open(SERVICES_FILE, encoding="utf-8") as f:
        raw = yaml_files.safe_load(f)["services"]
    return {
        sid: Service(id=sid, **{
            **entry,
            "audiences": tuple(entry.get("audiences") or ()),
            "age_range": tuple(entry.get("age_range") or (None, None)),
        })
        for sid, entry in raw.items()
    }


def get(service_id: str) -> Service:
    try:
        return services()[service_id]
    except KeyError:
        raise KeyError(f"unknown service id {service_id!r}: add it to {SERVICES_FILE}") from None


def cards(service_ids: Iterable[str]) -> List[Dict[str, Optional[str]]]:
    return [get(s).card() for s in service_ids]
