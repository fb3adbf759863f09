"""Follow-through. Each follow-up kind (will I get in trouble; will my parents / the
school find out; delete, block or report first; can they see I reported them; what happens
when I call; is it my fault; who can I talk to / who do I tell; what now; how do I report it on
<app>) after five topics for each audience (young person, parent, staff), through the real API,
model and action server. The same conversations are Rasa test stories in tests/test_stories.yml
(`make test-stories`); the defects the content review found have their own conversations below.

Each answer must be the one for the conversation's topic or situation, audience and age (the
text comes from bot/content/questions.yml through bot.domain.content.question), never the generic
"whatever the worry" list.
"""
import pytest

from bot.domain import content, taxonomy
from tests.support import check

GENERIC = "whatever the worry"
EMERGENCY_YP = "If you are in danger now, call 999"
FRIEND = "kind of you to want to help your friend"

# (opening, intent answered, urgent as the risk step reads it today) and the follow-up questions each audience asks.
OPENINGS = {
    "young_person": [
        ("people in my class keep posting mean stuff about me", "bullying", False),
        ("someone is sharing my nudes around school", "image_sharing", False),
        ("an older guy online keeps telling me to keep our chats secret", "grooming", False),
        ("my account got hacked and they want money to give it back", "scams_hacking", False),
        ("i forwarded her nudes to my mates", "someone_elses_image", False),
        ("my boyfriend checks my phone and tells me who i can see", "relationship_abuse", False),
    ],
    "parent": [
        ("my son is being bullied online by boys in his class", "bullying", False),
        ("my daughter's nudes are being shared around her school", "image_sharing", False),
        ("my daughter has been talking to a man on instagram", "grooming", False),
        ("my 15 year old son has been selling drugs for older boys and they gave him a phone", "exploitation", True),
        ("i found cuts on my daughter's arms", "self_harm", True),
    ],
    "professional": [
        ("one of my pupils is being bullied in a class group chat", "bullying", False),
        ("a pupil told me her nudes are being shared", "image_sharing", False),
        ("a pupil told me an adult she met on tiktok keeps asking her to keep secrets", "grooming", False),
        ("a pupil told me she has been self harming", "self_harm", True),
        ("one of my pupils is sharing far right videos in the class group chat", "radicalisation", False),
    ],
}
QUESTIONS = {
    "young_person": [("will i get in trouble", "trouble"), ("will my parents find out", "find_out"),
                     ("should i delete, block or report first", "first"), ("can they see i reported them", "anonymous"),
                     ("what happens when i call", "call"), ("is it my fault", "fault"), ("who can i talk to", "talk"),
                     ("who do i tell", "talk"), ("what now", "steps"), ("how do i report it on snapchat", "how_report")],
    "parent": [("will she get in trouble", "trouble"), ("will the school find out", "find_out"),
               ("should i delete, block or report first", "first"), ("can they see i reported them", "anonymous"),
               ("what happens when i call", "call"), ("is it my fault", "fault"), ("who can i talk to", "talk"),
               ("what now", "steps"), ("how do i report it on snapchat", "how_report")],
    "professional": [("will the pupil get in trouble", "trouble"), ("will the parents find out", "find_out"),
                     ("should i delete, block or report first", "first"), ("can they see i reported them", "anonymous"),
                     ("what happens when i call", "call"), ("is it her fault", "fault"), ("who should i tell", "talk"),
                     ("what now", "steps"), ("how do i report it on snapchat", "how_report")],
}


def expected(kind, intent, audience, urgent):
    """What the answer to a follow-up must show, from the content for this topic and audience."""
    topic = taxonomy.topic_for(intent) or content.situation_topic(intent)
    expect = dict(topic=topic, lacks=[GENERIC])  # urgency is the risk step's (tests/test_risk_step.py)
    if kind == "talk":
        expect["has"] = [content.question("talk", intent, audience), "You can talk to someone now"]
    elif kind == "steps":
        expect["has"] = [content.guidance(intent, audience).steps[0]]
    elif kind == "how_report":
        expect["has"] = ["How to report it"] + (["report button in Snapchat"] if taxonomy.is_reportable(topic) else [])
    else:
        expect["has"] = ["About your question:", content.question(kind, intent, audience)]
    return expect


def matrix():
    for audience, openings in OPENINGS.items():
        for opening, intent, urgent in openings:
            turns = [(opening, dict(topic=taxonomy.topic_for(intent) or content.situation_topic(intent)))]
            turns += [(said, expected(kind, intent, audience, urgent)) for said, kind in QUESTIONS[audience]]
            yield f"{audience}: {intent}", audience, turns


