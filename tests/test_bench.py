"""`make bench`'s pure parts: the message mixes, the run schedule, the turn/parse ratio and the
goals. No model, no processes, no network."""
from tooling.bench.mixes import (BUTTON_FOLLOW_UPS, CONVERSATIONS, TYPED_FOLLOW_UPS, long_conversations, long_texts,
                         mean_over_turns, turns, unique_texts)
from tooling.bench.run import goals, kind, ratio_to_floor, schedule, turn_over_parse


def run(target, concurrency, p95=100.0, errors=0, turns_per_s=10.0, server_cpu=30.0):
    return {"target": target, "concurrency": concurrency, "p95_ms": p95, "errors": errors,
            "turns_per_s": turns_per_s, "cpu_ms_per_turn": {"server": server_cpu, "actions": 1.0}}


def test_long_mix_is_deterministic_and_uses_only_the_long_heldout_texts():
    texts = long_texts()
    assert texts, "tests/heldout_long is empty"
    first = long_conversations(seed=7)
    assert first == long_conversations(seed=7)
    assert first != long_conversations(seed=8)  # the seed decides the follow-ups
    # One conversation per long message, in order; a follow-up only from the known lists.
    assert [c[0] for c in first] == texts
    assert all(len(c) in (1, 2) for c in first)
    follow_ups = {c[1] for c in first if len(c) == 2}
    assert follow_ups <= set(TYPED_FOLLOW_UPS) | set(BUTTON_FOLLOW_UPS)
    assert follow_ups & set(TYPED_FOLLOW_UPS) and follow_ups & set(BUTTON_FOLLOW_UPS)
    assert any(len(c) == 1 for c in first)


def test_follow_up_buttons_are_payloads_the_api_accepts():
    from api.schemas import button_payloads

    assert set(BUTTON_FOLLOW_UPS) <= button_payloads()
    assert {t for t in turns(CONVERSATIONS) if t.startswith("/")} <= button_payloads()


def test_mean_over_turns_weighs_every_turn_as_sent():
    conversations = [["a", "b"], ["a"], ["c", "a", "b"]]
    assert turns(conversations) == ["a", "b", "a", "c", "a", "b"]
    assert unique_texts(conversations) == ["a", "b", "c"]
    cost = {"a": 10.0, "b": 20.0, "c": 60.0}
    assert mean_over_turns(cost, conversations) == (10 * 3 + 20 * 2 + 60) / 6


def test_schedule_interleaves_targets_by_concurrency():
    levels = {"api": [1, 10, 50], "rasa": [1, 10, 50], "api-1w": [10], "api-long": [1, 10]}
    assert schedule(["api", "api-1w", "rasa", "api-long"], levels) == [
        ("api", 1), ("rasa", 1), ("api-long", 1),
        ("api", 10), ("api-1w", 10), ("rasa", 10), ("api-long", 10),
        ("api", 50), ("rasa", 50)]
    assert schedule(["rasa", "api"], {"api": [10], "rasa": [10]}) == [("api", 10), ("rasa", 10)]
    assert kind("api-long") == kind("api-1w") == "api" and kind("rasa") == "rasa"


def test_turn_over_parse_uses_the_lowest_concurrency_and_the_same_mix():
    runs = [run("api", 10, server_cpu=50.0), run("api", 1, server_cpu=30.0), run("api-long", 1, server_cpu=90.0)]
    floor = {"short": {"mean_ms": 20.0}, "long": {"mean_ms": 60.0}}
    short = turn_over_parse(runs, floor, "api")
    assert (short["concurrency"], short["turn_cpu_ms"], short["parse_cpu_ms"], short["ratio"]) == (1, 30.0, 20.0, 1.5)
    assert turn_over_parse(runs, floor, "api-long")["ratio"] == 1.5
    assert turn_over_parse(runs, floor, "api-1w") is None
    assert turn_over_parse(runs, {}, "api")["ratio"] is None
    assert ratio_to_floor(None, 10.0) is None and ratio_to_floor(5.0, 0) is None
    assert ratio_to_floor(33.7, 15.0) == 2.25


