"""Per-turn speed-ups for the in-process Agent, each found by profiling a turn (`make bench`).

Rasa 3.6 checks every action server reply with `jsonschema.validate(reply, schema)`. That
function first validates the (constant) schema itself against the JSON Schema meta-schema, on
every call: with jsonschema 4.17 this was ~60% of a turn's CPU. jsonschema's own documentation
says to build the validator once when the same schema is used again and again, so here the
check of the schema runs once, and each reply is still validated against the same schema,
raising the same error (best match, with Rasa's explanation appended).
"""
from typing import Any, Dict

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_validator = None


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
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


def install() -> None:
    """Idempotent; affects only this process's Rasa RemoteAction."""
    RemoteAction._validate_action_result = _validate_action_result


__all__ = ["install"]
