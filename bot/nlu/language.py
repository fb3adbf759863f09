"""Is a message in English? lingua-language-detector, on the machine, nothing downloaded.

A message not in English is never read as a topic or an audience statement: the
assistant answers in plain English with 999 and Childline first and says it only understands
English so far; the safety net still runs on it. Only a confident verdict on a longer message
counts: short English slang ("kms", "idk", "wyd") fools every detector, so a message of fewer
than MIN_WORDS words or MIN_LETTERS letters is always taken as English, and so is one the
detector gives English any real chance (above MAX_ENGLISH).

The detector knows English and the languages most spoken at home by pupils in Scotland
(Scottish Government pupil census: Polish first, then Urdu, Punjabi, Arabic, Romanian ...).
Memory: each language's models take 30-60 MB in every worker. Every foreign
language gets the same reply, so a language earns its place only by the verdicts it changes:
with Lithuanian, Slovak, Italian and Portuguese dropped, the verdicts (foreign or not, and
which language) on every training, held-out and red-team message and on the slang of
tests/english_slang.txt are those of the 16 languages before (tests/test_language.py), for
~245 MB instead of ~435. The Latin-script languages load in a background thread when the
pipeline starts (the first long message waits for them, at most LOAD_WAIT_SECONDS); those of
other scripts (Urdu, Punjabi, Arabic, Chinese, Russian, Ukrainian) only when a message in
their script arrives (lingua's lazy loading: its rules rule them out for Latin text).
"""
import threading
from functools import lru_cache
from typing import Optional

MIN_WORDS = 4
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.5
MAX_ENGLISH = 0.05
LOAD_WAIT_SECONDS = 60
LANGUAGES = ("ENGLISH", "POLISH", "URDU", "PUNJABI", "ARABIC", "ROMANIAN", "SPANISH", "FRENCH",
             "GERMAN", "CHINESE", "RUSSIAN", "UKRAINIAN")
# A Latin-script sentence: detecting it loads the models of every Latin-script language above.
WARM_UP = "Someone keeps sending me messages and I do not know what to do"


class LanguageDetector:
    def __init__(self) -> None:
        self._detector = None
        self._ready = threading.Event()
        threading.Thread(target=self._load, name="language-models", daemon=True).start()

    def _load(self) -> None:
        try:
            from lingua import Language, LanguageDetectorBuilder

            languages = [getattr(Language, name) for name in LANGUAGES]
            detector = LanguageDetectorBuilder.from_languages(*languages).build()  # models loaded lazily
            detector.compute_language_confidence_values(WARM_UP)
            self._detector = detector
        finally:
            self._ready.set()

    def loaded(self) -> bool:
        """The models of the Latin-script languages are loaded (a long message waits for them)."""
        return self._ready.is_set() and self._detector is not None

    def foreign_language(self, text: str) -> Optional[str]:
        """The language's lower-case name ("polish") when the message is confidently not
        English; None otherwise (English, too short to tell, or unsure)."""
        text = text or ""
        if len(text.split()) < MIN_WORDS or sum(ch.isalpha() for ch in text) < MIN_LETTERS:
            return None
        if not self._ready.wait(LOAD_WAIT_SECONDS) or self._detector is None:
            return None
        values = self._detector.compute_language_confidence_values(text)
        english = next((v.value for v in values if v.language.name == "ENGLISH"), 0.0)
        top = values[0] if values else None
        if top is None or top.language.name == "ENGLISH" or top.value < MIN_CONFIDENCE or english > MAX_ENGLISH:
            return None
        return top.language.name.lower()


@lru_cache(maxsize=1)
def shared_language_detector() -> LanguageDetector:
    return LanguageDetector()