def test_goals_ok_missed_and_not_measured():
    runs = [run("api", 10, p95=150.0, turns_per_s=30.0), run("api-1w", 10, p95=201.0),
            run("api", 50, p95=700.0), run("rasa", 10, p95=900.0, errors=3, turns_per_s=10.0),
            run("api-long", 1, p95=400.0)]
    turn_parse = {"short": {"ratio": 1.5}, "long": {"ratio": 3.0}}
    result = goals(runs, {10: 3.0}, turn_parse, {"api": 20.0, "rasa": 30.0}, workers=2)
    assert {name: g["ok"] for name, g in result.items()} == {
        "turn/parse <= 1.5 (short mix)": True,
        "c=10 p95 <= 150 ms (2 workers)": True,
        "c=10 p95 <= 200 ms (1 worker)": False,
        "c=50 p95 <= 750 ms": True,
        ">= 3x rasa run at c=10": True,
        "no errors": True,  # rasa run's errors are not this API's
        "cold start <= 20 s": True,
        "worst message <= 100 ms CPU": None,  # not measured here
    }
    assert goals(runs, {}, turn_parse, {}, worst_ms=74.4)["worst message <= 100 ms CPU"]["ok"] is True
    assert goals(runs, {}, turn_parse, {}, worst_ms=1425.1)["worst message <= 100 ms CPU"]["ok"] is False
    runs[-1]["errors"] = 1  # an error in the long mix counts
    missing = goals(runs[:1] + runs[-1:], {}, {"short": None}, {}, workers=2)
    assert missing["no errors"]["ok"] is False
    assert missing["turn/parse <= 1.5 (short mix)"] == {"value": None, "ok": None}
    assert missing["c=50 p95 <= 750 ms"]["ok"] is None
    assert missing[">= 3x rasa run at c=10"]["ok"] is None
    assert missing["cold start <= 20 s"]["ok"] is None


def test_worst_mix_holds_1000_character_messages_of_the_issue_21_shapes():
    from tooling.bench.mixes import WORST_MESSAGES, mixes

    assert mixes()["worst"] == [[t] for t in WORST_MESSAGES.values()]
    assert all(len(t) <= 1000 for t in WORST_MESSAGES.values())
    assert ("I want to die. " * 67)[:1000] in WORST_MESSAGES.values()


def test_the_load_only_presses_buttons_the_last_answer_offered():
    """Issue 21: the API refuses a button that was not offered; a virtual user, like a person,
    presses only what it was shown (else the turn is skipped)."""
    import asyncio
    import random

    from tooling.bench.run import ALWAYS_OFFERED, virtual_user

    sent = []

    class Response:
        status = 200

        def __init__(self, body):
            self.body = body

        async def json(self, content_type=None):
            return {"session_id": "s" * 16, "topic": None, "urgent": False, "degraded": False, "services": [],
                    "messages": [{"text": "ok", "buttons": [{"title": "Talk", "payload": "/followup_talk"}]
                                  if self.body.get("message") == "offers talk" else []}]}

        async def __aenter__(self):
            return self

        async def __aexit__(self, *exc):
            return False

    class Client:
        def post(self, url, json):
            sent.append(json)
            return Response(json)

    import time
    conversations = [["offers talk", "/followup_talk"], ["offers nothing", "/followup_talk", "/bullying"]]
    asyncio.run(virtual_user(Client(), "api", "http://x", random.Random(1), time.monotonic() + 0.05, None,
                             conversations))
    after = {}
    for previous, body in zip(sent, sent[1:]):
        if "payload" in body:
            after.setdefault(previous.get("message"), set()).add(body["payload"])
    assert "/followup_talk" in after.get("offers talk", set())
    assert "/followup_talk" not in after.get("offers nothing", set())
    assert "/bullying" in ALWAYS_OFFERED
