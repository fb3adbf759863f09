"""FastAPI gateway: wraps the Rasa Agent in-process and serves /api/v1, health and the demo page."""
