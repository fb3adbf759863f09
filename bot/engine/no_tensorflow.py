"""Serving without TensorFlow when no component needs it: ~500 MB and ~5 s less per worker.

Rasa 3.6 imports TensorFlow (and Keras) at the top of 37 of its modules, and `rasa.core.agent`
reaches them through its imports (agent -> policy -> featurizers -> nlu.extractors.extractor ->
utils.train_utils -> utils.tensorflow.callback), so an Agent costs TensorFlow's import even
for a model whose components never call it, as this project's (config.yml: spaCy, count
vectors, the ONNX sentence encoder, scikit-learn classifiers, rule and memoisation policies).

While the Agent is imported and loaded, `install()` answers the imports of TensorFlow's
packages with placeholder modules: every name read from one is a placeholder class, so class
statements (`class RasaTrainingLogger(tf.keras.callbacks.Callback)`), annotations
(`-> tf.Tensor`) and decorators made at import time go through; nothing of TensorFlow runs.
Once the Agent has loaded (`loaded()`), calling or instantiating any placeholder raises
`TensorFlowNotLoaded`, and the placeholders leave `sys.modules`, so a later `import tensorflow`
(say, inside a function at run time) loads the real TensorFlow and is seen (the test checks
that `tensorflow` is not in `sys.modules` after the agent loads and a turn is handled).

Guarded like bot/engine/rasa_patches.py: only on RASA_VERSION, only when every component of
the model's prediction graph is one known not to need TensorFlow (TF_FREE, read from the
model archive's metadata.json without importing Rasa), and only before Rasa's modules are
imported. Otherwise nothing is installed and TensorFlow is imported as before. `SIGNPOST_TENSORFLOW=1`
turns the placeholders off.
"""
import importlib.abc
import importlib.machinery
import importlib.metadata
import json
import logging
import sys
import tarfile
import types
from pathlib import Path
from typing import Iterable, List, Optional, Union

log = logging.getLogger("api.no_tensorflow")

RASA_VERSION = "3.6.21"
PACKAGES = ("tensorflow", "tensorflow_addons", "tensorflow_hub", "tensorflow_text", "tensorflow_probability", "keras")
# Components that never call TensorFlow (their own code and what they call at prediction time).
TF_FREE = frozenset({
    "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
    "rasa.core.policies.memoization.MemoizationPolicy",
    "rasa.core.policies.memoization.AugmentedMemoizationPolicy",
    "rasa.core.policies.rule_policy.RulePolicy",
    "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
    "rasa.graph_components.providers.domain_provider.DomainProvider",
    "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
    "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
    "rasa.nlu.classifiers.keyword_intent_classifier.KeywordIntentClassifier",
    "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
    "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer.RegexFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer.LexicalSyntacticFeaturizer",
    "rasa.nlu.extractors.entity_synonyms.EntitySynonymMapper",
    "rasa.nlu.extractors.regex_entity_extractor.RegexEntityExtractor",
    "rasa.nlu.tokenizers.spacy_tokenizer.SpacyTokenizer",
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
    "rasa.nlu.utils.spacy_utils.SpacyNLP",
})
# This project's own components (bot/nlu/): none imports TensorFlow (tests/test_no_tensorflow.py).
OWN_PREFIX = "bot.nlu."


class TensorFlowNotLoaded(RuntimeError):
    """Something called TensorFlow in a process that serves without it."""


_state = {"loading": False, "installed": False, "placeholders": 0}


class _Placeholder(type):
    """A placeholder for a name read from a TensorFlow module: a class, so that it can be a base
    class, an annotation or a default value; its attributes are placeholders too."""

    def __getattr__(cls, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _placeholder(f"{cls.__qualname__}.{name}")

    def __call__(cls, *args, **kwargs):
        if not _state["loading"]:
            raise TensorFlowNotLoaded(
                f"{cls.__qualname__} was called, but this process serves without TensorFlow "
                "(bot/engine/no_tensorflow.py): no component of the model should need it. "
                "Set SIGNPOST_TENSORFLOW=1 to import it.")
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], _Placeholder):
            return args[0]  # a decorator (`@tf.function`, `@register_keras_serializable()`): the function as it is
        return _placeholder(f"{cls.__qualname__}()")

    def __getitem__(cls, item):
        return cls

    def __or__(cls, other):
        return cls

    __ror__ = __or__

    def __repr__(cls) -> str:
        return f"<TensorFlow placeholder {cls.__qualname__}>"


