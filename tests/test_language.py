"""The language check (bot/nlu/language.py) with its smaller set of languages.

Its verdicts are those of the 16 languages it knew before: every training, held-out and
red-team message is English to it but the foreign ones listed here (which language as before),
and short English as pupils write it (tests/english_slang.txt) is never called foreign.
"""
from pathlib import Path

import pytest
import yaml

from bot import ROOT
from bot.nlu.language import shared_language_detector

# What the 16-language detector said of every message in data/nlu, tests/heldout*,
# tests/redteam.yml and the foreign messages of the conversation tests and stories.
FOREIGN = {
    "Ktoś mnie szantażuje moimi zdjęciami i chce pieniędzy. Co mam zrobić?": "polish",
    "ktos mnie szantazuje zdjeciami, chce pieniedzy": "polish",
    "Mă amenință că îmi trimite pozele la toată școala": "romanian",
    "Jestem nauczycielką i martwię się o moją uczennicę": "polish",
    "Nie wiem co robić, proszę pomóż mi": "polish",
    "Ktoś mnie szantażuje zdjęciami": "polish",
    "Potrzebuję pomocy, nie wiem co robić": "polish",
    "Mam problem w szkole z kolegami": "polish",
    "Necesito ayuda por favor": "spanish",
    "Am nevoie de ajutor, nu știu ce să fac": "romanian",
    "J'ai besoin d'aide s'il vous plaît": "french",
    "Ich brauche Hilfe, bitte": "german",
    "Мне нужна помощь пожалуйста": "russian",
}


def slang():
    lines = (ROOT / "tests" / "english_slang.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def project_messages():
    from tooling.evaluation.heldout_data import load_heldout, load_heldout_long, load_redteam

    texts = list(FOREIGN) + [e.text for load in (load_heldout, load_heldout_long, load_redteam) for e in load()]
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in (item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    texts.append(line.strip()[2:])
    return texts


@pytest.mark.parametrize("text", slang())
def test_short_english_slang_is_never_called_foreign(text):
    assert shared_language_detector().foreign_language(text) is None


def test_the_slang_set_reaches_the_detector():
    """Long enough to be judged at all (shorter messages are English without asking)."""
    from bot.nlu.language import MIN_LETTERS, MIN_WORDS

    judged = [t for t in slang() if len(t.split()) >= MIN_WORDS and sum(c.isalpha() for c in t) >= MIN_LETTERS]
    assert len(judged) >= 35


def test_the_same_verdicts_as_with_16_languages_on_every_project_message():
    detector = shared_language_detector()
    # Training examples keep Rasa's entity mark-up ("[snap](platform)"): judged as written.
    found = {t: detector.foreign_language(t) for t in project_messages()}
    assert {t: v for t, v in found.items() if v} == FOREIGN
