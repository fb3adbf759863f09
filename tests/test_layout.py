"""The folders' import rules (bot/__init__.py and each package's docstring): nothing imports
upward, no circles, the action server never imports the gateway, the product never imports the
tooling."""
import ast
from pathlib import Path

import pytest

from bot import ROOT

# Each package and the packages it may import (besides itself).
ALLOWED = {
    "bot": set(),
    "bot.runtime": {"bot"},
    "bot.domain": {"bot"},
    "bot.nlu": {"bot", "bot.domain"},
    "bot.engine": {"bot", "bot.runtime"},
    "actions": {"bot", "bot.runtime", "bot.domain", "bot.nlu"},
    "api": {"bot", "bot.runtime", "bot.domain", "bot.nlu", "bot.engine"},
}
OURS = ("bot", "api", "actions", "tooling")


def package_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] in ("bot", "tooling") and len(parts) > 1 and (ROOT / parts[0] / parts[1]).is_dir():
        return f"{parts[0]}.{parts[1]}"
    return parts[0]


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def edges():
    found = {}
    for top in OURS:
        for path in (ROOT / top).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for target in imports(path):
                if target.split(".")[0] in OURS and package_of(target) != package_of(module):
                    found.setdefault((package_of(module), package_of(target)), str(path.relative_to(ROOT)))
    return found


@pytest.mark.fast
def test_every_import_between_packages_is_allowed():
    wrong = {f"{a} -> {b} ({where})" for (a, b), where in edges().items()
             if not a.startswith("tooling") and b not in ALLOWED.get(a, set())}
    assert not wrong, sorted(wrong)


@pytest.mark.fast
def test_the_product_never_imports_the_tooling_and_the_action_server_never_the_gateway():
    found = edges()
    assert not [e for e in found if e[1].startswith("tooling") and not e[0].startswith("tooling")]
    assert ("actions", "api") not in found


@pytest.mark.fast
def test_no_circles_between_packages():
    graph = {}
    for a, b in edges():
        graph.setdefault(a, set()).add(b)

    def reaches(start, goal, seen=()):
        return any(n == goal or (n not in seen and reaches(n, goal, seen + (n,))) for n in graph.get(start, ()))

    assert not [a for a in graph if reaches(a, a)]


@pytest.mark.fast
@pytest.mark.parametrize("package", ["bot", "bot/domain", "bot/nlu", "bot/nlu/risk", "bot/engine", "bot/runtime",
                                     "api", "actions", "tooling", "tooling/bench", "tooling/evaluation",
                                     "tooling/content_review"])
def test_each_folder_says_what_lives_there(package):
    doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc) > 60
