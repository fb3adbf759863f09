"""Evaluates the trained assistant on the held-out and red-team messages.

    PYTHONPATH=. .venv/bin/python -m tooling.evaluation.evaluate [--model models/schoolbot.tar.gz]
                                                         [--report results/eval_report.json]

Every message goes through the whole NLU pipeline (classifier + safety net) with
`Agent.load(model).parse_message(text)`; no action server is needed. Prints per-topic
precision / recall / F1 on the short held-out set and on the long-form held-out set (messages
of 3-8 sentences, tests/heldout_long/), urgent recall on every set (short, long, red-team),
the false-alarm rates, the most confused topics, and every missed urgent message and false
alarm. Then the risk step on its own held-out set (tooling/evaluation/risk_eval.py). Exits 1 when
urgent recall < 1.0 on any set, short macro-F1 < 0.90, long-form topic accuracy < 0.85, or
the risk gates fail (urgent recall < 1.0, hard-negative false alarms > 5 %).
"""
import argparse
import asyncio
import json
import logging
import os
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
warnings.filterwarnings("ignore")  # third-party deprecation noise while importing Rasa

from sklearn.metrics import precision_recall_fscore_support  # noqa: E402

from bot.domain.cleaning import clean
from bot.nlu.safety_net import shared_safety_net  # noqa: E402
from bot.domain.taxonomy import topic_for, topic_ids  # noqa: E402
from bot.nlu.risk_model import load_examples  # noqa: E402
from tooling.evaluation import risk_eval  # noqa: E402
from tooling.evaluation.heldout_data import Example, load_heldout, load_heldout_long, load_redteam  # noqa: E402

URGENT_RECALL_MIN = 1.0
MACRO_F1_MIN = 0.90
LONG_ACCURACY_MIN = 0.85
NONE = "none"  # a turn that is not a topic (greeting, thanks, out of scope ...)


def load_agent(model: Path):
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    logging.disable(logging.WARNING)  # Rasa and TensorFlow are chatty while loading
    configure_structlog(logging.WARNING)  # no per-message debug lines
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecation noise from Rasa's dependencies
        return Agent.load(str(model))


async def predict(agent, examples: List[Tuple[str, Example]]) -> List[Dict]:
    """Parses each (set name, example) with the model; one row of expected/predicted each."""
    rows = []
    for set_name, ex in examples:
        parse = await agent.parse_message(clean(ex.text))
        intent = (parse.get("intent") or {}).get("name")
        safety = parse.get("safety") or {}
        rows.append({
            "text": ex.text,
            "source": ex.source,
            "set": set_name,
            "intent": ex.intent,
            "topic": ex.topic or NONE,
            "urgent": ex.urgent,
            "pred_intent": intent,
            "pred_topic": topic_for(intent) or NONE,
            "pred_urgent": bool(safety.get("urgent")),  # the risk step's verdict
            "safety_categories": safety.get("categories") or [],
            "also": parse.get("also"),
        })
    return rows


def _ratio(part: int, whole: int, empty: float = 1.0) -> float:
    return part / whole if whole else empty


def topic_scores(heldout: List[Dict]) -> Dict:
    """Per-topic precision / recall / F1 on the held-out set, macro-F1 over the ten topics."""
    topics = topic_ids()
    labels = topics + [NONE]
    expected = [x["topic"] for x in heldout]
    predicted = [x["pred_topic"] for x in heldout]
    precision, recall, f1, support = precision_recall_fscore_support(
        expected, predicted, labels=labels, zero_division=0
    )
    per_topic = {
        label: {"precision": precision[i], "recall": recall[i], "f1": f1[i],
                "support": int(support[i])}
        for i, label in enumerate(labels)
    }
    confused = Counter((e, p) for e, p in zip(expected, predicted) if e != p)
    return {
        "topics": per_topic,
        "macro_f1": sum(per_topic[t]["f1"] for t in topics) / len(topics),
        "topic_accuracy": _ratio(sum(e == p for e, p in zip(expected, predicted)), len(heldout)),
        "confused_pairs": [
            {"expected": e, "predicted": p, "count": n} for (e, p), n in confused.most_common(5)
        ],
        "topic_errors": [  # in the JSON report only: every held-out message on the wrong topic
            {k: x[k] for k in ("text", "source", "intent", "pred_intent", "topic", "pred_topic")}
            for x in heldout if x["topic"] != x["pred_topic"]
        ],
    }


