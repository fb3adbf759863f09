"""Which file and key of bot/content/ each text on the review page comes from.

Found from the content files themselves rather than from bot/domain/replies.py: every text in them
(a leaf of the YAML) is looked for in the reply's messages, so the page stays right when the
code that assembles replies changes. A lead can then say "change bot/content/grooming.yml
parent.steps, step 4". Service ids and other one-word values are not texts and are skipped.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, List, Optional, Pattern, Tuple

import yaml

from bot import ROOT
from bot.domain import content


@dataclass(frozen=True)
class Source:
    file: str  # relative to the repository: bot/content/grooming.yml
    key: str  # parent.steps, step 4
    text: str

    @property
    def where(self) -> str:
        return f"{self.file} {self.key}"


def _leaves(value, key: str) -> Iterator[Tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value, 1):  # numbered from 1, as a reader counts steps
            yield from _leaves(v, f"{key}, step {i}" if key.endswith("steps") else f"{key}[{i}]")
    elif isinstance(value, str) and " " in value.strip():
        yield key, value.strip()


def content_files() -> List:
    return sorted(content.CONTENT_DIR.glob("*.yml")) + sorted(content.SITUATIONS_DIR.glob("*.yml"))


@lru_cache(maxsize=1)
def all_sources() -> Tuple[Source, ...]:
    found = []
    for path in content_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rel = str(path.relative_to(ROOT))
        found += [Source(rel, key, text) for key, text in _leaves(data, "")]
    return tuple(found)


@lru_cache(maxsize=None)
def _pattern(text: str) -> Pattern:
    """A text with {placeholders} ("Use the report button in {platform} too.") matches any fill."""
    parts = re.split(r"\{[a-z_]+\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts))


def _spans(message: str) -> List[Tuple[int, int, Source]]:
    spans = []
    for source in all_sources():
        if "{" in source.text:
            match = _pattern(source.text).search(message)
            if match:
                spans.append((match.start(), match.end(), source))
        else:
            at = message.find(source.text)
            if at >= 0:
                spans.append((at, at + len(source.text), source))
    return spans


@lru_cache(maxsize=None)
def _sources_in(message: str) -> Tuple[Source, ...]:
    spans = _spans(message)
    # A text found only inside a longer text found here is part of that one, not a source.
    kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0]) for o in spans)]
    kept.sort(key=lambda s: s[0])
    return tuple(s[2] for s in kept)


def sources(message: str, intent: Optional[str] = None, block: Optional[str] = None) -> List[Source]:
    """The texts this message is made of, in order. A text written the same in several places
    is credited to the files a reply of this intent is built from (its own file and the fixed
    ones, not another topic's), then to the reply's audience block."""
    found = list(_sources_in(message))
    own = content.FIXED_FILES | {intent or ""}

    def score(s: Source) -> int:
        parts = re.sub(r"\[\d+\]|, step \d+", "", s.key).split(".")
        return 2 * (s.file.rsplit("/", 1)[-1][:-4] in own) + (block in parts)

    best = []
    for s in found:
        top = max(score(o) for o in found if o.text == s.text)
        if score(s) == top and s not in best:
            best.append(s)
    return best
