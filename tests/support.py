"""What test modules and conftest files share (never import a conftest as a module)."""
from bot import ROOT

MODEL = ROOT / "models" / "schoolbot.tar.gz"
METRICS_TOKEN = "metrics-token-for-tests"
# Logs and screenshots of the browser tests.
ARTIFACTS = ROOT / "test-artifacts"
