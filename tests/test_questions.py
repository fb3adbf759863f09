"""Issue 19: the follow-up questions people ask next, answered for the topic or situation, the
audience and the age, with content a safeguarding lead signs (bot/content/questions.yml,
bot/domain/replies.py). No model needed; the same conversations through the API and the Rasa stories
are in tests/test_followup_conversations.py and tests/test_stories.yml."""
import re

import pytest
import yaml

from bot.domain import content, replies
from bot.domain.content import CONTENT_DIR
from bot.nlu.context_cues import shared_context_cues
from bot.domain.conversation_state import State, heard
from tests.test_safeguarding import KEEPS_EVIDENCE, NUDE_RULE, REPORT_INSTEAD

QUESTIONS = yaml.safe_load(open(CONTENT_DIR / "questions.yml", encoding="utf-8"))
AUDIENCES = [("young_person", 14), ("young_person", 19), ("parent", 14), ("professional", 14)]
TOPICS = ["bullying", "image_sharing", "sextortion", "grooming", "self_harm", "relationship_abuse",
          "scams_hacking", "exploitation", "radicalisation", "harmful_content"]


def all_answers():
    for block, intents in QUESTIONS.items():
        for intent, answers in intents.items():
            if isinstance(answers, str):  # a flat block: kind -> text
                yield f"{block}.{intent}", answers
                continue
            for kind, text in answers.items():
                yield f"{block}.{intent}.{kind}", text


def text_of(reply):
    return "\n".join(m["text"] for m in reply.messages)


# ---- content rules ------------------------------------------------------------------------------
@pytest.mark.parametrize("key,text", list(all_answers()))
def test_every_keep_the_evidence_answer_has_the_nude_image_exception(key, text):
    """'Keep the messages' never without 'never keep, screenshot or send on a nude ... report it'."""
    if KEEPS_EVIDENCE.search(text) or re.search(r"\bkeep (their|the) messages\b|keep the evidence", text, re.I):
        assert NUDE_RULE.search(text), key
        assert REPORT_INSTEAD.search(text), key


OVER_PROMISES = re.compile(
    r"not told who reported|don'?t tell (the other person|people|the person) who reported|kept confidential|"
    r"can often stay private|never (be )?told|no one will (ever )?know|won'?t get in trouble|day or night, breathing|"
    r"breathing space will listen, day or night|talk to childline or fearless", re.I)


@pytest.mark.parametrize("key,text", list(all_answers()))
def test_no_answer_over_promises_confidentiality_or_hours(key, text):
    assert not OVER_PROMISES.search(text), key


def test_ceop_and_the_police_are_said_to_be_not_anonymous():
    for audience, age in AUDIENCES:
        answer = content.question("anonymous", "grooming", audience, age)
        assert re.search(r"not anonymous", answer), (audience, age, answer)


# ---- the situation chooses the answer (High #1) ---------------------------------------------------
def test_a_forwarder_asking_will_i_get_in_trouble_gets_the_honest_answer():
    answer = content.question("trouble", "someone_elses_image", "young_person", 14)
    assert "against the law" in answer and "even between young people" in answer
    assert "protect young people" in answer
    assert "Delete it" in answer and "don't send it again" in answer and "Childline" in answer
    assert "not the one who did wrong" not in answer and "help you, not blame you" not in answer


@pytest.mark.parametrize("audience,age", [("parent", 14), ("professional", 14), ("young_person", 19)])
def test_a_forwarder_s_trouble_answer_is_honest_for_adults_and_young_adults(audience, age):
    answer = content.question("trouble", "someone_elses_image", audience, age)
    assert "against the law" in answer and "is not to blame" not in answer and "victim" not in answer


def test_own_sexual_thoughts_and_trouble_is_not_the_ceop_text():
    answer = content.question("trouble", "own_sexual_thoughts", "young_person", 15)
    assert "CEOP" not in answer and "asks a young person for pictures" not in answer
    assert "right thing to do" in answer


def test_a_witness_is_not_told_they_did_wrong_nor_promised_no_trouble():
    answer = content.question("trouble", "witness_image", "young_person", 14)
    assert "right thing to do" in answer and "won't get in trouble" not in answer


def test_a_situation_never_falls_back_to_its_topic_s_answer():
    # image_sharing.report is "Report Remove ... a nude of you"; someone else's nude is not yours
    assert "a nude of you" not in content.question("report", "someone_elses_image", "young_person", 14)
    assert content.question("trouble", "image_sharing", "young_person", 14) != \
        content.question("trouble", "someone_elses_image", "young_person", 14)