def urgent_scores(heldout: List[Dict], redteam: List[Dict]) -> Dict:
    """Urgent recall (held-out + red-team, each alone) and false alarms on held-out."""
    def recall(rows):
        urgent = [x for x in rows if x["urgent"]]
        return _ratio(sum(x["pred_urgent"] for x in urgent), len(urgent)), len(urgent)

    recall_all, n_all = recall(heldout + redteam)
    recall_heldout, n_heldout = recall(heldout)
    recall_redteam, n_redteam = recall(redteam)
    not_urgent = [x for x in heldout if not x["urgent"]]
    false_alarms = [x for x in not_urgent if x["pred_urgent"]]
    missed = [x for x in heldout + redteam if x["urgent"] and not x["pred_urgent"]]
    net = shared_safety_net()  # the net the pipeline ran; used here only to show what matched
    return {
        "urgent_recall": recall_all,
        "urgent_recall_heldout": recall_heldout,
        "urgent_recall_redteam": recall_redteam,
        "urgent_messages": {"heldout": n_heldout, "redteam": n_redteam, "total": n_all},
        "false_alarm_rate": _ratio(len(false_alarms), len(not_urgent), empty=0.0),
        "non_urgent_heldout": len(not_urgent),
        "redteam_topic_accuracy": _ratio(
            sum(x["topic"] == x["pred_topic"] for x in redteam), len(redteam)
        ),
        "missed_urgent": [
            {k: x[k] for k in ("text", "source", "intent", "pred_intent")} for x in missed
        ],
        "false_alarms": [
            {**{k: x[k] for k in ("text", "source", "intent", "pred_intent", "safety_categories")},
             "matches": list(net.check(x["text"]).matches)}
            for x in false_alarms
        ],
    }


def summarise(rows: List[Dict]) -> Dict:
    heldout = [x for x in rows if x["set"] == "heldout"]
    long_form = [x for x in rows if x["set"] == "heldout_long"]
    redteam = [x for x in rows if x["set"] == "redteam"]
    long_topics = topic_scores(long_form)
    long_urgent = urgent_scores(long_form, [])
    return {
        "heldout_examples": len(heldout),
        "redteam_examples": len(redteam),
        **topic_scores(heldout),
        **urgent_scores(heldout, redteam),
        "long_form": {
            "examples": len(long_form),
            **long_topics,
            **{k: long_urgent[k] for k in (
                "urgent_recall", "false_alarm_rate", "non_urgent_heldout", "missed_urgent",
                "false_alarms")},
            "urgent_messages": long_urgent["urgent_messages"]["heldout"],
            "second_concerns": sum(1 for x in long_form if x["also"]),
        },
    }


def failures(summary: Dict) -> List[str]:
    failed = []
    long_form = summary["long_form"]
    for name, value in (("held-out", summary["urgent_recall_heldout"]),
                        ("red-team", summary["urgent_recall_redteam"]),
                        ("long-form", long_form["urgent_recall"])):
        if value < URGENT_RECALL_MIN:
            failed.append(f"{name} urgent recall {value:.3f} < {URGENT_RECALL_MIN}")
    if summary["macro_f1"] < MACRO_F1_MIN:
        failed.append(f"held-out macro-F1 {summary['macro_f1']:.3f} < {MACRO_F1_MIN}")
    if long_form["topic_accuracy"] < LONG_ACCURACY_MIN:
        failed.append(f"long-form topic accuracy {long_form['topic_accuracy']:.3f} < {LONG_ACCURACY_MIN}")
    return failed


