"""Builds the project's spaCy pipeline from code: blank English + lookup lemmas.

No model is downloaded: the lemma tables ship in the `spacy-lookups-data` package.
`python -m bot.nlu.spacy_pipeline build/spacy_en` saves it for Rasa's SpacyNLP component.
"""
import sys
from pathlib import Path

import spacy
from spacy.language import Language


def build_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "schoolbot_en"
    nlp.meta["version"] = "1.0.0"
    return nlp


def main(argv: list) -> int:
    if len(argv) != 2:
        print("usage: python -m bot.nlu.spacy_pipeline OUTPUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    build_nlp().to_disk(out)
    print(f"spaCy pipeline written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