MATRIX = {name: (audience, turns) for name, audience, turns in matrix()}

# The defects the content review found, each as the conversation that showed it.
DEFECTS = {
    "a parent's 'who can i talk to' after exploitation is about exploitation": ("parent", [
        # A suspicion, not yet a disclosure: ongoing exploitation told as fact is urgent (the risk
        # step), and this test is about the follow-up keeping its topic.
        ("i think older boys might be getting my 15 year old son to sell drugs, he has a second phone",
         dict(topic="exploitation", urgent=False)),
        ("who can i talk to", dict(topic="exploitation", lacks=GENERIC, services=["nspcc_helpline"],
                                   no_services=["childline", "emergency_999"])),
    ]),
    "who can i talk to after an emergency has passed keeps the topic": ("young_person", [
        ("someone i met online wants to meet me tonight", dict(urgent=True, topic="grooming")),
        ("im safe now", dict(urgent=False)),
        ("who can i talk to", dict(topic="grooming", urgent=False, lacks=GENERIC, no_services=["emergency_999"])),
    ]),
    "safe now but feeling low gets the self-harm support": ("young_person", [
        ("i want to kill myself", dict(urgent=True, topic="self_harm")),
        ("It's ok I'm safe now, I just feel really low",
         dict(urgent=False, topic="self_harm", has="glad you are safe", services=["childline", "shout", "samaritans"],
              no_services=["police_scotland", "emergency_999"])),
    ]),
    "a detail never swallows the concern: 19 and low": ("young_person", [
        ("i'm 19 and i feel really low", dict(topic="self_harm", lacks="Thanks for telling me",
                                              services=["samaritans", "shout", "breathing_space"],
                                              no_services=["childline"])),
    ]),
    "a forwarder asking about trouble gets the honest answer": ("young_person", [
        ("i forwarded her nudes to my mates", dict(topic="image_sharing", lacks=FRIEND)),
        ("will i get in trouble", dict(has=["against the law", "protect young people", "Delete it"],
                                       lacks=["not the one who did wrong", "help you, not blame you"])),
    ]),
    "own sexual thoughts and trouble is not the CEOP text": ("young_person", [
        ("im worried about my own sexual thoughts", dict(topic="grooming")),
        ("will i get in trouble", dict(has="right thing to do", lacks=["CEOP", "asks a young person for pictures"])),
    ]),
    "unwanted messages from a stranger are not bullying; deleting the account is answered": ("young_person", [
        ("a random guy keeps messaging me and i dont want him to", dict(topic="grooming")),
        ("should i delete my account", dict(topic="grooming", has="Don't delete your account")),
    ]),
    "a coach privately messaging a pupil is grooming, not bullying": ("young_person", [
        ("my football coach keeps messaging me on snapchat", dict(topic="grooming", lacks="Being bullied")),
    ]),
    "a boyfriend who hits her is an abusive relationship, an adult boyfriend is grooming": ("young_person", [
        ("my boyfriend hits me when hes angry and im scared to leave him", dict(urgent=True, topic="relationship_abuse")),
    ]),
    "an adult boyfriend of a 14-year-old is grooming": ("young_person", [
        ("im 14 and my boyfriend is 22, he hits me when hes angry", dict(urgent=True, topic="grooming")),
    ]),
}


def run(chat, name, audience, turns):
    session = None
    for index, (said, expect) in enumerate(turns):
        fields = {"message": said}
        if audience != "young_person":
            fields["audience"] = audience
        reply = chat(session_id=session, **fields) if session else chat(**fields)
        session = reply["session_id"]
        check(reply, expect, f"{name}, turn {index + 1}: {said}")


@pytest.mark.fast
def test_each_follow_up_kind_is_covered_for_five_topics_and_every_audience():
    for audience in OPENINGS:
        kinds = {kind for _, kind in QUESTIONS[audience]}
        assert {"trouble", "find_out", "first", "anonymous", "call", "fault", "talk", "steps", "how_report"} <= kinds
        assert len({taxonomy.topic_for(i) or content.situation_topic(i) for _, i, _ in OPENINGS[audience]}) >= 5


@pytest.mark.parametrize("name", list(MATRIX))
def test_follow_up_questions(chat, name):
    audience, turns = MATRIX[name]
    run(chat, name, audience, turns)


@pytest.mark.parametrize("name", list(DEFECTS))
def test_issue_19_defect(chat, name):
    audience, turns = DEFECTS[name]
    run(chat, name, audience, turns)
