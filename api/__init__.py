"""The web gateway: FastAPI routes (`routes/`), middleware (security headers, body limit, rate
limits, sessions), the request and reply schemas, metrics, the widget and demo pages
(`static/`), and the turn runner (`assistant.py`) that hands a message to the Rasa agent. May
import anything in `bot`; nothing imports it but the launchers and the tools."""
