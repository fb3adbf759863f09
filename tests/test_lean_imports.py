"""What each process imports. The action server reads the risk step's rules and
results without spaCy or TensorFlow (it was ~475 MB through bot.nlu.risk.facts -> spaCy ->
thinc -> TensorFlow; now under 60 MB); the API serves without TensorFlow
(bot/engine/no_tensorflow.py)."""
import json
import subprocess
import sys

import pytest

from bot import ROOT
from bot.runtime.processes import child_env

ACTIONS = """
import json, sys
import actions.unfold, actions.signpost, actions.conversation, actions.dispatch, actions.tracker_state
import actions.__main__
from actions.__main__ import create_app
create_app(None)
rss = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS')) / 1024
print(json.dumps({"modules": sorted({m.split('.')[0] for m in sys.modules}), "rss_mb": rss}))
"""


def run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=child_env(), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.fast
def test_the_action_server_imports_neither_spacy_nor_tensorflow_nor_rasa():
    found = run(ACTIONS)
    assert not {"spacy", "thinc", "tensorflow", "rasa", "sklearn", "lingua", "onnxruntime"} & set(found["modules"])
    assert found["rss_mb"] < 80, found["rss_mb"]


API = """
import json, sys
from fastapi.testclient import TestClient
from bot.runtime.processes import start_action_server
server = start_action_server(quiet=True).wait_ready("/health", timeout=120)
try:
    from api.main import create_app
    from bot.runtime.settings import Settings
    from bot.engine import no_tensorflow
    app = create_app(Settings(action_server_url=f"{server.url}/webhook"))
    with TestClient(app) as client:
        replies = [client.post("/api/v1/chat", json={"message": text}).json()
                   for text in ("someone keeps sending me hate on snap", "he wants to meet me tomorrow and keep it secret")]
    rss = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmRSS')) / 1024
    from bot.engine import lean_channels
    print(json.dumps({"tensorflow": sorted(m for m in sys.modules if m.split('.')[0] in no_tensorflow.PACKAGES),
                      "channels": sorted(m for m in sys.modules if m.startswith("rasa.core.channels.")
                                         or m.split('.')[0] in ("aiogram", "webexteamssdk", "slack_sdk", "socketio")),
                      "lean_channels": lean_channels.lean(),
                      "placeholders_used": no_tensorflow.installed(), "degraded": [r.get("degraded") for r in replies],
                      "topics": [r.get("topic") for r in replies], "rss_mb": rss}))
finally:
    server.stop()
"""


def test_the_api_serves_a_turn_without_tensorflow():
    """After the agent has loaded and turns were answered (not degraded), TensorFlow and Keras
    are not in sys.modules: not the real ones, and not the placeholders either."""
    found = run(API)
    assert found["placeholders_used"]
    assert found["tensorflow"] == []
    assert found["degraded"] == [False, False] and found["topics"][0] == "bullying"


def test_the_api_serves_a_turn_without_rasas_input_channels():
    """Only the channel module itself: not Telegram, Webex, Slack, Socket.IO ... (bot/engine/lean_channels.py)."""
    found = run(API)
    assert found["lean_channels"]
    assert found["channels"] == ["rasa.core.channels.channel"], found["channels"]
    assert found["degraded"] == [False, False]


CHANNELS_ASKED = """
import json, sys
import api.main
from bot.engine import lean_channels
lean = lean_channels.lean()
from rasa.core.channels import BUILTIN_CHANNELS, UserMessage, channel
from rasa.core.channels import console
print(json.dumps({"lean_before": lean, "lean_after": lean_channels.lean(), "names": sorted(BUILTIN_CHANNELS),
                  "same": UserMessage is channel.UserMessage, "console": console.__name__,
                  "slack": "rasa.core.channels.slack" in sys.modules}))
"""


def test_an_input_channel_asked_for_is_rasas_own():
    found = run(CHANNELS_ASKED)
    assert found["lean_before"] and not found["lean_after"]
    assert {"rest", "socketio", "slack", "telegram", "cmdline"} <= set(found["names"])
    assert found["same"] and found["console"] == "rasa.core.channels.console" and found["slack"]
