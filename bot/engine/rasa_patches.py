"""Patches of Rasa internals for the in-process Agent, each found by profiling (`make bench`).

The patches below are installed only on the Rasa version they were written for (RASA_VERSION);
with any other version Rasa's own code stays and one line is logged.

1. Action-reply validation. Rasa 3.6 checks every action server reply with
   `jsonschema.validate(reply, schema)`. That first validates the (constant) schema itself
   against the meta-schema, on every call (~60% of a turn's CPU with jsonschema 4.17), and then
   checks each event against a `oneOf` of all 23 event types, one after the other (~20% of a
   turn). Every one of those 23 schemas fixes a different `event` name, so exactly one of them
   can match an event: the one named by its `event` field. The fast check (compiled once by
   fastjsonschema) tests the reply without the `oneOf`, then each event against its own type's
   schema alone; that is the same condition, so a reply it passes is one jsonschema passes. A
   reply it refuses goes through jsonschema as before and raises the same error as Rasa
   (jsonschema's ValidationError, best match, with Rasa's explanation appended).
2. Event types by name. Rasa turns every event of a stored tracker and of an action's reply
   into its class with `Event.resolve_by_type`, which lists all subclasses of Event each time
   (~5% of a turn). Here each name is looked up once and remembered; names Rasa does not know
   still raise as before.

3. Copies made only for debug logs. rasa.core.processor deep-copies the events, slots and parse
   data of each turn only to pass them to `structlogger.debug(...)`, and the arguments are made
   even though debug logs are off (bot/runtime/logging_setup.py keeps Rasa at WARNING and never renders
   a field). Inside that module, `copy.deepcopy` returns its argument as it is;
   tests/test_rasa_patches.py checks that every `copy.` in it is an argument of a debug log.

5. One spaCy pipeline per model name. The prediction graph has two SpacyNLP nodes: one loads
   and provides the pipeline, the other runs it on messages and is given the provided one. Each
   loaded build/spacy_en when it was made, so the second copy was never used: ~0.4 s of start-up
   CPU and a copy in memory for nothing. Here the second node gets the first one's.

6. Keep-alive action endpoint (a subclass, no patch). Rasa opens a new aiohttp session, so a new TCP connection, for
   every call to the action server. KeepAliveEndpointConfig keeps one session per event loop and
   reuses its connections.
"""
import asyncio
import copy
import logging
from typing import Any, Callable, Dict, Optional

import aiohttp
import fastjsonschema
import rasa
import rasa.core.processor
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

from bot.engine import no_tensorflow
from bot.engine.graph_runner import SequentialGraphRunner

log = logging.getLogger("api.rasa_patches")

# The Rasa release whose RemoteAction._validate_action_result and Event.resolve_by_type the
# patches below replace.
RASA_VERSION = "3.6.21"

_rasa_validate = RemoteAction._validate_action_result
_rasa_resolve_by_type = Event.resolve_by_type
_validator = None
_fast_check: Optional[Callable[[Any], bool]] = None
_event_types: Dict[str, type] = {}
_rasa_spacy_load_model = SpacyNLP.load_model
_spacy_models: Dict[str, SpacyModel] = {}


