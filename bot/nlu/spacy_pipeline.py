"""The project's spaCy pipeline, built from code: blank English + lookup lemmas.

No model is downloaded: the lemma tables ship in the `spacy-lookups-data` package. One pipeline
per process (`shared_nlp`): the reading of a message (bot/nlu/reading.py) makes its one Doc with
it, the safety net, the context cues and the risk facts build their matchers on its vocabulary,
and the NLU pipeline's first component (bot/nlu/reading_component.py) hands it to Rasa, so the
tokenizer and the featurizers read that same Doc.
"""
from functools import lru_cache

import spacy
from spacy.language import Language


def build_nlp() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "schoolbot_en"
    nlp.meta["version"] = "1.0.0"
    return nlp


@lru_cache(maxsize=1)
def shared_nlp() -> Language:
    """The process's one pipeline: building it loads the lemma tables (about a second)."""
    return build_nlp()
