"""bot/engine/rasa_patches.py and bot/engine/graph_runner.py: the patches are installed only on the Rasa version
they were written for, a malformed action reply raises as Rasa's own validation does, and
neither the patches nor the graph runner change a reply or an intent ranking."""
import ast
import asyncio
import inspect
import logging

import pytest
import rasa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from jsonschema.validators import validator_for
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.utils.endpoints import EndpointConfig

from bot.engine import rasa_patches

MALFORMED = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 5, "value": "x"}]},
    {"events": [{"no_event_name": True}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "value": "x"}, {"event": "bot", "text": 7}]},
    {"events": [{"event": "followup", "name": "action_listen", "timestamp": "yesterday"}]},
    {"events": ["slot"]},
    {"responses": "not a list"},
    {"events": [{"event": "action", "name": None, "policy": 3}]},
]
MESSAGES = [
    "hello",
    "someone is sharing my nudes around school",
    "my son is being bullied on snapchat",
    "i want to kms",
    "a man online says he loves me and wants to meet, he says its our secret",
    "i saw a video of people being hurt and cant stop thinking about it",
    "what is the weather tomorrow",
    "i'm a teacher, a pupil showed me extremist posts",
]


@pytest.fixture
def stock_validation():
    """Rasa's own validation for one test, then the patch again as the app installed it."""
    rasa_patches.uninstall()
    yield
    assert rasa_patches.install()


def remote_action() -> RemoteAction:
    return RemoteAction("action_signpost", EndpointConfig("http://127.0.0.1:9/webhook"))


@pytest.mark.fast
@pytest.mark.parametrize("reply", MALFORMED)
def test_a_malformed_action_reply_still_raises_as_rasa_does(reply):
    assert rasa_patches.install()
    with pytest.raises(ValidationError) as patched:
        remote_action()._validate_action_result(reply)
    rasa_patches.uninstall()
    try:
        with pytest.raises(ValidationError) as stock:
            remote_action()._validate_action_result(reply)
    finally:
        rasa_patches.install()
    assert type(patched.value) is type(stock.value)
    assert patched.value.message == stock.value.message
    assert "Failed to validate Action server response" in patched.value.message


@pytest.mark.fast
@pytest.mark.parametrize("reply", MALFORMED)
def test_the_fast_check_never_passes_what_jsonschema_refuses(reply):
    schema = RemoteAction.action_response_format_spec()
    assert list(validator_for(schema)(schema).iter_errors(reply)), "not malformed after all"
    assert rasa_patches.fast_check(schema)(reply) is False


@pytest.mark.fast
def test_event_types_resolve_as_rasa_resolves_them():
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    assert rasa_patches.install()
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert {"slot", "bot", "user", "action", "followup", "session_started"} <= names
    for name in sorted(names):
        assert Event.resolve_by_type(name) is rasa_patches._rasa_resolve_by_type(name)
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=Event) is Event


@pytest.mark.fast
def test_every_copy_in_rasas_processor_only_feeds_a_debug_log():
    """The patch makes rasa.core.processor's deepcopy a no-op: safe only while every use of
    `copy.` there is inside an argument of `structlogger.debug(...)`."""
    import rasa.core.processor

    tree = ast.parse(inspect.getsource(rasa.core.processor))
    debug_args = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "debug"
                and getattr(node.func.value, "id", None) == "structlogger"):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                debug_args.update(id(n) for n in ast.walk(arg))
    uses = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and getattr(n.value, "id", None) == "copy"]
    assert uses, "rasa.core.processor no longer uses copy: drop the patch"
    assert all(id(n) in debug_args for n in uses), [n.lineno for n in uses if id(n) not in debug_args]


@pytest.mark.fast
def test_a_valid_action_reply_passes():
    assert rasa_patches.install()
    assert remote_action()._validate_action_result({"events": [], "responses": [{"text": "hi"}]}) is True


