"""Issue 10 without the model: the conversation state rules, the cues they read, language
detection, and the new texts (reading age, no blame, never a child's text for a parent)."""
import pytest
import textstat
import yaml

from bot.domain import content, replies
from bot.domain.content import CONTENT_DIR
from bot.nlu.context_cues import shared_context_cues
from bot.domain.conversation_state import State, escalated, heard, risk_after
from bot.nlu.language import shared_language_detector

from tests.test_content import BLAME


def cues(text):
    return shared_context_cues().read(text).as_dict()


@pytest.mark.parametrize("text,key,value", [
    ("she's 14", "subject_age", 14),
    ("my daughter is 12", "subject_age", 12),
    ("my daughter is 12", "audience", "parent"),
    ("it's on snapchat", "platform", "Snapchat"),
    ("he's an adult", "person", "adult"),
    ("someone i met on roblox keeps messaging me", "person", "stranger"),
    ("my best friend is being bullied", "subject", "friend"),
    ("my little sister is getting messages", "subject", "sibling"),
    ("he wants me to send pics of myself", "escalation", "image_request"),
    ("we're meeting at the shopping centre on saturday", "escalation", "meeting"),
    ("last night he pushed me", "escalation", "violence"),
    ("he's going to do something at the mosque on friday", "escalation", "threat"),
    ("he wants money", "escalation", "money_demand"),
    ("should i just pay", "question", "pay"),
    ("will they know it was me", "question", "anonymous"),
    ("can the school do anything", "question", "school"),
    ("i'm safe now", "safe", True),
])
def test_cues(text, key, value):
    assert cues(text)[key] == value


@pytest.mark.parametrize("text,only", [
    ("she's 14", True), ("it's on snapchat", True), ("he's an adult", True), ("my daughter is 12", True),
    ("i'm 13", True), ("someone i met on roblox keeps messaging me", False),
    ("they also hacked into his account", False), ("my son is being bullied on snapchat", False),
])
def test_detail_only(text, only):
    assert cues(text)["detail_only"] is only


def test_a_parent_writes_about_a_child_of_12():
    state = heard(State(), cues("my daughter is 12"))
    assert (state.writer, state.subject, state.subject_age, state.audience, state.age) == (
        "parent", "child", 12, "parent", 12)
    state = heard(state, cues("she's been chatting to someone older on discord"))
    assert (state.writer, state.other_person, state.app) == ("parent", "adult", "Discord")


def test_a_friend_helping_a_friend():
    state = heard(State(), cues("my friend sent a pic to her bf"))
    assert (state.writer, state.subject, state.audience) == ("friend", "friend", "young_person")
    state = heard(state, cues("she's 14"))
    assert state.subject_age == 14 and state.age == 14


def test_a_young_person_says_the_other_person_is_19():
    state = heard(State(writer="young_person", subject="self", writer_age=14), cues("he's 19"))
    assert state.other_person == "adult" and state.age == 14


@pytest.mark.parametrize("state,intent,escalation,expected,risk_urgent", [
    (State(intent="grooming", other_person="stranger"), "image_sharing", "image_request", ("grooming", True), False),
    (State(intent="image_sharing"), "add_detail", "money_demand", ("sextortion", True), False),
    (State(intent="grooming"), "add_detail", "meeting", ("grooming", True), False),
    (State(intent="bullying"), "add_detail", "meeting", ("add_detail", False), False),
    (State(intent="relationship_abuse"), "danger", "violence", ("relationship_abuse", True), True),
    (State(intent="radicalisation"), "harmful_content", "threat", ("radicalisation", True), True),
    # A threat's words the risk step did not find urgent ("my mum will kill me"): not a threat.
    (State(intent="bullying"), "bullying", "threat", ("bullying", False), False),
    (State(intent="bullying"), "scams_hacking", None, ("scams_hacking", False), False),
    (State(intent="grooming", other_person="adult", writer="young_person", writer_age=20), "image_sharing",
     "image_request", ("image_sharing", False), False),
])
def test_escalation_keeps_the_topic(state, intent, escalation, expected, risk_urgent):
    answered, urgent, _ = escalated(state, intent, escalation, risk_urgent)
    assert (answered, urgent) == expected


