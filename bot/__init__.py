"""The assistant itself, apart from the web and the Rasa action server.

Folders, each importing only the ones listed before it (a test checks this):
- `runtime/`: settings, logging, process launch: what every process shares.
- `domain/`: topics, services, reply texts, conversation state, redaction. Plain Python and data.
- `nlu/`: the Rasa NLU components, the spaCy safety net and its patterns, and the risk step.
- `engine/`: adaptations of the Rasa engine: tracker and lock stores, patches, graph runner.

The data a content editor changes lives here at the top: `topics.yml`, `services.yml`,
`content/` (one file per topic) and `reference/` (verified contact details).
"""
from pathlib import Path

BOT_DIR = Path(__file__).resolve().parent
ROOT = BOT_DIR.parent