@pytest.mark.fast
def test_not_installed_for_another_rasa_version(monkeypatch, caplog):
    rasa_patches.uninstall()
    monkeypatch.setattr(rasa, "__version__", "3.6.20")
    try:
        with caplog.at_level(logging.INFO, logger="api.rasa_patches"):
            assert rasa_patches.install() is False
        assert RemoteAction._validate_action_result is rasa_patches._rasa_validate
        lines = [r for r in caplog.records if r.name == "api.rasa_patches"]
        assert len(lines) == 1 and "3.6.20" in lines[0].getMessage()
    finally:
        monkeypatch.undo()
        assert rasa_patches.install() is True
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result


def _replies(chat):
    out = []
    for message in MESSAGES:
        reply = chat(message)
        out.append({k: v for k, v in reply.items() if k != "session_id"})
    return out


def test_replies_are_identical_with_and_without_the_patches(client, chat, monkeypatch):
    processor = client.app.state.assistant.agent.processor
    assert isinstance(processor.action_endpoint, rasa_patches.KeepAliveEndpointConfig)
    calls = []
    patched_validate = rasa_patches._validate_action_result
    schema = RemoteAction.action_response_format_spec()
    check, stock = rasa_patches.fast_check(schema), validator_for(schema)(schema)

    def validate(self, result):
        # Every real reply passes the fast check, and jsonschema agrees it is valid.
        calls.append(check(result) and not list(stock.iter_errors(result)))
        return patched_validate(self, result)

    monkeypatch.setattr(RemoteAction, "_validate_action_result", validate)
    with_patches = _replies(chat)
    assert calls and all(calls), "the patched validation ran, and every reply passed the fast check"
    assert not any(reply["degraded"] for reply in with_patches)

    rasa_patches.uninstall()
    plain = EndpointConfig(url=processor.action_endpoint.url, headers=processor.action_endpoint.headers)
    monkeypatch.setattr(processor, "action_endpoint", plain)
    monkeypatch.setattr(processor, "graph_runner", _dask(processor.graph_runner))
    try:
        without = _replies(chat)
    finally:
        monkeypatch.undo()
        rasa_patches.install()
    assert without == with_patches


def _dask(runner) -> DaskGraphRunner:
    """Rasa's own runner over the same loaded nodes."""
    plain = DaskGraphRunner.__new__(DaskGraphRunner)
    plain.__dict__.update({k: v for k, v in runner.__dict__.items() if k != "_plans"})
    return plain


def test_the_graph_runner_parses_every_held_out_message_as_dask_does(client):
    from bot.engine.graph_runner import SequentialGraphRunner
    from tooling.evaluation.heldout_data import load_heldout, load_heldout_long

    processor = client.app.state.assistant.agent.processor
    sequential = processor.graph_runner
    assert isinstance(sequential, SequentialGraphRunner)
    texts = [e.text for e in load_heldout()] + [e.text for e in load_heldout_long()]
    assert len(texts) > 500

    def parse_all(runner):
        processor.graph_runner = runner
        try:
            loop = asyncio.new_event_loop()
            try:
                return [loop.run_until_complete(client.app.state.assistant.agent.parse_message(t)) for t in texts]
            finally:
                loop.close()
        finally:
            processor.graph_runner = sequential

    ours, rasas = parse_all(sequential), parse_all(_dask(sequential))
    for text, a, b in zip(texts, ours, rasas):
        assert a == b, text


def test_both_spacy_nodes_hold_the_process_s_one_pipeline(client):
    """The prediction graph's two ReadingNLP nodes (the one that provides the pipeline and the
    one that runs it on messages) hold the pipeline the safety net, cues and facts read with:
    built once per process (bot/nlu/spacy_pipeline.py), never loaded again."""
    from bot.nlu.reading_component import ReadingNLP
    from bot.nlu.spacy_pipeline import shared_nlp

    runner = client.app.state.assistant.agent.processor.graph_runner
    nodes = {name: node._component for name, node in runner._instantiated_nodes.items()
             if isinstance(getattr(node, "_component", None), ReadingNLP)}
    assert len(nodes) == 2, sorted(nodes)
    assert all(node._model.model is shared_nlp() for node in nodes.values())
