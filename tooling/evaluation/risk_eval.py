"""Evaluates the risk step on the held-out risk set, tests/heldout_risk/.

    .venv/bin/python -m tooling.evaluation.risk_eval [--model PATH] [--out results]

Each message goes through the whole NLU pipeline (Agent.parse_message), as the first message
of a conversation. Prints the confusion of levels (expected none / serious / immediate against
what the risk step said, with "asked" for a non-urgent answer that asks "Are you safe right
now?"), then urgent recall and false alarms by kind, and every miss and false alarm with its
evidence ids. Draws the precision-recall curves of the learned model to results/risk_pr.png:
its out-of-fold scores on the training examples (where the thresholds were chosen,
bot/nlu/risk_model.py), its scores on the held-out set, and the whole risk step's point. `make
eval` runs it and fails when the step does worse than when it landed (URGENT_RECALL_MIN,
HARD_NEGATIVE_FALSE_ALARMS_MAX); it prints the goal (recall 1.0, hard-negative false
alarms <= 5 %) and whether it is met.
The held-out set is never trained on: tests/ is not a training path.
"""
import argparse
import asyncio
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List

from bot.domain.cleaning import clean
from bot import ROOT
from bot.nlu.risk_model import Example, load_examples
from bot.runtime.settings import MODEL_PATH

HELDOUT_RISK_DIR = ROOT / "tests" / "heldout_risk"
TRAINING_DIR = ROOT / "data" / "risk"
# The goal: every urgent message found, at most 1 in 20 hard negatives alarmed. Not met
# yet (docs/evaluation.md): `make eval` prints how far off it is.
GOAL_URGENT_RECALL = 1.0
GOAL_HARD_NEGATIVE_FALSE_ALARMS = 0.05
# What `make eval` enforces today: no worse than measured last (recall 0.993, hard-negative false
# alarms 0.074-0.081 over retrains), less about one message's worth. Raise these as the step
# improves; never lower them to let a change through.
URGENT_RECALL_MIN = 0.98
HARD_NEGATIVE_FALSE_ALARMS_MAX = 0.09
# Not urgent, but looking alarming: where a keyword or topic rule would call 999.
HARD_NEGATIVE_KINDS = ("figure_of_speech", "past_and_over", "worried_signs", "ordinary_distress",
                       "question_or_project", "topic_question", "report_content", "age_gap_not_urgent",
                       "witness")


async def predict(agent, examples: List[Example]) -> List[Dict]:
    rows = []
    for ex in examples:
        parse = await agent.parse_message(clean(ex.text))
        risk = parse.get("risk") or {}
        rows.append({"text": ex.text, "source": ex.source, "kind": ex.kind, "level": ex.level,
                     "urgent": ex.urgent, "pred_level": risk.get("level", "none"),
                     "pred_urgent": bool((parse.get("safety") or {}).get("urgent")),
                     "asked": bool(risk.get("unsure")), "score": risk.get("score"),
                     "evidence": risk.get("evidence") or [],
                     "intent": (parse.get("intent") or {}).get("name")})
    return rows


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def summarise(rows: List[Dict]) -> Dict:
    urgent = [r for r in rows if r["urgent"]]
    calm = [r for r in rows if not r["urgent"]]
    hard = [r for r in calm if r["kind"] in HARD_NEGATIVE_KINDS]
    confusion = Counter((r["level"], "asked" if r["asked"] and not r["pred_urgent"] else r["pred_level"])
                        for r in rows)
    by_kind = {}
    groups = defaultdict(list)
    for r in rows:
        groups[r["kind"]].append(r)
    for kind, xs in sorted(groups.items()):
        by_kind[kind] = {"n": len(xs), "urgent": xs[0]["urgent"],
                         "flagged": sum(x["pred_urgent"] for x in xs), "asked": sum(x["asked"] for x in xs)}
    return {
        "examples": len(rows), "urgent": len(urgent), "not_urgent": len(calm), "hard_negatives": len(hard),
        "urgent_recall": _rate(sum(r["pred_urgent"] for r in urgent), len(urgent)),
        "immediate_recall": _rate(sum(r["pred_level"] == "immediate" for r in rows if r["level"] == "immediate"),
                                  sum(r["level"] == "immediate" for r in rows)),
        "false_alarms": _rate(sum(r["pred_urgent"] for r in calm), len(calm)),
        "hard_negative_false_alarms": _rate(sum(r["pred_urgent"] for r in hard), len(hard)),
        "asked_not_urgent": _rate(sum(r["asked"] and not r["pred_urgent"] for r in calm), len(calm)),
        "confusion": {f"{a}->{b}": n for (a, b), n in sorted(confusion.items())},
        "by_kind": by_kind,
        "missed": [{k: r[k] for k in ("source", "kind", "level", "score", "evidence", "text")}
                   for r in urgent if not r["pred_urgent"]],
        "false_alarm_rows": [{k: r[k] for k in ("source", "kind", "score", "evidence", "text")}
                             for r in calm if r["pred_urgent"]],
    }


