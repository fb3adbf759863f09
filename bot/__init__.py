"""The assistant: taxonomy, service directory, reply texts, spaCy safety net, Rasa components."""
from pathlib import Path

BOT_DIR = Path(__file__).resolve().parent
ROOT = BOT_DIR.parent
