"""Each setting has one home: bot/runtime/settings.py for the processes, the Makefile's variables
for make. Nothing else reads a SIGNPOST_* variable or spells out the model's path or the ports."""
import re
import subprocess
from pathlib import Path

import pytest

from bot import ROOT
from bot.runtime.settings import MODEL_PATH, Settings

pytestmark = pytest.mark.fast


def make_variable(name: str) -> str:
    out = subprocess.run(["make", "-s", "--no-print-directory", "-f", "Makefile", "-f", "-", "print"],
                         input=f"print:\n\t@echo $({name})\n", cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_the_makefile_trains_the_model_where_the_settings_look_for_it():
    assert ROOT / make_variable("MODEL") == MODEL_PATH


def test_ports_and_the_action_server_come_from_the_settings(monkeypatch):
    for name in ("SIGNPOST_ACTION_SERVER_URL", "SIGNPOST_ACTION_PORT", "ACTION_PORT", "PORT", "SIGNPOST_PORT"):
        monkeypatch.delenv(name, raising=False)
    assert (Settings().port, Settings().action_port) == (8000, 5055)
    assert Settings().action_server_url == "http://127.0.0.1:5055/webhook"
    monkeypatch.setenv("ACTION_PORT", "5056")
    assert Settings().action_server_url == "http://127.0.0.1:5056/webhook"
    assert Settings(action_server_url="http://actions:5055/webhook").action_server_url == "http://actions:5055/webhook"


def test_no_code_reads_a_setting_from_the_environment_itself():
    names = r"(SIGNPOST_\w+|PORT|ACTION_PORT|HOST|WEB_CONCURRENCY)"
    reads = re.compile(rf"""(os\.environ\.get|os\.getenv)\(\s*["']{names}["']|os\.environ\[["']{names}["']\](?!\s*=[^=])""")
    found = [f"{path.relative_to(ROOT)}:{n}" for top in ("bot", "api", "actions")
             for path in (ROOT / top).rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if reads.search(line)]
    assert not found, found
    assert reads.search('x = os.environ.get("SIGNPOST_ACTION_TOKEN")') and not reads.search('os.environ["SIGNPOST_X"] = "1"')


def test_the_model_path_and_the_adult_age_are_written_once():
    code = {path: path.read_text(encoding="utf-8") for top in ("bot", "api", "actions", "tooling", "tests")
            for path in (ROOT / top).rglob("*.py") if path != Path(__file__)}
    assert [p.name for p, text in code.items() if "schoolbot.tar.gz" in text or '"schoolbot"' in text] == ["settings.py"]
    assert [p.name for p, text in code.items() if re.search(r"^\s*ADULT(_AGE)?\s*=\s*\d", text, re.M)] == ["taxonomy.py"]