def failures(summary: Dict) -> List[str]:
    failed = []
    if not summary["urgent_recall"] >= URGENT_RECALL_MIN:
        failed.append(f"risk held-out urgent recall {summary['urgent_recall']:.3f} < {URGENT_RECALL_MIN}")
    if not summary["hard_negative_false_alarms"] <= HARD_NEGATIVE_FALSE_ALARMS_MAX:
        failed.append(f"risk held-out false alarms on hard negatives {summary['hard_negative_false_alarms']:.3f}"
                      f" > {HARD_NEGATIVE_FALSE_ALARMS_MAX}")
    return failed


def print_report(summary: Dict, training: Dict) -> None:
    print(f"\nRisk held-out set: {summary['examples']} messages ({summary['urgent']} urgent, "
          f"{summary['not_urgent']} not urgent, {summary['hard_negatives']} hard negatives)")
    print(f"Thresholds chosen on {training['examples']} risk examples (out-of-fold; trained with "
          f"{training['turns']} conversation turns as well): urgent >= "
          f"{training['thresholds']['urgent']:.3f}, ask >= {training['thresholds']['ask']:.3f}; "
          f"out-of-fold recall {training['recall']:.3f}, false alarms {training['false_alarms']:.3f}")
    levels = ("none", "serious", "immediate")
    said = ("none", "asked", "serious", "immediate")
    print("\nexpected \\ risk step said" + "".join(f"{s:>11}" for s in said))
    for level in levels:
        print(f"{level:<26}" + "".join(f"{summary['confusion'].get(f'{level}->{s}', 0):>11}" for s in said))
    print(f"\n{'kind':<26}{'n':>5}{'flagged':>9}{'asked':>7}   ")
    for kind, k in summary["by_kind"].items():
        rate = "recall" if k["urgent"] else "false alarms"
        print(f"{kind:<26}{k['n']:>5}{k['flagged']:>9}{k['asked']:>7}   {rate} {k['flagged'] / k['n']:.2f}")
    print(f"\nurgent recall {summary['urgent_recall']:.3f}   immediate recall {summary['immediate_recall']:.3f}   "
          f"false alarms {summary['false_alarms']:.3f}   on hard negatives "
          f"{summary['hard_negative_false_alarms']:.3f}   asked (not urgent) {summary['asked_not_urgent']:.3f}")
    for title, key in (("Missed urgent", "missed"), ("False alarms", "false_alarm_rows")):
        print(f"\n{title} ({len(summary[key])}):")
        for r in summary[key]:
            print(f"  [{r['source']}: {r['kind']}; {','.join(r['evidence'])}] {r['text'][:160]}")


def training_curve() -> Dict:
    """The learned model's out-of-fold scores on the training examples, as bot/nlu/risk_component.py
    trains it (same inputs, folds and threshold choice)."""
    from bot.nlu import risk_model

    from tooling.evaluation.heldout_data import load_file

    examples = load_examples(TRAINING_DIR)
    turns = risk_model.conversation_examples(
        (e.intent, e.text) for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) for e in load_file(path))
    trained = risk_model.cross_validate(examples + turns)
    scores, urgent = trained.risk_examples_only()
    thresholds = trained.thresholds
    return {"examples": len(examples), "turns": len(turns), "scores": scores.tolist(), "urgent": urgent,
            **risk_model.model_level_report(scores, urgent, thresholds)}


