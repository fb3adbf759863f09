"""Loads the held-out and red-team messages (Rasa NLU YAML) with their expected labels.

Both sets are kept out of training: tests/ is not a training path. Examples come in the short
form (`examples: |` with "- text" lines) or the long form (`- text: |` with optional
`metadata: {urgent: true}`). A message is expected urgent when its metadata says so or its
intent is a crisis intent in bot/topics.yml (a self-harm message is urgent only when its
metadata says so: the topic never decides urgency).
"""
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import yaml

from bot import ROOT
from bot.domain.taxonomy import is_crisis_intent, topic_for

TESTS_DIR = ROOT / "tests"
HELDOUT_DIR = TESTS_DIR / "heldout"
# Long messages (3-8 sentences), written after and apart from the training data.
HELDOUT_LONG_DIR = TESTS_DIR / "heldout_long"
REDTEAM_FILE = TESTS_DIR / "redteam.yml"

_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    urgent: bool  # expected: metadata urgent, or a crisis intent (blackmail, abuse, danger now)
    source: str  # file name the example came from

    @property
    def topic(self) -> Optional[str]:
        return topic_for(self.intent)


def _clean(text: str) -> str:
    text = _ENTITY_MARKUP.sub(lambda m: m.group(1) or m.group(2), text)
    return " ".join(text.split())


def _short_form(block: str) -> List[str]:
    lines = (line.strip() for line in block.splitlines())
    return [line[1:].strip() for line in lines if line.startswith("-")]


def load_file(path: Path) -> List[Example]:
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    examples = []
    for block in data.get("nlu") or []:
        intent = block.get("intent")
        if not intent:
            continue  # synonyms, regexes, lookups
        items = block.get("examples") or []
        if isinstance(items, str):
            items = [{"text": t} for t in _short_form(items)]
        for item in items:
            text = _clean(str(item.get("text", "")))
            if not text:
                continue
            metadata = item.get("metadata") or {}
            urgent = bool(metadata.get("urgent")) or is_crisis_intent(intent)
            examples.append(Example(text, intent, urgent, path.name))
    return examples


def load_heldout(directory: Path = HELDOUT_DIR) -> List[Example]:
    return [e for path in sorted(directory.glob("*.yml")) for e in load_file(path)]


def load_heldout_long(directory: Path = HELDOUT_LONG_DIR) -> List[Example]:
    return load_heldout(directory) if directory.exists() else []


def load_redteam(path: Path = REDTEAM_FILE) -> List[Example]:
    return load_file(path) if path.exists() else []
