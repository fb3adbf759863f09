"""Action unit tests: a Tracker and a CollectingDispatcher, no Rasa server."""
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionClarify, ActionSetAudience, ActionSmallTalk
from actions.signpost import ActionShowServices, ActionSignpost
from bot.domain.replies import PAYLOAD_KEY
from tests.support import sent


def tracker(intent, slots=None, safety_urgent=False, metadata=None, text="..."):
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [],
        "safety": {"urgent": safety_urgent, "categories": [], "intent": None},
        "metadata": metadata or {},
    }
    return Tracker.from_dict({"sender_id": "test-session", "slots": slots or {}, "latest_message": latest,
                              "latest_action_name": "action_listen"})


def run(action, t):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    texts = [m["text"] for m in sent(dispatcher) if m.get("text")]
    payload = next(m["custom"][PAYLOAD_KEY] for m in dispatcher.messages if m.get("custom"))
    return texts, payload, events, sent(dispatcher)


def test_sextortion_reply_leads_with_999_and_childline():
    texts, payload, events, _ = run(ActionSignpost(), tracker("sextortion", safety_urgent=True))
    assert texts[0].startswith("If you are in danger now, call 999")
    assert "0800 1111" in texts[0]
    assert payload["topic"] == "image_sharing" and payload["urgent"] is True
    ids = [s["id"] for s in payload["services"]]
    assert ids[:2] == ["emergency_999", "childline"]
    assert "childline_report_remove" in ids
    steps = " ".join(texts).lower()
    assert "pay" in steps and "delete" in steps  # don't pay; deactivate rather than delete
    assert SlotSet("last_intent", "sextortion") in events


def test_bullying_reply_is_not_urgent_and_offers_audience_buttons():
    texts, payload, _, messages = run(ActionSignpost(), tracker("bullying"))
    assert payload == {**payload, "topic": "bullying", "urgent": False}
    assert "999" not in texts[0]
    # A phone in a hurry: what it is and the one thing to do now; the other steps on request.
    assert "Start here:" in texts[0] and len(texts[0].split()) <= 80
    payloads = [b["payload"] for m in messages for b in (m.get("buttons") or [])]
    assert "/followup_steps" in payloads
    assert "/audience_parent" in payloads and "/audience_professional" in payloads


def test_safety_net_flag_makes_any_topic_urgent():
    texts, payload, _, _ = run(ActionSignpost(), tracker("grooming", safety_urgent=True))
    assert payload["urgent"] is True
    assert "999" in texts[0]


def test_parent_audience_from_metadata_gets_adult_services_and_is_remembered():
    texts, payload, events, messages = run(ActionSignpost(), tracker("bullying", metadata={"audience": "parent"}))
    ids = [s["id"] for s in payload["services"]]
    assert ids[0] == "respectme"
    assert SlotSet("audience", "parent") in events
    payloads = [b["payload"] for m in messages for b in (m.get("buttons") or [])]
    assert "/audience_parent" not in payloads


def test_urgent_parent_reply_starts_with_999_without_childline_first():
    texts, payload, _, _ = run(ActionSignpost(), tracker("self_harm", slots={"audience": "parent"}, safety_urgent=True))
    assert texts[0].startswith("If a child is in danger now, call 999")
    assert payload["services"][0]["id"] == "emergency_999"


def test_saying_you_are_a_teacher_reanswers_the_last_topic_for_staff():
    t = tracker("audience_professional", slots={"last_intent": "image_sharing", "last_urgent": False})
    texts, payload, events, _ = run(ActionSetAudience(), t)
    assert payload["topic"] == "image_sharing"
    assert payload["services"][0]["id"] == "national_child_protection_guidance"
    assert SlotSet("audience", "professional") in events


def test_audience_change_after_urgent_reply_keeps_emergency_first():
    t = tracker("audience_parent", slots={"last_intent": "grooming", "last_urgent": True})
    texts, payload, _, _ = run(ActionSetAudience(), t)
    assert "999" in texts[0] and payload["urgent"] is True


def test_privacy_question_is_answered_plainly():
    texts, payload, _, _ = run(ActionSmallTalk(), tracker("ask_privacy"))
    assert "don't need to give your name" in texts[0]
    assert payload["topic"] is None


def test_clarify_offers_every_topic_and_all_services():
    _, _, _, messages = run(ActionClarify(), tracker("out_of_scope"))
    payloads = [b["payload"] for m in messages for b in (m.get("buttons") or [])]
    assert "/show_services" in payloads
    assert len(payloads) == 11


@pytest.mark.parametrize("audience,first", [("young_person", "childline"), ("parent", "nspcc_helpline"), ("professional", "posh")])
def test_show_services_lists_services_for_the_audience(audience, first):
    _, payload, _, _ = run(ActionShowServices(), tracker("show_services", slots={"audience": audience}))
    assert payload["services"][0]["id"] == first


def test_only_changed_slots_are_sent_back():
    from rasa_sdk.events import FollowupAction

    from actions.dispatch import changes_only

    t = Tracker.from_dict({"sender_id": "t", "slots": {"audience": "parent", "age": None, "app": "Snapchat"},
                           "latest_message": {}, "events": []})
    events = [SlotSet("audience", "parent"), SlotSet("age", 14), SlotSet("app", None), FollowupAction("x"),
              SlotSet("audience", "professional"), SlotSet("audience", "parent")]
    assert changes_only(events, t) == [SlotSet("age", 14), SlotSet("app", None), FollowupAction("x"),
                                       SlotSet("audience", "professional"), SlotSet("audience", "parent")]
