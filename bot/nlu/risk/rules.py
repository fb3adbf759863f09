"""The safeguarding rules of bot/nlu/risk/rules.yml, applied to the facts of a message.

A rule that holds is signed evidence: the learned model cannot overrule it. Facts are those
of the conversation so far (ages, who the other person is, what happened) with this message's
own time and manner (bot.nlu.risk.facts.merge), so "my son is with him now" after a message about
a man from a game is read with that man in mind.
"""
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple


from bot import yaml_files
from bot.domain.taxonomy import ADULT_AGE
from bot.nlu.risk.facts import Facts

RULES_FILE = Path(__file__).with_name("rules.yml")
LEVELS = ("none", "serious", "immediate")  # in order of how bad
LIVE = frozenset({"now", "soon", "recent"})  # times that say it is not over
FLAGS = ("romance", "sexual", "secrecy", "private_contact", "images")


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    kind: str
    why: str
    conditions: Tuple[Tuple[str, object], ...]
    unless: Tuple[str, ...]
    topic: Optional[str] = None
    danger: Optional[str] = None

    def holds(self, facts: Facts) -> bool:
        return all(_CONDITIONS[name](facts, value) for name, value in self.conditions) and not any(
            switched_off(facts, reason) for reason in self.unless)


def past_only(facts: Facts) -> bool:
    """Told as past or over, with nothing said to be happening now or soon: over ("9 months
    clean", "police dealt with it"), or past ("last year") with no "now" or "still" beside it."""
    if facts.when & LIVE:
        return False
    return "recovered" in facts.when or ("past" in facts.when and "present" not in facts.when)


def switched_off(facts: Facts, reason: str) -> bool:
    return past_only(facts) if reason == "past_only" else reason in facts.manner


def child_age(facts: Facts) -> Optional[int]:
    return facts.youngest_child_age


def about_a_child(facts: Facts) -> bool:
    age = child_age(facts)
    return age is None or age < ADULT_AGE


_CONDITIONS = {
    "child_under": lambda f, n: child_age(f) is not None and child_age(f) < int(n),
    "about_a_child": lambda f, want: about_a_child(f) == bool(want),
    "other_adult": lambda f, want: f.adult_other == bool(want),
    "other_any": lambda f, roles: bool(f.other & set(roles)),
    "child_under_or_unknown": lambda f, n: child_age(f) is None or child_age(f) < int(n),
    "facts_any": lambda f, flags: any(getattr(f, flag) for flag in flags),
    "facts_all": lambda f, flags: all(getattr(f, flag) for flag in flags),
    "acts_any": lambda f, acts: bool(f.acts & set(acts)),
    "acts_all": lambda f, acts: set(acts) <= f.acts,
    "when_any": lambda f, marks: bool(f.when & set(marks)),
}


def _rule(raw: Dict) -> Rule:
    unknown = set(raw["if"]) - set(_CONDITIONS)
    if unknown or raw["level"] not in LEVELS[1:]:
        raise ValueError(f"rule {raw['id']}: unknown condition {sorted(unknown)} or level {raw['level']}")
    for flag in raw["if"].get("facts_any", []) + raw["if"].get("facts_all", []):
        if flag not in FLAGS:
            raise ValueError(f"rule {raw['id']}: unknown fact {flag}")
    return Rule(id=raw["id"], level=raw["level"], kind=raw["kind"], why=" ".join(raw["why"].split()),
                conditions=tuple(raw["if"].items()), unless=tuple(raw.get("unless") or ()),
                topic=raw.get("topic"), danger=raw.get("danger"))


@lru_cache(maxsize=1)
def rules() -> Tuple[Rule, ...]:
    with open(RULES_FILE, encoding="utf-8") as f:
        return tuple(_rule(r) for r in yaml_files.safe_load(f)["rules"])


def rule(rule_id: str) -> Rule:
    return next(r for r in rules() if r.id == rule_id)


def hits(facts: Facts) -> List[Rule]:
    """The rules that hold, the worst level first (file order within a level)."""
    found = [r for r in rules() if r.holds(facts)]
    return sorted(found, key=lambda r: -LEVELS.index(r.level))
