"""The review page a safeguarding lead signs: every reply the assistant can show (issue 19).

    python -m tooling.content_review.report results/content-report.html     (make content-report)

Every reply of tooling/content_review/cases.py (each with its stable id), grouped where replies are
identical, as a user sees it (messages, buttons, cards), with the file and key of
bot/content/ each text comes from, its reading grade, its content hash and its sign-off
status from content-signoff.yml. It opens with what changed since the last sign-off.
Search and filters run in a small inline script; the page makes no outside requests.

Rendered with Jinja2 from tooling/content_review/templates/content_report.html. Needs no model or action server.
"""
import argparse
import sys
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import jinja2
import textstat

from bot import ROOT
from bot.domain import content, directory, replies, taxonomy, verified
from tooling.content_review import signoff
from tooling.content_review.cases import AGE_BANDS, Case, cases, topic_names
from tooling.content_review.sources import sources
from bot.domain.taxonomy import AUDIENCES

GRADE_LIMIT = 6  # young people's texts aim for a reading age of about 11
TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class Group:
    """Cases in one section that get exactly the same reply (the same hash)."""
    section: str
    reply: replies.Reply
    hash: str
    cases: List[Case] = field(default_factory=list)


def groups(all_cases: List[Case]) -> List[Group]:
    by_key: Dict[tuple, Group] = {}
    for case in all_cases:
        h = signoff.reply_hash(case.reply)
        by_key.setdefault((case.section, h), Group(case.section, case.reply, h)).cases.append(case)
    return list(by_key.values())


@lru_cache(maxsize=None)
def grade(text: str) -> float:
    return round(textstat.flesch_kincaid_grade(text), 1) if text.strip() else 0.0


def _block(case: Case) -> Optional[str]:
    """The content block the case's texts come from, to credit shared texts to it."""
    if case.facets.get("age") in ("18", "19-plus"):
        return "young_adult"
    return case.facets.get("audience") if case.facets.get("audience") in AUDIENCES else None


def box(group: Group, status: Dict[str, str]) -> dict:
    """What the template needs for one reply box."""
    first = group.cases[0]
    intent = first.facets.get("intent")
    messages = [{"text": m["text"], "urgent": group.reply.urgent and i == 0,
                 "sources": sources(m["text"], intent, _block(first)),
                 "buttons": [b["title"] for b in m["buttons"]]}
                for i, m in enumerate(group.reply.messages)]
    text = " ".join(m["text"] for m in group.reply.messages)
    g = grade(text)
    return {
        "hash": group.hash, "urgent": group.reply.urgent, "messages": messages,
        "cards": [directory.get(s) for s in group.reply.services],
        # Where the widget puts the school's own contact, when a school has set one up: after
        # the emergency card in an urgent reply, first in a topic reply, not at all otherwise.
        "school_at": _school_at(group.reply),
        "grade": g, "over": any(c.young_person for c in group.cases) and g > GRADE_LIMIT,
        "words": len(text.split()),
        "cases": [{"id": c.id, "label": c.label, "facets": c.facets, "status": status[c.id]} for c in group.cases],
        "status": " ".join(sorted({status[c.id] for c in group.cases})),
    }


def _school_at(reply: replies.Reply) -> int:
    if not reply.services or not (reply.topic or reply.urgent):
        return -1
    return 1 if reply.urgent and reply.services[0] == replies.EMERGENCY else 0


def statuses(manifest: dict, now: Dict[str, Dict[str, str]]) -> Dict[str, str]:
    """signed, awaiting (listed with its current hash) or unlisted (neither: the test fails)."""
    found = {}
    for rid, value in now.items():
        if signoff.is_signed(manifest, rid, value["hash"]):
            found[rid] = "signed"
        elif manifest["awaiting"].get(rid) == value["hash"]:
            found[rid] = "awaiting"
        else:
            found[rid] = "unlisted"
    return found


