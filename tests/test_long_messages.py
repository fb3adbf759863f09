"""Issue 9: long, messy messages — the sentence encoder, urgency sentence by sentence, a second
concern offered as a button, and honest uncertainty (runner-up, likely topics first)."""
import numpy as np
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionClarify
from actions.signpost import ActionSignpost
from bot.nlu import sentence_risk
from bot.domain import uncertainty
from bot.nlu.sentence_encoder import DIMENSIONS, shared_encoder
from bot.nlu.sentences import split_sentences
from tests.support import sent


# -- the encoder (the real int8 ONNX model, no mocks) -------------------------------------------

def test_encoder_gives_unit_vectors_and_padding_does_not_change_them():
    encoder = shared_encoder()
    texts = ["hi", "someone keeps sending me hate on snap and i dont know what to do about it"]
    together = encoder.encode(texts)
    assert together.shape == (2, DIMENSIONS)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-4)
    # Batched with a longer text (so padded) or alone: the same vector.
    assert np.allclose(together[0], encoder.encode_one("hi"), atol=1e-4)


def test_encoder_puts_paraphrases_closer_than_unrelated_worries():
    v = shared_encoder().encode([
        "a boy in my class keeps posting nasty comments about me",
        "some lads from school keep sending me horrible messages",
        "how do i set up parental controls on a new ipad",
    ])
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2


def test_encoder_copes_with_a_message_longer_than_its_window():
    vector = shared_encoder().encode_one("help me please " * 300)
    assert vector.shape == (DIMENSIONS,) and np.isfinite(vector).all()


# -- sentences -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,count", [
    ("i want to kill myself", 1),
    ("My son is 12. He got a phone for Christmas! Now he's on it all night?", 3),
    ("line one is here\nline two is here\n\nand a third line here", 3),
    ("ok. idk. my pal is getting bullied on tiktok and its bad", 1),  # fragments join a sentence
    ("", 1),
])
def test_split_sentences(text, count):
    assert len(split_sentences(text)) == count


# -- the judgement, on labels (pure logic) -------------------------------------------------------

def label(intent, confidence):
    return {"intent": intent, "confidence": confidence}


def test_sentences_name_topics_never_urgency():
    """Issue 18: the sentence classifier was trained on topics; urgency is the risk step's."""
    result = sentence_risk.judge([label("bullying", 0.9), label("self_harm", 0.95), label("bullying", 0.7)])
    assert result["topics"] == ["bullying", "self_harm"] and "urgent" not in result


def test_a_one_sentence_message_is_left_to_the_whole_message_classifier():
    assert sentence_risk.judge([label("self_harm", 0.99)])["topics"] == []


def test_a_second_concern_needs_the_whole_message_to_agree():
    risk = sentence_risk.judge([label("bullying", 0.9), label("scams_hacking", 0.8)])
    agree = [{"name": "bullying", "confidence": 0.7}, {"name": "scams_hacking", "confidence": 0.2}]
    disagree = [{"name": "bullying", "confidence": 0.7}, {"name": "greet", "confidence": 0.2},
                {"name": "thanks", "confidence": 0.05}, {"name": "general_safety", "confidence": 0.04},
                {"name": "grooming", "confidence": 0.01}]
    assert sentence_risk.second_concern(risk, "bullying", agree) == "scams_hacking"
    assert sentence_risk.second_concern(risk, "bullying", disagree) is None
    assert sentence_risk.second_concern(risk, "scams_hacking", [agree[1]]) is None


# -- honest uncertainty --------------------------------------------------------------------------

def ranking(*pairs):
    return [{"name": n, "confidence": c} for n, c in pairs]


def test_a_close_runner_up_is_offered_and_a_clear_answer_has_none():
    close = ranking(("bullying", 0.45), ("grooming", 0.3), ("greet", 0.1))
    clear = ranking(("bullying", 0.9), ("grooming", 0.05))
    assert uncertainty.runner_up(close, "bullying") == "grooming"
    assert uncertainty.runner_up(clear, "bullying") is None


def test_intents_of_one_topic_count_once():
    r = ranking(("sextortion", 0.5), ("image_sharing", 0.3), ("bullying", 0.1))
    assert uncertainty.runner_up(r, "image_sharing") == "bullying"
    assert uncertainty.likely_topics(r) == ["image_sharing", "bullying"]


def test_clarifying_question_offers_the_three_likely_topics_first():
    latest = {
        "text": "...", "intent": {"name": "nlu_fallback", "confidence": 0.2}, "entities": [],
        "intent_ranking": ranking(("nlu_fallback", 0.2), ("grooming", 0.18), ("greet", 0.15),
                                  ("abuse_disclosure", 0.12), ("harmful_content", 0.1),
                                  ("bullying", 0.09), ("general_safety", 0.05)),
    }
    dispatcher = CollectingDispatcher()
    ActionClarify().run(dispatcher, Tracker.from_dict({"sender_id": "t", "latest_message": latest}), {})
    buttons = next(m["buttons"] for m in sent(dispatcher) if m.get("buttons"))
    payloads = [b["payload"] for b in buttons]
    assert payloads[:3] == ["/grooming", "/harmful_content", "/bullying"]
    assert payloads[3:] == ["/something_else", "/show_services"]