def _placeholder(name: str) -> type:
    _state["placeholders"] += 1
    cls = _Placeholder(name.rsplit(".", 1)[-1], (), {"__module__": "bot.engine.no_tensorflow"})
    cls.__qualname__ = name
    return cls


class _PlaceholderModule(types.ModuleType):
    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = _placeholder(f"{self.__name__}.{name}")
        setattr(self, name, value)
        return value


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name: str, path=None, target=None):
        if not _state["loading"] or name.split(".")[0] not in PACKAGES:
            return None
        importer = _importer()
        if importer.split(".")[0] not in ("rasa", "bot") + PACKAGES:
            # A library whose TensorFlow support is optional (thinc: `try: import tensorflow`)
            # is told what it would be told without TensorFlow installed.
            raise ModuleNotFoundError(f"No module named {name!r} (serving without TensorFlow: "
                                      "bot/engine/no_tensorflow.py)", name=name)
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        module = _PlaceholderModule(spec.name, "placeholder: bot/engine/no_tensorflow.py")
        module.__path__ = []
        return module

    def exec_module(self, module) -> None:
        module.__version__ = "0+placeholder"


_finder = _Finder()


def _importer() -> str:
    """The module whose code runs the import being answered."""
    frame = sys._getframe(2)
    while frame is not None and (frame.f_code.co_filename.startswith("<frozen") or
                                 frame.f_globals.get("__name__", "").startswith("importlib")):
        frame = frame.f_back
    return frame.f_globals.get("__name__", "") if frame is not None else ""


def model_components(model_path: Union[str, Path]) -> List[str]:
    """The classes of the model's prediction graph, from the archive's metadata.json."""
    with tarfile.open(model_path, "r:gz") as archive:
        for member in archive.getmembers():
            if member.name.lstrip("./").lstrip("/") == "metadata.json" or member.name.endswith("/metadata.json"):
                metadata = json.load(archive.extractfile(member))
                return sorted({node["uses"] for node in metadata["predict_schema"]["nodes"].values()})
    raise ValueError(f"{model_path}: no metadata.json")


def needing_tensorflow(components: Iterable[str]) -> List[str]:
    return [c for c in components if c not in TF_FREE and not c.startswith(OWN_PREFIX)]


def rasa_version() -> Optional[str]:
    try:
        return importlib.metadata.version("rasa")
    except importlib.metadata.PackageNotFoundError:
        return None


def install(model_path: Union[str, Path], tensorflow: bool = False) -> bool:
    """Placeholders for TensorFlow's imports until loaded(), when they are safe for this model;
    returns whether they are in place. `tensorflow` (the setting SIGNPOST_TENSORFLOW): import
    it anyway. Call before anything imports Rasa's modules."""
    if _state["installed"]:
        return True
    reason = None
    if tensorflow:
        reason = "SIGNPOST_TENSORFLOW is set"
    elif rasa_version() != RASA_VERSION:
        reason = f"Rasa {rasa_version()} is not {RASA_VERSION}"
    elif any(name.split(".")[0] in PACKAGES for name in sys.modules):
        reason = "TensorFlow is already imported"
    elif "rasa.core.agent" in sys.modules:
        reason = "Rasa's agent is already imported"
    else:
        try:
            needing = needing_tensorflow(model_components(model_path))
        except (OSError, ValueError, KeyError, tarfile.TarError) as exc:
            needing, reason = None, f"the model's components could not be read ({type(exc).__name__})"
        if needing:
            reason = f"the model uses {', '.join(needing)}"
    if reason:
        log.info("TensorFlow will be imported: %s", reason)
        return False
    _state.update(loading=True, installed=True)
    sys.meta_path.insert(0, _finder)
    return True


def check_model(model_path: Union[str, Path]) -> None:
    """Raises when placeholders are installed and this model has a component that needs TensorFlow."""
    if _state["installed"]:
        needing = needing_tensorflow(model_components(model_path))
        if needing:
            raise TensorFlowNotLoaded(f"{model_path} uses {', '.join(needing)}, which need TensorFlow; this process "
                                      "was started without it: set SIGNPOST_TENSORFLOW=1")


def loaded() -> None:
    """The Agent has loaded: from now on a placeholder that is called raises, and an import of
    TensorFlow loads the real one."""
    if not _state["loading"]:
        return
    _state["loading"] = False
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in [n for n, m in sys.modules.items() if isinstance(m, _PlaceholderModule)]:
        del sys.modules[name]


def installed() -> bool:
    return _state["installed"]


def real_tensorflow_loaded() -> bool:
    module = sys.modules.get("tensorflow")
    return module is not None and not isinstance(module, _PlaceholderModule)
