"""Sign-off of every reply by a safeguarding lead (issue 19): hashes, the manifest, commands.

    python -m tooling.content_review.signoff status                       what is signed, awaiting, unlisted
    python -m tooling.content_review.signoff awaiting                     (make content-awaiting) list every
                                                       unsigned reply as awaiting sign-off
    python -m tooling.content_review.signoff sign --name N --role R [--date YYYY-MM-DD]
                                                       (make content-sign) record a sign-off

The manifest is content-signoff.yml at the top of the repository (not in bot/content/, whose
every file is read as a topic's content). Each reply (tooling/content_review/cases.py) and each service
card has a stable id and a hash of what a user sees: a reply's messages, buttons, urgency and
the cards it shows, in order; a card's name, summary and contact details. A reply is signed
when some signature holds its id with its current hash.

The texts a lead signed are kept in the manifest (`signed_texts`, by hash, only the last
signed version of each reply), so the review page can show old and new text side by side
without git history or the old code.
"""
import argparse
import hashlib
import json
import sys
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bot import ROOT
from bot.domain import directory, replies
from tooling.content_review.cases import cases

MANIFEST = ROOT / "content-signoff.yml"
AWAITING_COMMAND = "make content-awaiting"
SIGN_COMMAND = 'make content-sign NAME="Full Name" ROLE="Child Protection Coordinator" [DATE=YYYY-MM-DD]'
HEADER = """\
# Sign-off of every reply the assistant can show (see docs/changing.md, "Review and sign off every reply").
# signatures: who signed, their role, the date, and the id: hash of every reply they signed.
#   Only `make content-sign` adds one, after the lead has read the review page
#   (make content-report). Never edit a signature by hand.
# awaiting: id: hash of every reply whose current text is not signed yet. Regenerate it with
#   `make content-awaiting` whenever a text changes; tests/test_signoff.py fails until you do.
# signed_texts: hash: the text as signed, for the page's "changed since the last sign-off".
"""


def reply_text(reply: replies.Reply) -> str:
    """The reply as plain text: what a reader compares side by side."""
    lines = []
    for m in reply.messages:
        lines.append(m["text"])
        if m["buttons"]:
            lines.append("[" + "] [".join(b["title"] for b in m["buttons"]) + "]")
    if reply.services:
        lines.append("Cards: " + ", ".join(directory.get(s).name for s in reply.services))
    return "\n".join(lines)


def reply_hash(reply: replies.Reply) -> str:
    """Of what a user sees: urgency, messages with their buttons, the cards in order."""
    seen = {"urgent": reply.urgent, "services": reply.services,
            "messages": [{"text": m["text"], "buttons": [b["title"] for b in m["buttons"]]} for m in reply.messages]}
    return _hash(seen)


def card_hash(service_id: str) -> str:
    return _hash(directory.get(service_id).card() | {"ages": directory.get(service_id).ages})


def card_text(service_id: str) -> str:
    card = directory.get(service_id)
    return "\n".join(f"{k}: {v}" for k, v in (card.card() | {"ages": card.ages}).items() if v)


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def current() -> Dict[str, Dict[str, str]]:
    """id -> {hash, text} for every reply and every service card, now."""
    found = {c.id: {"hash": reply_hash(c.reply), "text": reply_text(c.reply)} for c in cases()}
    for service_id in directory.services():
        found[f"card/{service_id}"] = {"hash": card_hash(service_id), "text": card_text(service_id)}
    return found


def load(path: Path = MANIFEST) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    data = data or {}
    return {"signatures": data.get("signatures") or [], "awaiting": data.get("awaiting") or {},
            "signed_texts": data.get("signed_texts") or {}}