def fast_check(schema: Dict[str, Any]) -> Callable[[Any], bool]:
    """True when `reply` matches Rasa's action-reply schema, checking each event against its own
    type only; False means "ask jsonschema". With a schema whose event types do not each fix a
    different name, every reply is left to jsonschema."""
    items = schema["properties"]["events"]["items"]
    kinds = items.get("oneOf") or []
    names = [kind.get("properties", {}).get("event", {}).get("const") for kind in kinds]
    if not names or None in names or len(set(names)) != len(names):
        return lambda reply: False
    outer = copy.deepcopy(schema)
    del outer["properties"]["events"]["items"]["oneOf"]
    check_outer = fastjsonschema.compile(outer)
    by_name = {name: fastjsonschema.compile(kind) for name, kind in zip(names, kinds)}

    def check(reply: Any) -> bool:
        try:
            check_outer(reply)
            for event in reply.get("events") or ():
                by_name[event["event"]](event)
        except (fastjsonschema.JsonSchemaException, KeyError, TypeError, AttributeError):
            return False
        return True

    return check


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result (rasa 3.6.21): fast check, Rasa's error on failure."""
    global _validator, _fast_check
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # once, instead of once per turn
        _validator = cls(schema)
        _fast_check = fast_check(schema)
    if _fast_check(result):
        return True
    error = best_match(_validator.iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _resolve_by_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
    """Event.resolve_by_type (rasa 3.6.21), remembering each name it has resolved."""
    found = _event_types.get(type_name)
    if found is None:
        found = _rasa_resolve_by_type(type_name, default)  # raises for an unknown name, as before
        if found is not None and found is not default:
            _event_types[type_name] = found
    return found


def _load_spacy_model(spacy_model_name: str) -> SpacyModel:
    """SpacyNLP.load_model (rasa 3.6.21), once per model name; an error is raised as before."""
    found = _spacy_models.get(spacy_model_name)
    if found is None:
        found = _spacy_models[spacy_model_name] = _rasa_spacy_load_model(spacy_model_name)
    return found


class _NoDebugCopies:
    """What rasa.core.processor sees as the `copy` module: its copies only feed debug logs."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value


def install() -> bool:
    """Patches this process's Rasa when it is exactly RASA_VERSION; idempotent.

    Returns whether the patches are in place. Another version keeps Rasa's own code.
    """
    if rasa.__version__ != RASA_VERSION:
        log.warning("Rasa %s is not %s: Rasa's own (slower) code validates action replies and "
                    "resolves event types", rasa.__version__, RASA_VERSION)
        uninstall()
        return False
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    rasa.core.processor.copy = _NoDebugCopies
    SpacyNLP.load_model = staticmethod(_load_spacy_model)
    return True


def load_agent(model_path: str, **agent_options: Any) -> Agent:
    """Rasa's Agent for a trained model, with the patches above and, on the same Rasa version,
    bot/engine/graph_runner.py's runner in place of dask's (the same nodes, called in the same order)."""
    patched = install()
    no_tensorflow.check_model(model_path)
    agent = Agent.load(model_path, **agent_options)
    no_tensorflow.loaded()
    if patched:
        agent.processor.graph_runner = SequentialGraphRunner.replacing(agent.processor.graph_runner)
    return agent


def installed() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result


def uninstall() -> None:
    """Rasa's own code again (the tests compare replies with and without the patches)."""
    RemoteAction._validate_action_result = _rasa_validate
    Event.resolve_by_type = staticmethod(_rasa_resolve_by_type)
    _event_types.clear()
    rasa.core.processor.copy = copy
    SpacyNLP.load_model = staticmethod(_rasa_spacy_load_model)
    _spacy_models.clear()


class _Borrowed:
    """`async with` that lends the shared session without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


class KeepAliveEndpointConfig(EndpointConfig):
    """An action endpoint whose requests reuse one aiohttp session (and its open connections)."""

    _shared: Optional[aiohttp.ClientSession] = None
    _loop: Optional[asyncio.AbstractEventLoop] = None

    # Below the action server's own idle timeout (Sanic: 5 s), so this side always closes an
    # idle connection first and never sends a turn down one the server is closing.
    KEEPALIVE_SECONDS = 2.0

    def session(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._shared is None or self._shared.closed or self._loop is not loop:
            auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
            self._shared = aiohttp.ClientSession(
                headers=self.headers, auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=self.KEEPALIVE_SECONDS),
            )
            self._loop = loop
        return _Borrowed(self._shared)

    async def aclose(self) -> None:
        if self._shared is not None and not self._shared.closed and self._loop is asyncio.get_running_loop():
            await self._shared.close()
        self._shared = None


__all__ = ["install", "installed", "load_agent", "uninstall", "KeepAliveEndpointConfig", "RASA_VERSION"]
