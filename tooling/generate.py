"""The Rasa files made from bot/topics.yml, so that a topic is added in one place.

    python -m tooling.generate           write them (make runs this before training)
    python -m tooling.generate --check   exit 1 and name the files that are out of date

- domain.yml: the `intents:` list, between its "Generated from bot/topics.yml" and "End of the
  generated part" lines (the rest of domain.yml is written by hand);
- data/rules/topics.generated.yml: one rule per signposting intent (every intent with a topic,
  and the crisis intents with none, such as danger): the intent, then action_signpost.

A file is written only when its text changes, so an unchanged taxonomy never retrains the model.
tests/test_topic_files.py fails when a file is out of date.
"""
import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List

from bot import ROOT
from bot.domain import taxonomy

DOMAIN = ROOT / "domain.yml"
RULES = ROOT / "data" / "rules" / "topics.generated.yml"
# Intents Rasa itself predicts (the FallbackClassifier's): in bot/topics.yml, never in domain.yml.
RASA_OWN_INTENTS = {"nlu_fallback"}
BEGIN = "# Generated from bot/topics.yml"
END = "# End of the generated part."
NOTICE = "by `make generate`: edit bot/topics.yml, not this"


def signposting_intents() -> List[str]:
    """Intents answered by action_signpost, in taxonomy order."""
    return [i for i, topic in taxonomy.intent_topics().items() if topic is not None or taxonomy.is_crisis_intent(i)]


def domain_text(current: str) -> str:
    intents = [i for i in taxonomy.intent_topics() if i not in RASA_OWN_INTENTS]
    block = (f"{BEGIN} {NOTICE} list.\n"
             + "intents:\n" + "".join(f"  - {i}\n" for i in intents)
             + f"{END}\n")
    pattern = re.compile(rf"^{re.escape(BEGIN)}.*?^{re.escape(END)}\n", re.S | re.M)
    if not pattern.search(current):
        raise SystemExit(f"{DOMAIN.name}: no generated part (the lines '{BEGIN} ...' to '{END}')")
    return pattern.sub(lambda _: block, current, count=1)


def rules_text() -> str:
    rules = "".join(f"- rule: signpost {i}\n  steps:\n  - intent: {i}\n  - action: action_signpost\n"
                    for i in signposting_intents())
    return (f'version: "3.1"\n{BEGIN} {NOTICE} file.\n'
            "# Every topic message is answered by signposting; urgency is decided per message inside.\n"
            f"rules:\n{rules}")


def wanted() -> Dict[Path, str]:
    return {DOMAIN: domain_text(DOMAIN.read_text(encoding="utf-8")), RULES: rules_text()}


def out_of_date() -> List[Path]:
    return [path for path, text in wanted().items() if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the files are up to date")
    args = parser.parse_args(argv)
    if args.check:
        stale = out_of_date()
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run `make generate`", file=sys.stderr)
        return 1 if stale else 0
    for path, text in wanted().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
