"""`make bench` (also alone: python -m bench.encoder_cost): CPU per message of the sentence
encoder and of the whole NLU parse, for short and for long messages.

Messages come from the held-out sets (tests/heldout: short; tests/heldout_long: 3-8
sentences). Each message is encoded as the pipeline does it (one vector per sentence). CPU time
is this process's (time.process_time), with one ONNX thread, best of 3 passes; the load
average is printed because the machine is shared.
"""
import asyncio
import json
import logging
import os
import sys
import time
import warnings
from pathlib import Path
from statistics import mean, median
from typing import Callable, Dict, List

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore")  # third-party deprecation noise while importing Rasa

from bot.sentence_encoder import shared_encoder  # noqa: E402
from bot.sentences import split_sentences  # noqa: E402
from evaluation.heldout_data import load_heldout, load_heldout_long  # noqa: E402

MODEL = Path("models/schoolbot.tar.gz")


def _cpu_ms(run: Callable[[str], object], texts: List[str], passes: int = 3) -> List[float]:
    best = [float("inf")] * len(texts)
    for _ in range(passes):
        for i, text in enumerate(texts):
            start = time.process_time()
            run(text)
            best[i] = min(best[i], (time.process_time() - start) * 1000)
    return best


def _summary(values: List[float]) -> Dict[str, float]:
    ordered = sorted(values)
    return {"mean_ms": round(mean(values), 2), "p50_ms": round(median(values), 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def main() -> int:
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    sets = {"short": [e.text for e in load_heldout()], "long": [e.text for e in load_heldout_long()]}
    encoder = shared_encoder()
    encode = lambda text: encoder.encode(split_sentences(text))  # noqa: E731
    for text in sets["short"][:20]:  # warm-up
        encode(text)
    print(f"encoder cost: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"1 ONNX thread, best of 3 passes")
    report = {"load_average": os.getloadavg(), "encoder": {}, "parse": {}}
    for name, texts in sets.items():
        tokens = mean(len(encoder.tokenizer.encode(t).ids) for t in texts)
        report["encoder"][name] = {"messages": len(texts), "mean_tokens": round(tokens, 1),
                                   **_summary(_cpu_ms(encode, texts))}
        print(f"  encoder {name:<5} n={len(texts):<4} ~{tokens:.0f} tokens  "
              + "  ".join(f"{k} {v}" for k, v in report["encoder"][name].items() if k.endswith("_ms")))
    if MODEL.exists():
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)  # Rasa's debug events would print every text
        agent = Agent.load(str(MODEL))
        loop = asyncio.new_event_loop()
        parse = lambda text: loop.run_until_complete(agent.parse_message(text))  # noqa: E731
        for text in sets["short"][:20]:
            parse(text)
        for name, texts in sets.items():
            report["parse"][name] = _summary(_cpu_ms(parse, texts, passes=1))
            print(f"  NLU parse {name:<5} n={len(texts):<4} "
                  + "  ".join(f"{k} {v}" for k, v in report["parse"][name].items()))
    Path("results").mkdir(exist_ok=True)
    Path("results/encoder_cost.json").write_text(json.dumps(report, indent=2) + "\n")
    print("  written: results/encoder_cost.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
