"""Patches of Rasa internals for the in-process Agent, each found by profiling (`make bench`).

1. Action-reply validation (patched only on the Rasa version it was written for, RASA_VERSION).
   Rasa 3.6 checks every action server reply with `jsonschema.validate(reply, schema)`. That
   function first validates the (constant) schema itself against the JSON Schema meta-schema, on
   every call: with jsonschema 4.17 this was ~60% of a turn's CPU. jsonschema's own documentation
   says to build the validator once when the same schema is used again and again, so here the
   check of the schema runs once, and each reply is still validated against the same schema,
   raising the same error (jsonschema's ValidationError, best match, with Rasa's explanation
   appended). With any other Rasa version, Rasa's own method stays and one line is logged.

2. Keep-alive action endpoint. Rasa opens a new aiohttp session, so a new TCP connection, for
   every call to the action server. KeepAliveEndpointConfig keeps one session per event loop and
   reuses its connections.
"""
import asyncio
import logging
from typing import Any, Dict, Optional

import aiohttp
import rasa
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger("api.rasa_patches")

# The Rasa release whose RemoteAction._validate_action_result the patch below replaces.
RASA_VERSION = "3.6.21"

_rasa_validate = RemoteAction._validate_action_result
_validator = None


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result (rasa 3.6.21) with the validator built once."""
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)  # once, instead of once per turn
        _validator = cls(schema)
    error = best_match(_validator.iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> bool:
    """Patches this process's RemoteAction when Rasa is exactly RASA_VERSION; idempotent.

    Returns whether the patch is in place. Another version keeps Rasa's own validation.
    """
    if rasa.__version__ != RASA_VERSION:
        log.warning("Rasa %s is not %s: action replies are validated by Rasa's own code (slower)",
                    rasa.__version__, RASA_VERSION)
        RemoteAction._validate_action_result = _rasa_validate
        return False
    RemoteAction._validate_action_result = _validate_action_result
    return True


def uninstall() -> None:
    """Rasa's own validation again (the tests compare replies with and without the patch)."""
    RemoteAction._validate_action_result = _rasa_validate


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


__all__ = ["install", "uninstall", "KeepAliveEndpointConfig", "RASA_VERSION"]
