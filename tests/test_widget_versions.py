"""Frozen widget versions stay byte for byte (api/routes/pages.py explains how a version is frozen).

Schools embed /widget/<version>/widget.js, served as `immutable` for a year: if those bytes
changed, browsers would run old and new copies side by side. So each frozen file is pinned here
by its SHA-256, must be a widget.js that the repository really served under that version (found
in git history), and must never have been modified since it was added.
"""
import hashlib
import re
import shutil
import subprocess

import pytest

from api.routes.pages import FROZEN_WIDGETS, WIDGET, WIDGET_VERSION
from bot import ROOT

# Add a line when freezing a version; never edit one.
FROZEN = {
    "1.0.0": "812c953ac4c4a0b9e686b79884210087199ec54f1129cc48a7c67ed480038a3b",
    "1.1.0": "ed08c563ce95c873b3ef32a5943ce6bdfb0f88af424a1f9428bd0603d7779624",
    "1.2.0": "507b318a44284d8c0b72abd939a815e5f30d32b90db356938a08ac595cfbf78e",
}


def version_of(source: bytes) -> str:
    found = re.search(rb'var VERSION = "(\d+\.\d+\.\d+)";', source)
    return found.group(1).decode() if found else ""


def git(*args: str) -> bytes:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True).stdout


def has_history() -> bool:
    if not shutil.which("git"):
        return False
    try:
        return git("rev-parse", "--is-inside-work-tree").strip() == b"true"
    except subprocess.CalledProcessError:
        return False


def test_every_frozen_version_is_pinned_and_the_served_one_is_newer():
    on_disk = sorted(p.parent.name for p in FROZEN_WIDGETS.glob("*/widget.js"))
    assert on_disk == sorted(FROZEN), "a frozen version without a pinned hash here, or a missing one"
    assert WIDGET_VERSION not in FROZEN, "the served version must not also be a frozen file"
    assert version_of(WIDGET.read_bytes()) == WIDGET_VERSION
    key = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    assert key(WIDGET_VERSION) > max(map(key, FROZEN))


@pytest.mark.parametrize("version", sorted(FROZEN))
def test_frozen_file_bytes_are_pinned(version):
    source = (FROZEN_WIDGETS / version / "widget.js").read_bytes()
    assert hashlib.sha256(source).hexdigest() == FROZEN[version]
    assert version_of(source) == version


@pytest.mark.skipif(not has_history(), reason="no git history here (e.g. a Docker build context)")
@pytest.mark.parametrize("version", sorted(FROZEN))
def test_frozen_file_is_a_widget_the_repository_served_and_never_changed(version):
    path = f"api/static/widget/{version}/widget.js"
    source = (FROZEN_WIDGETS / version / "widget.js").read_bytes()
    served = [c for c in git("log", "--format=%H", "--", "api/static/widget.js").split()]
    matches = [c for c in served if git("show", f"{c.decode()}:api/static/widget.js") == source]
    assert matches, f"{path} is not byte for byte any api/static/widget.js in git history"
    # Committed frozen copies (if any yet: a new freeze is checked before its commit) are the same bytes.
    for commit in git("log", "--format=%H", "--diff-filter=AM", "--", path).split():
        assert (git("show", f"{commit.decode()}:{path}") == source or commit in _before_last_removal(path)
                or commit.decode() in SLIPS_RESTORED), \
            f"{path} was changed in {commit.decode()[:10]}"


# Commits that changed a frozen file by mistake, restored byte for byte by the next commit (the
# folder restructure rewrote a path in a comment of 1.1.0). No school was served those bytes
# from a release; each entry needs the restoring commit beside it.
SLIPS_RESTORED = {"25d8c2a0e7391b4210cb6584cb30da7f8391c867"}  # restored in the next commit


def _before_last_removal(path: str):
    """Commits of an earlier copy that was removed again (1.1.0 was frozen once, then withdrawn
    as never shipped, and frozen again at its final bytes): they do not count."""
    removed = git("log", "-1", "--format=%H", "--diff-filter=D", "--", path).split()
    if not removed:
        return set()
    return set(git("log", "--format=%H", removed[0].decode(), "--", path).split())
