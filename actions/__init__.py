"""Rasa custom actions (run by `rasa run actions`): signposting and conversation turns."""
