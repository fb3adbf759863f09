"""Adaptations of the Rasa 3.6 engine: expiring tracker stores (memory and Redis), the per-
conversation lock store, the conversation size cap, the sequential graph runner and the
version-checked patches applied to Rasa at start-up. May import `bot` and `bot.runtime`;
knows nothing of topics or replies."""