def plot(path: Path, training: Dict, rows: List[Dict], summary: Dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import precision_recall_curve

    fig, ax = plt.subplots(figsize=(7, 5.5), dpi=110)
    curves = (("model, training out-of-fold", training["urgent"], training["scores"], "tab:blue"),
              ("model, held-out", [r["urgent"] for r in rows], [r["score"] or 0.0 for r in rows], "tab:orange"))
    for label, truth, scores, colour in curves:
        precision, recall, cuts = precision_recall_curve(truth, scores)
        ax.plot(recall, precision, label=label, color=colour)
        for name, value, marker in (("urgent", training["thresholds"]["urgent"], "o"),
                                    ("ask", training["thresholds"]["ask"], "s")):
            i = min(range(len(cuts)), key=lambda j: abs(cuts[j] - value)) if len(cuts) else None
            if i is not None:
                ax.plot(recall[i], precision[i], marker, color=colour, markersize=7)
    urgent = [r for r in rows if r["urgent"]]
    flagged = [r for r in rows if r["pred_urgent"]]
    precision = sum(r["urgent"] for r in flagged) / len(flagged) if flagged else 1.0
    ax.plot(summary["urgent_recall"], precision, "*", color="tab:red", markersize=14,
            label=f"whole risk step, held-out (rules + net + model): recall {summary['urgent_recall']:.2f}")
    ax.set_xlabel(f"urgent recall (held-out urgent n={len(urgent)})")
    ax.set_ylabel("precision")
    ax.set_title(f"Risk model: thresholds urgent {training['thresholds']['urgent']:.2f} (o), "
                 f"ask {training['thresholds']['ask']:.2f} (s)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def report(rows: List[Dict], out_dir: Path) -> List[str]:
    summary = summarise(rows)
    training = training_curve()
    failed = failures(summary)
    print_report(summary, training)
    plot(out_dir / "risk_pr.png", training, rows, summary)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "risk_report.json").write_text(json.dumps(
        {**summary, "training": {k: v for k, v in training.items() if k not in ("scores", "urgent")},
         "gates": {"urgent_recall": URGENT_RECALL_MIN, "hard_negative_false_alarms": HARD_NEGATIVE_FALSE_ALARMS_MAX},
         "goal": {"urgent_recall": GOAL_URGENT_RECALL, "hard_negative_false_alarms": GOAL_HARD_NEGATIVE_FALSE_ALARMS},
         "passed": not failed, "failures": failed}, indent=2) + "\n", encoding="utf-8")
    print(f"\nPrecision-recall curves: {out_dir / 'risk_pr.png'}; report: {out_dir / 'risk_report.json'}")
    goal = summary["urgent_recall"] >= GOAL_URGENT_RECALL and \
        summary["hard_negative_false_alarms"] <= GOAL_HARD_NEGATIVE_FALSE_ALARMS
    print(f"Goal: urgent recall {GOAL_URGENT_RECALL}, hard-negative false alarms <= "
          f"{GOAL_HARD_NEGATIVE_FALSE_ALARMS}: {'met' if goal else 'NOT MET'}")
    for reason in failed:
        print(f"FAILED: {reason}")
    if not failed:
        print(f"PASSED: risk urgent recall >= {URGENT_RECALL_MIN}, hard-negative false alarms <= "
              f"{HARD_NEGATIVE_FALSE_ALARMS_MAX} (no worse than last measured)")
    return failed


def main(argv=None) -> int:
    from tooling.evaluation.evaluate import load_agent

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    parser.add_argument("--out", type=Path, default=Path("results"))
    args = parser.parse_args(argv)
    agent = load_agent(args.model)
    rows = asyncio.run(predict(agent, load_examples(HELDOUT_RISK_DIR)))
    return 1 if report(rows, args.out) else 0


if __name__ == "__main__":
    sys.exit(main())