def print_topic_table(title: str, scores: Dict) -> None:
    print(title)
    print(f"{'topic':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    print("-" * 60)
    for topic, m in scores["topics"].items():
        print(f"{topic:<20}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}"
              f"{m['support']:>10}")
    print("-" * 60)


def print_report(summary: Dict, failed: List[str]) -> None:
    long_form = summary["long_form"]
    print(f"\nHeld-out: {summary['heldout_examples']} short messages, "
          f"{long_form['examples']} long messages   red-team: {summary['redteam_examples']} messages\n")
    print_topic_table("Short held-out set:", summary)
    print_topic_table("\nLong-form held-out set (3-8 sentences):", long_form)
    counts = summary["urgent_messages"]
    lines = [
        ("macro-F1 (10 topics, held-out)", f"{summary['macro_f1']:.3f}"),
        ("topic accuracy (held-out)", f"{summary['topic_accuracy']:.3f}"),
        ("topic accuracy (red-team)", f"{summary['redteam_topic_accuracy']:.3f}"),
        (f"urgent recall (held-out + red-team, n={counts['total']})",
         f"{summary['urgent_recall']:.3f}"),
        (f"urgent recall (held-out, n={counts['heldout']})",
         f"{summary['urgent_recall_heldout']:.3f}"),
        (f"urgent recall (red-team, n={counts['redteam']})",
         f"{summary['urgent_recall_redteam']:.3f}"),
        (f"false-alarm rate (non-urgent held-out, n={summary['non_urgent_heldout']})",
         f"{summary['false_alarm_rate']:.3f}"),
        ("macro-F1 (10 topics, long-form)", f"{long_form['macro_f1']:.3f}"),
        ("topic accuracy (long-form)", f"{long_form['topic_accuracy']:.3f}"),
        (f"urgent recall (long-form, n={long_form['urgent_messages']})",
         f"{long_form['urgent_recall']:.3f}"),
        (f"false-alarm rate (non-urgent long-form, n={long_form['non_urgent_heldout']})",
         f"{long_form['false_alarm_rate']:.3f}"),
        ("long messages offered a second concern", f"{long_form['second_concerns']}"),
    ]
    width = max(len(label) for label, _ in lines) + 2
    for label, value in lines:
        print(f"{label:<{width}}{value}")

    print("\nMost confused topics (expected -> predicted):")
    for pair in summary["confused_pairs"] or [{"expected": "-", "predicted": "-", "count": 0}]:
        print(f"  {pair['count']:>3}  {pair['expected']} -> {pair['predicted']}")

    print("\nMost confused topics, long-form (expected -> predicted):")
    for pair in long_form["confused_pairs"] or [{"expected": "-", "predicted": "-", "count": 0}]:
        print(f"  {pair['count']:>3}  {pair['expected']} -> {pair['predicted']}")

    missed = summary["missed_urgent"] + long_form["missed_urgent"]
    print(f"\nMissed urgent messages ({len(missed)}):")
    for x in missed:
        print(f"  [{x['source']}: {x['intent']}; no net match, "
              f"classifier said {x['pred_intent']}] {x['text']}")

    alarms = summary["false_alarms"] + long_form["false_alarms"]
    print(f"\nFalse alarms ({len(alarms)}):")
    for x in alarms:
        why = (f"net matched {', '.join(x['matches'])}" if x["matches"]
               else f"classifier said {x['pred_intent']}")
        print(f"  [{x['source']}: {x['intent']}; {why}] {x['text']}")

    print()
    if failed:
        for reason in failed:
            print(f"FAILED: {reason}")
    else:
        print(f"PASSED: urgent recall >= {URGENT_RECALL_MIN} on every set, short macro-F1 >= "
              f"{MACRO_F1_MIN}, long-form accuracy >= {LONG_ACCURACY_MIN}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=Path("models/schoolbot.tar.gz"))
    parser.add_argument("--report", type=Path, default=Path("results/eval_report.json"))
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"error: no model at {args.model}; train one first (make model)", file=sys.stderr)
        return 2

    agent = load_agent(args.model)
    examples = ([("heldout", e) for e in load_heldout()]
                + [("heldout_long", e) for e in load_heldout_long()]
                + [("redteam", e) for e in load_redteam()])
    rows = asyncio.run(predict(agent, examples))
    summary = summarise(rows)
    failed = failures(summary)
    print_report(summary, failed)
    # Issue 18: the risk step on its own held-out set (confusion by kind, PR curves, gates).
    risk_rows = asyncio.run(risk_eval.predict(agent, load_examples(risk_eval.HELDOUT_RISK_DIR)))
    failed += risk_eval.report(risk_rows, args.report.parent)

    args.report.parent.mkdir(parents=True, exist_ok=True)
    report = {"model": str(args.model), **summary,
              "thresholds": {"urgent_recall": URGENT_RECALL_MIN, "macro_f1": MACRO_F1_MIN,
                             "long_form_accuracy": LONG_ACCURACY_MIN},
              "passed": not failed, "failures": failed}
    args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"Report written to {args.report}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