def test_signpost_offers_the_runner_up_and_the_second_concern_as_buttons():
    latest = {
        "text": "...", "intent": {"name": "bullying", "confidence": 0.44}, "entities": [],
        "intent_ranking": ranking(("bullying", 0.44), ("grooming", 0.3), ("image_sharing", 0.1)),
        "also": "scams_hacking",
        "safety": {"urgent": False, "categories": [], "intent": None},
    }
    dispatcher = CollectingDispatcher()
    ActionSignpost().run(dispatcher, Tracker.from_dict({"sender_id": "t", "latest_message": latest}), {})
    texts = [m["text"] for m in sent(dispatcher) if m.get("text")]
    buttons = [b["payload"] for m in sent(dispatcher) for b in (m.get("buttons") or [])]
    assert any(t.startswith("You also mentioned") for t in texts)
    assert any(t.startswith("Is this more about") for t in texts)
    assert "/scams_hacking" in buttons and "/grooming" in buttons


# -- end to end through POST /api/v1/chat (real model, real action server) ------------------------

URGENT_STORIES = [
    # an adult in a game asks an 11-year-old to undress on camera (told by a parent)
    "My son is 11 and plays a game online. Tonight I saw that a grown man in the game chat asked "
    "him to take his top off on camera. I've taken the tablet away. What do I do now?",
    # someone known only from an app collecting a 14-year-old from a station tonight
    "my sister is 14 and she's been talking to a guy off an app. she just told me he's coming to "
    "collect her from the station tonight. i'm scared",
    # a sibling who will "do something big" after a night of extremist videos
    "my big brother has been up all night watching those videos again. he keeps saying he's going "
    "to do something big to make them listen. mum is at work.",
    # a "job" turned into a debt, with threats of a beating
    "My 14 year old has been quiet for weeks. Yesterday I found out older boys from the town have "
    "been giving him cash and a second phone. Last night he got a message saying he owes them and "
    "has to do a run tomorrow or they will batter him. What do we do?",
    # dreading school, "killing me", and SI
    "i'm in S3 and dreading school every day. the group chat stuff is killing me. i've been doing "
    "SI again since the weekend and i don't know who to tell.",
]


@pytest.mark.parametrize("message", URGENT_STORIES)
def test_urgent_fact_inside_a_long_story_puts_999_first(chat, message):
    reply = chat(message)
    assert reply["urgent"] is True, reply["topic"]
    first = reply["messages"][0]["text"]
    assert "danger now, call 999" in first.split(".")[0], first
    assert reply["services"][0]["phone"] == "999"


def test_a_worry_with_no_danger_told_is_answered_not_alarmed(chat):
    """Issue 18: messages that "don't feel safe", and no more said: worried signs, not an
    emergency by what is told. The parent gets the topic's answer and its services, and the
    emergency route only if the risk step reads a danger; never a dead end."""
    reply = chat("I found messages on my daughter's phone from someone I don't know. They just don't feel safe. "
                 "I can't say more but I'm really worried.")
    assert reply["topic"] is not None and reply["services"], reply
    assert reply["urgent"] == (reply["services"][0]["id"] == "emergency_999")


@pytest.mark.parametrize("message", [
    "this homework is killing me, can you help me with my maths revision",
    "im dying of boredom in this free period, can you recommend some books like percy jackson",
])
def test_figures_of_speech_are_not_a_crisis(chat, message):
    assert chat(message)["urgent"] is False


def test_a_parents_long_letter_about_first_phone_is_general_safety(chat):
    reply = chat(
        "Our wee one is in P7 and keeps asking for her own phone because all her pals have one. "
        "I'm not against it but I have no idea what age is sensible or what settings to put on it. "
        "Should she have TikTok or Snapchat yet? What do other parents do about screen time?"
    )
    assert reply["topic"] == "general_safety" and reply["urgent"] is False


def test_a_second_concern_in_a_long_message_is_offered(chat):
    reply = chat(
        "my son is 13 and has been getting nasty messages from boys in his class on snapchat. they "
        "call him names and laugh at his posts. also i think someone hacked his fortnite account "
        "last week and bought stuff with my card. what can i do"
    )
    assert reply["topic"] == "bullying"
    also = [m for m in reply["messages"] if m["text"].startswith("You also mentioned")]
    assert also and also[0]["buttons"][0]["payload"] == "/scams_hacking"