# ---- every common follow-up question gets a direct answer per topic -------------------------------
KINDS = ["trouble", "find_out", "first", "call", "fault", "anonymous", "delete", "block"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("audience,age", AUDIENCES)
def test_each_kind_has_its_own_answer_for_every_topic_and_audience(kind, audience, age):
    """Never the 'should i tell my parents' fallback for another question."""
    fallback_key = "tell_parents" if audience == "young_person" and age < 18 else "report"
    block = "young_adult" if age >= 18 else ("adult" if audience != "young_person" else "young_person")
    fallback = content.question(fallback_key, None, audience, age)
    for intent in TOPICS:
        answer = content.question(kind, intent, audience, age)
        assert answer and (kind == fallback_key or answer != fallback), (kind, intent, audience, age)


@pytest.mark.parametrize("intent", ["exploitation", "grooming", "bullying", "self_harm", "scams_hacking"])
@pytest.mark.parametrize("audience,age", AUDIENCES)
def test_who_can_i_talk_to_answers_for_the_current_topic(intent, audience, age):
    reply = replies.answer_question("talk", intent, audience, urgent=False, age=age)
    assert reply.topic == replies.topic_of(intent)
    assert "whatever the worry" not in text_of(reply) and "You can talk to someone now" in text_of(reply)
    assert reply.services and "emergency_999" not in reply.services
    own = replies.follow_up("talk", intent, audience, False, age).services
    assert reply.services == own
    topic_lines = [s for s in content.guidance(intent, audience, age).services if s in own]
    assert own[:len(topic_lines)] == topic_lines  # the worry's own lines first


def test_who_can_i_talk_to_after_an_emergency_keeps_999_first_and_the_topic():
    reply = replies.answer_question("talk", "sextortion", "young_person", urgent=True, age=14)
    assert reply.urgent and reply.services[:2] == ["emergency_999", "childline"] and reply.topic == "image_sharing"


def test_a_parent_asking_who_can_i_talk_to_about_exploitation_gets_adult_lines():
    reply = replies.answer_question("talk", "exploitation", "parent", urgent=False)
    assert reply.topic == "exploitation" and "childline" not in reply.services
    assert "nspcc_helpline" in reply.services


def test_what_now_is_the_topic_s_steps():
    reply = replies.answer_question("steps", "grooming", "parent", urgent=False)
    assert reply.topic == "grooming" and content.guidance("grooming", "parent").steps[0] in text_of(reply)


def test_how_do_i_report_it_on_an_app_names_the_app():
    reply = replies.follow_up("report", "bullying", "young_person", False, 14, platform="Instagram")
    assert "report button in Instagram" in text_of(reply)


def test_talk_before_any_topic_gets_lines_to_call_not_a_dead_end():
    reply = replies.answer_question("talk", None, "young_person", urgent=False, age=19)
    assert reply.services and "childline" not in reply.services and "samaritans" in reply.services


# ---- safe now ends the emergency line, not the support ---------------------------------------------
@pytest.mark.parametrize("age,lines,never", [
    (15, {"childline", "shout", "samaritans"}, {"police_scotland", "emergency_999", "breathing_space"}),
    (17, {"childline", "shout", "samaritans"}, {"police_scotland", "emergency_999"}),
    (19, {"samaritans", "shout", "breathing_space"}, {"childline", "police_scotland", "emergency_999"}),
])
def test_safe_now_but_feeling_low_gets_the_self_harm_support_for_the_age(age, lines, never):
    reply = replies.safe_now("young_person", age, intent="self_harm", concern="self_harm")
    assert not reply.urgent and reply.topic == "self_harm"
    assert "glad you are safe" in reply.messages[0]["text"]
    assert lines <= set(reply.services) and not never & set(reply.services), reply.services


def test_safe_now_at_17_keeps_breathing_space_behind_more_services():
    """A young person sees the 3 best cards; Breathing Space (16+) is one tap away, not lost."""
    reply = replies.safe_now("young_person", 17, intent="self_harm", concern="self_harm")
    assert "/followup_more" in {b["payload"] for m in reply.messages for b in m["buttons"]}
    more = replies.follow_up("more", "self_harm", "young_person", urgent=False, age=17)
    assert "breathing_space" in more.services


def test_safe_now_keeps_the_topic_s_lines_not_the_police_card():
    reply = replies.safe_now("young_person", 15, intent="relationship_abuse")
    assert not reply.urgent and reply.services and "police_scotland" not in reply.services[:1]
    assert "emergency_999" not in reply.services


# ---- the cues read the follow-up questions and a concern beside a detail ---------------------------
@pytest.mark.parametrize("text,kind", [
    ("who can i talk to", "talk"), ("who do i tell", "talk"), ("who should we tell", "talk"),
    ("what now", "steps"), ("so what do i do now", "steps"),
    ("will my parents find out", "find_out"), ("will the school find out", "find_out"),
    ("will the police be told", "find_out"), ("will his parents find out", "find_out"),
    ("should i delete, block or report first", "first"), ("should i delete my account", "first"),
    ("can they see i reported them", "anonymous"), ("will they know it was me", "anonymous"),
    ("what happens after i call", "call"), ("what happens when i phone childline", "call"),
    ("is it my fault", "fault"), ("was it my fault", "fault"), ("am i a bad parent", "fault"),
    ("will i get in trouble", "trouble"), ("should i just pay", "pay"),
])
def test_the_cues_read_each_follow_up_question(text, kind):
    assert shared_context_cues().read(text).question == kind


@pytest.mark.parametrize("text", ["i'm 19 and i feel really low", "It's ok I'm safe now, I just feel really low",
                                  "im 15 and so depressed", "im safe but i cant cope"])
def test_a_concern_beside_a_detail_or_safe_now_is_read(text):
    cues = shared_context_cues().read(text)
    assert cues.concern == "self_harm" and not cues.detail_only


def test_forwarding_to_my_mates_is_not_a_friend_helping_a_friend():
    cues = shared_context_cues().read("i forwarded her nudes to my mates").as_dict()
    assert cues["situation"] == "someone_elses_image"
    assert heard(State(), cues).writer != "friend"


@pytest.mark.parametrize("text", ["my football coach keeps messaging me on snap", "my pe teacher dms me"])
def test_an_adult_in_a_position_of_trust_is_read_as_such(text):
    assert shared_context_cues().read(text).person == "teacher"


@pytest.mark.parametrize("name", content.situations())
def test_situation_texts_never_promise_no_trouble(name):
    """services.md rule 6: never 'you won't get in trouble', not even 'for telling'."""
    data = yaml.safe_load(open(CONTENT_DIR / "situations" / f"{name}.yml", encoding="utf-8"))
    joined = yaml.safe_dump(data).lower()
    assert "won't get in trouble" not in joined and "wont get in trouble" not in joined