def changes(manifest: dict, now: Dict[str, Dict[str, str]], labels: Dict[str, str]) -> List[dict]:
    """Replies signed before whose text is different now, old and new side by side; ids with
    the same old and new text are shown together."""
    last = signoff.last_signed(manifest)
    by_pair: Dict[tuple, dict] = {}
    for rid, value in now.items():
        old = last.get(rid)
        if not old or old["hash"] == value["hash"]:
            continue
        item = by_pair.setdefault((old["hash"], value["hash"]), {
            "old": manifest["signed_texts"].get(old["hash"]), "new": value["text"], "signed": old, "ids": []})
        item["ids"].append({"id": rid, "label": labels.get(rid, rid)})
    return list(by_pair.values())


def filters(all_cases: List[Case]) -> dict:
    kinds = sorted({c.facets["kind"] for c in all_cases if c.facets.get("kind")})
    # The first part of every id: a topic intent, a situation, or a kind of turn.
    intents = topic_names() + [(i, i.replace("-", " ").capitalize()) for i in ("conversation", "no-topic", "degraded", "api")]
    return {
        "intent": intents,
        "audience": [(a, taxonomy.audience_label(a)) for a in AUDIENCES] + [("anyone", "Anyone")],
        "age": [(slug, label) for slug, label, _ in AGE_BANDS],
        "urgent": [("yes", "Urgent"), ("no", "Not urgent")],
        "kind": [(k, k.replace("_", " ").replace(".", ": ")) for k in kinds],
        "status": [("awaiting", "Awaiting sign-off"), ("signed", "Signed"), ("unlisted", "Changed, not listed")],
    }


def urgent_steps_rows() -> List[dict]:
    rows = []
    for danger, entry in content._file("urgent_steps").items():
        for key in content.BLOCKS:
            who = taxonomy.audience_label(key) if key in AUDIENCES else f"{taxonomy.audience_label('young_person')}, {content.ADULT_AGE} or over"
            rows.append({"danger": danger.replace("_", " "), "who": who, "steps": entry.get(key) or []})
    return rows


def service_cards(status: Dict[str, str]) -> List[dict]:
    return [{"id": sid, "card": card, "entry": verified.entry(sid), "hash": signoff.card_hash(sid),
             "status": status[f"card/{sid}"]} for sid, card in directory.services().items()]


def build_html(today: Optional[date] = None, manifest: Optional[dict] = None) -> str:
    manifest = manifest if manifest is not None else signoff.load()
    all_cases = cases()
    now = signoff.current()
    status = statuses(manifest, now)
    all_groups = groups(all_cases)
    sections: Dict[str, List[dict]] = {}
    for group in all_groups:
        sections.setdefault(group.section, []).append(box(group, status))
    labels = {c.id: c.label for c in all_cases}
    counts = {s: sum(1 for v in status.values() if v == s) for s in ("signed", "awaiting", "unlisted")}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env.get_template("content_report.html").render(
        today=(today or date.today()).isoformat(), sections=sections, filters=filters(all_cases),
        signatures=manifest["signatures"], changes=changes(manifest, now, labels), counts=counts,
        total=len(now), n_cases=len(all_cases), n_groups=len(all_groups), grade_limit=GRADE_LIMIT,
        manifest=signoff.MANIFEST.name, awaiting_command=signoff.AWAITING_COMMAND, sign_command=signoff.SIGN_COMMAND,
        platform=content.conversation("platform_step").format(platform="Snapchat"),
        urgent_steps=urgent_steps_rows(), cards=service_cards(status), emergency=replies.EMERGENCY,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default=str(ROOT / "results" / "content-report.html"))
    args = parser.parse_args(argv)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    page = build_html()
    out.write_text(page, encoding="utf-8")
    distinct = len(groups(cases()))
    print(f"wrote {out} ({len(page) // 1024} kB, {len(cases())} replies, {distinct} distinct)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
