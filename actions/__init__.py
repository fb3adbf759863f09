"""The Rasa action server (`python -m actions`): signposting and the turns of a conversation.
May import `bot.runtime`, `bot.domain` and the risk step's rules (`bot.nlu.risk`); never the
gateway (`api`)."""
