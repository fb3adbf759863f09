"""Speed-ups for the in-process Agent, each found by profiling (`make bench` measures them).

Rasa 3.6 checks every action server reply with `jsonschema.validate(reply, schema)`. That
function first validates the (constant) schema itself against the JSON Schema meta-schema, on
every call: with jsonschema 4.17 this was ~60% of a turn's CPU. jsonschema's own documentation
says to build the validator once when the same schema is used again and again, so here the
check of the schema runs once, and each reply is still validated against the same schema,
raising the same error (best match, with Rasa's explanation appended).

At start-up, Rasa builds a loaded TensorFlow model's weights by fitting it on one example
before loading the trained weights over them. Keras first traces that training step into a graph
(autograph), which took ~70% of the Agent's load time and is never used again: serving only
predicts. Here that one step runs eagerly instead (the same step, with the same result: every
weight is then overwritten from the trained model), and prediction keeps its compiled graph,
traced without autograph's source rewriting (DIET's predict step branches only on its
configuration). Intent rankings for all 547 held-out and red-team messages were identical with
and without these two changes.

Rasa opens a new aiohttp session, so a new TCP connection, for every call to the action server.
KeepAliveEndpointConfig keeps one session per event loop and reuses its connections.
"""
import asyncio
import logging
from typing import Any, Dict, Optional

import aiohttp
import tensorflow as tf
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.environment import setup_tf_environment
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

log = logging.getLogger("api.perf")

_rasa_load = RasaModel.load.__func__

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


def _load_for_serving(cls, model_file_name, model_data_example, predict_data_example=None,
                      finetune_mode: bool = False, *args: Any, **kwargs: Any) -> RasaModel:
    """RasaModel.load (rasa 3.6.21), with the one weight-building training step run eagerly."""
    if finetune_mode:  # training goes on: keep Rasa's own path
        return _rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs)
    model = cls(*args, **kwargs)
    learning_rate = kwargs.get("config", {}).get(LEARNING_RATE, 0.001)
    run_eagerly = kwargs.get("config", {}).get(RUN_EAGERLY)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    # Back to the configured mode: Rasa's prediction reads this same Keras flag, and runs
    # eagerly (~4x slower) while it is set.
    model.run_eagerly = run_eagerly
    model.load_weights(model_file_name)
    if predict_data_example:  # traces the prediction graph now rather than on the first turn
        # First as plain Python: DIET's predict step branches on its configuration, not on tensor
        # values, so autograph's source rewriting (seconds per worker) changes nothing in the
        # graph. A model whose step does branch on tensors fails this trace: then autograph.
        model.predict_step = tf.autograph.experimental.do_not_convert(model.predict_step)
        try:
            model.run_inference(predict_data_example)
        except (TypeError, ValueError, tf.errors.OperatorNotAllowedInGraphError) as exc:
            log.info("%s traced with autograph (%s)", cls.__name__, type(exc).__name__)
            del model.predict_step
            model._tf_predict_step = None
            model.run_inference(predict_data_example)
    return model


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


def configure_threads() -> None:
    """TF_INTER_OP_PARALLELISM_THREADS / TF_INTRA_OP_PARALLELISM_THREADS, as `rasa run` reads them.

    Unset by default (TensorFlow decides); on a busy 2-core machine one thread per worker made
    no measurable difference (`make bench` with BENCH_TF_THREADS=1). Only possible before
    TensorFlow has run anything in this process.
    """
    try:
        setup_tf_environment()
    except RuntimeError as exc:  # TensorFlow already initialised (a second app in one process)
        log.info("TensorFlow threads left as they are: %s", exc)


def install() -> None:
    """Idempotent; affects only this process's Rasa classes."""
    configure_threads()
    RemoteAction._validate_action_result = _validate_action_result
    RasaModel.load = classmethod(_load_for_serving)


__all__ = ["install"]