def save(manifest: dict, path: Path = MANIFEST) -> None:
    body = {"signatures": manifest["signatures"], "awaiting": dict(sorted(manifest["awaiting"].items())),
            "signed_texts": dict(sorted(manifest["signed_texts"].items()))}
    path.write_text(HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


def last_signed(manifest: dict) -> Dict[str, dict]:
    """id -> {hash, by, role, date} of the latest signature of each id."""
    found = {}
    for sig in manifest["signatures"]:
        for rid, h in (sig.get("replies") or {}).items():
            found[rid] = {"hash": h, "by": sig["name"], "role": sig["role"], "date": str(sig["date"])}
    return found


def is_signed(manifest: dict, rid: str, h: str) -> bool:
    return any((sig.get("replies") or {}).get(rid) == h for sig in manifest["signatures"])


def unsigned(manifest: dict, now: Optional[Dict[str, Dict[str, str]]] = None) -> Dict[str, str]:
    """id -> current hash of every reply whose current hash no one has signed."""
    now = now or current()
    return {rid: v["hash"] for rid, v in now.items() if not is_signed(manifest, rid, v["hash"])}


def problems(manifest: dict, now: Optional[Dict[str, Dict[str, str]]] = None) -> List[str]:
    """Why the manifest does not match the content now: replies neither signed nor awaiting,
    and awaiting entries that are stale. Empty when all is in order."""
    now = now or current()
    want = unsigned(manifest, now)
    listed = manifest["awaiting"]
    found = [f"{rid}: {h} is neither signed nor awaiting sign-off"
             + (f" (awaiting lists {listed[rid]}, an older text)" if rid in listed else "")
             for rid, h in sorted(want.items()) if listed.get(rid) != h]
    found += [f"{rid}: listed as awaiting but " + ("no such reply exists now" if rid not in now else "its current text is signed")
              for rid in sorted(listed) if rid not in want]
    return found


def explain(found: List[str]) -> str:
    shown = "\n  ".join(found[:10]) + (f"\n  ... and {len(found) - 10} more" if len(found) > 10 else "")
    return (f"{len(found)} replies changed without being listed for sign-off in {MANIFEST.name}:\n  {shown}\n"
            f"If the change is intended, list it as awaiting sign-off and commit the manifest:\n"
            f"    {AWAITING_COMMAND}\n"
            f"A safeguarding lead then reads `make content-report` and records their sign-off with:\n"
            f"    {SIGN_COMMAND}")


def mark_awaiting(path: Path = MANIFEST) -> Dict[str, int]:
    manifest = load(path)
    old = manifest["awaiting"]
    manifest["awaiting"] = unsigned(manifest)
    save(manifest, path)
    new = manifest["awaiting"]
    return {"awaiting": len(new), "added or changed": sum(old.get(k) != v for k, v in new.items()),
            "removed": len(set(old) - set(new))}


def sign(name: str, role: str, on: date, path: Path = MANIFEST) -> int:
    """Signs exactly the replies listed as awaiting, at the hashes listed, which must be the
    current ones: the lead signs what the page they read showed, nothing else."""
    if not name.strip() or not role.strip():
        raise ValueError("a sign-off needs the signer's name and role")
    manifest = load(path)
    now = current()
    found = problems(manifest, now)
    if found:
        raise ValueError(explain(found) + "\nThen rebuild and re-read the page before signing.")
    signed = dict(sorted(manifest["awaiting"].items()))
    if not signed:
        raise ValueError("nothing is awaiting sign-off")
    manifest["signatures"].append({"name": name.strip(), "role": role.strip(), "date": on.isoformat(), "replies": signed})
    manifest["awaiting"] = {}
    # Keep the text of the last signed version of each reply, for "changed since".
    keep = {v["hash"] for v in last_signed(manifest).values()}
    texts = {h: t for h, t in manifest["signed_texts"].items() if h in keep}
    texts.update({now[rid]["hash"]: now[rid]["text"] for rid in signed})
    manifest["signed_texts"] = texts
    save(manifest, path)
    return len(signed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Sign-off of every reply (content-signoff.yml)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status")
    sub.add_parser("awaiting", help="list every reply whose current text is not signed as awaiting")
    s = sub.add_parser("sign", help="record a sign-off of everything awaiting, at the current hashes")
    s.add_argument("--name", required=True)
    s.add_argument("--role", required=True)
    s.add_argument("--date", type=date.fromisoformat, default=date.today())
    args = parser.parse_args(argv)
    if args.command == "awaiting":
        print(f"{MANIFEST.name}: " + ", ".join(f"{v} {k}" for k, v in mark_awaiting().items()))
        return 0
    if args.command == "sign":
        try:
            n = sign(args.name, args.role, args.date)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"{MANIFEST.name}: {args.name} ({args.role}) signed {n} replies on {args.date.isoformat()}")
        return 0
    manifest = load()
    found = problems(manifest)
    print(f"{len(manifest['signatures'])} signatures, {len(manifest['awaiting'])} awaiting sign-off")
    if found:
        print(explain(found), file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
