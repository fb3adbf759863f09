"""The domain: the topic taxonomy (`bot/topics.yml`), the service directory (`bot/services.yml`),
the reply texts (`bot/content/`), how a reply is put together, the state of a conversation,
and redaction. Plain Python and data: no Rasa, no spaCy, no HTTP. May import `bot` only."""
