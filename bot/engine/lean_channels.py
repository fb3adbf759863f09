"""Rasa's input channels, imported only when something asks for one.

Rasa 3.6's `rasa/core/channels/__init__.py` imports every input channel (Telegram with aiogram,
Webex, Slack, Socket.IO, the console, ...) so that `rasa run` can find them by name. The API only
needs `rasa.core.channels.channel` (UserMessage, CollectingOutputChannel; the agent and the
processor import it through the package), yet importing it ran the package's `__init__` and
with it ~570 modules: ~19 MB of every worker's RSS and ~0.3 s of CPU at start (measured).

`install()` puts in place, before Rasa is imported, a package module `rasa.core.channels` with
the package's own path (so every submodule imports as before) holding the four names the real
`__init__` imports first from `channel.py`. Any other name asked of the package (BUILTIN_CHANNELS,
SlackInput, ...) runs the real `__init__` in it first, so what it gives is what Rasa's gives.
Only on the Rasa version this was written for (bot/engine/no_tensorflow.py RASA_VERSION), and only
when nothing has imported the package yet.
"""
import importlib.util
import logging
import sys
import types
from pathlib import Path
from typing import Any

from bot.engine.no_tensorflow import RASA_VERSION, rasa_version

log = logging.getLogger(__name__)

PACKAGE = "rasa.core.channels"
# What rasa/core/channels/__init__.py imports from channel.py before the channels themselves.
FIRST = ("InputChannel", "OutputChannel", "UserMessage", "CollectingOutputChannel")


class _LeanPackage(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or self.__dict__.get("_whole"):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        self.__dict__["_whole"] = True
        log.info("Rasa's input channels imported (asked for %s)", name)
        source = Path(self.__file__).read_text(encoding="utf-8")
        exec(compile(source, self.__file__, "exec"), self.__dict__)  # the package's own __init__
        return getattr(self, name)


def install() -> bool:
    """Returns whether the lean package is in place (now or before). Call before Rasa's modules
    are imported."""
    current = sys.modules.get(PACKAGE)
    if isinstance(current, _LeanPackage):
        return True
    if current is not None:
        return False
    if rasa_version() != RASA_VERSION:
        log.info("Rasa's input channels are imported as Rasa does: Rasa %s is not %s", rasa_version(), RASA_VERSION)
        return False
    spec = importlib.util.find_spec(PACKAGE)  # imports rasa and rasa.core, not the package
    if spec is None or not spec.submodule_search_locations or not spec.origin:
        return False
    module = _LeanPackage(PACKAGE)
    module.__file__ = spec.origin
    module.__path__ = list(spec.submodule_search_locations)
    module.__package__ = PACKAGE
    module.__spec__ = spec
    sys.modules[PACKAGE] = module
    sys.modules["rasa.core"].channels = module
    try:
        channel = importlib.import_module(PACKAGE + ".channel")
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    for name in FIRST:
        setattr(module, name, getattr(channel, name))
    return True


def lean() -> bool:
    """True while no input channel has been asked for (the package's __init__ has not run)."""
    module = sys.modules.get(PACKAGE)
    return isinstance(module, _LeanPackage) and not module.__dict__.get("_whole")
