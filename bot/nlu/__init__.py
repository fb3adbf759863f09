"""Reading a message: the custom Rasa NLU components named in config.yml (the message's one
Doc, sentence encoder, topic classifier, risk assessor, safety net classifier), the spaCy
pipeline built from code, the one reading of a message (`reading.py`), the safety net and
context cues with their pattern files, the language check, and the risk step (`risk/`). May
import `bot` and `bot.domain`."""