def test_urgent_until_safe():
    assert risk_after(False, "bullying", "urgent") == "urgent"
    assert risk_after(False, "bullying", "none") == "concern"
    assert risk_after(True, None, "none") == "urgent"


@pytest.mark.parametrize("text", [
    "Ktoś mnie szantażuje moimi zdjęciami i chce pieniędzy. Co mam zrobić?",
    "ktos mnie szantazuje zdjeciami, chce pieniedzy",
    "Mă amenință că îmi trimite pozele la toată școala",
])
def test_other_languages_are_found(text):
    assert shared_language_detector().foreign_language(text)


@pytest.mark.parametrize("text", [
    "kms", "idk", "wyd", "idk how to say it", "tbh ngl he lowkey sus fr", "ma wee pal is gettin slagged aff on snap",
    "how do i report a post on tiktok", "someone i met on roblox keeps messaging me", "what age is whatsapp for",
])
def test_english_and_slang_stay_english(text):
    assert shared_language_detector().foreign_language(text) is None


def _young_texts():
    questions = yaml.safe_load(open(CONTENT_DIR / "questions.yml", encoding="utf-8"))
    friend = yaml.safe_load(open(CONTENT_DIR / "friend.yml", encoding="utf-8"))
    texts = [t for answers in questions["young_person"].values() for t in answers.values()]
    texts += [friend["intro"]] + [s for steps in friend["steps"].values() for s in steps]
    texts += [content.small_talk(k, "young_person")[0] for k in ("hesitation", "capabilities")]
    texts += [content.conversation(k) for k in ("safe_now", "not_english", "detail_no_topic", "detail_ack")]
    return texts


@pytest.mark.parametrize("text", _young_texts())
def test_new_young_person_texts_are_plain_and_never_blame(text):
    assert textstat.flesch_kincaid_grade(text) <= 6, text
    assert not BLAME.search(text)
    assert "won't get in trouble" not in text.lower() and "wont get in trouble" not in text.lower()


def test_enough_questions_per_topic():
    questions = yaml.safe_load(open(CONTENT_DIR / "questions.yml", encoding="utf-8"))["young_person"]
    for intent in ("bullying", "image_sharing", "grooming", "radicalisation"):
        assert len(questions[intent]) >= 5, intent
    for intent in ("self_harm", "relationship_abuse", "scams_hacking", "exploitation", "harmful_content",
                   "general_safety"):
        assert len(questions[intent]) >= 2, intent


def test_a_parent_never_gets_a_child_s_answer():
    young = yaml.safe_load(open(CONTENT_DIR / "questions.yml", encoding="utf-8"))["young_person"]
    for kind in ("pay", "trouble", "tell_parents", "report", "anonymous", "delete", "school", "block"):
        answer = content.question(kind, "sextortion", "parent")
        assert all(answer not in answers.values() for answers in young.values())
    reply = replies.signpost("grooming", "parent", False, writer="friend")
    assert "kind of you to want to help" not in " ".join(m["text"] for m in reply.messages)


def test_not_english_reply_leads_with_999_and_childline():
    reply = replies.not_english("polish")
    assert reply.urgent and reply.messages[0]["text"].startswith("If you are in danger now, call 999")
    assert reply.services[:2] == ["emergency_999", "childline"]
    assert reply.payload()["language"] == "polish"


def test_hesitation_is_gentle_unless_there_is_a_risk():
    calm = replies.hesitation("young_person", urgent=False)
    assert not calm.urgent and "Take your time" in calm.messages[0]["text"]
    assert replies.hesitation("young_person", urgent=True).messages[0]["text"].startswith("If you are in danger")
