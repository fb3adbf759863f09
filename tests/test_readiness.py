"""A worker says it is ready (/readyz) only once a turn can be answered at its usual cost: the
lifespan runs one parse first (api/assistant.py `warm_up`), which makes the sentence encoder's
session and waits for the language models. Before, both came with the first turns after /readyz
said ready, which took seconds and, on a busy machine, went over the parse budget and were
answered degraded."""
import json
import subprocess
import sys

from bot import ROOT
from bot.runtime.processes import child_env

STARTED = """
import json
from fastapi.testclient import TestClient
from api.assistant import Assistant
from api.main import create_app
from bot.nlu.language import shared_language_detector
from bot.nlu.sentence_encoder import shared_encoder

app = create_app()
with TestClient(app) as client:
    assistant = app.state.assistant
    found = {"ready": assistant.is_ready(), "encoder_made": shared_encoder.cache_info().currsize == 1,
             "languages_loaded": shared_language_detector().loaded(),
             "unwarmed_ready": Assistant(assistant.agent, assistant.net, assistant.settings).is_ready()}
    reply = client.post("/api/v1/chat", json={"message": "someone keeps sending me horrible messages on snapchat"})
    found["first_turn_degraded"] = reply.json()["degraded"]
print(json.dumps(found))
"""


def test_the_worker_is_ready_only_once_the_encoder_and_the_language_models_are_there(action_server_url):
    done = subprocess.run([sys.executable, "-c", STARTED], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=child_env(SIGNPOST_ACTION_SERVER_URL=action_server_url, SIGNPOST_INSIGHTS_ENABLED="false"))
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"ready": True, "encoder_made": True, "languages_loaded": True, "unwarmed_ready": False,
                     "first_turn_degraded": False}, found
