"""Conversations that unfold, through the real API, model and action server.

Each conversation is a list of turns: what the person types (or a button payload, "/...")
and what the answer must show. Checks: topic, urgent, `has`/`lacks` (text anywhere in the
answer), `first` (text in the first message), `services`/`no_services` (card ids),
`first_service`.
"""
import pytest

from tests.support import check

EMERGENCY_YP = "If you are in danger now, call 999"
EMERGENCY_PARENT = "If a child is in danger now, call 999"
FRIEND = "kind of you to want to help your friend"
DETAIL = "Thanks, that helps"
QUESTION = "About your question:"

CONVERSATIONS = {
    # --- writer vs subject; a parent never gets a child's text
    "parent says the age, then what happened": [
        ("my daughter is 12", dict(topic=None, urgent=False, has="advice for parents and carers")),
        ("she's been chatting to someone older on discord",
         dict(topic="grooming", has="Stay calm and listen", lacks=["Stop chatting to them", "never your fault"])),
    ],
    "parent, then the detail of the app": [
        ("my son is 14", dict(topic=None, has="advice for parents and carers")),
        ("he's being bullied in a whatsapp group", dict(topic="bullying", first_service="respectme",
                                                        has="report button in WhatsApp", no_services=["childline"])),
        # already said: never the same reply again, and the cards already shown are not repeated
        ("it's on whatsapp", dict(topic="bullying", has=[DETAIL, "doesn't change what I'd suggest"],
                                  no_services=["respectme"])),
    ],
    "teacher stays a teacher": [
        ("i'm a teacher", dict(topic=None)),
        ("a pupil told me her nudes are being shared", dict(topic="image_sharing",
                                                           first_service="national_child_protection_guidance")),
        ("she's 13", dict(topic="image_sharing", has=DETAIL, no_services=["national_child_protection_guidance"])),
    ],
    "parent asks a question inside the topic": [
        ("my son is being bullied online by boys in his class", dict(topic="bullying", first_service="respectme")),
        ("can the school do anything", dict(topic="bullying", has=[QUESTION, "Schools in Scotland must respond"])),
    ],
    # --- a detail refines the answer
    "friend's picture, then her age": [
        ("my friend sent a pic to her bf and now he's showing everyone", dict(topic="image_sharing", has=FRIEND)),
        ("she's 14", dict(topic="image_sharing", has=DETAIL, services=["childline_report_remove"])),
    ],
    "bullying, then the app": [
        ("someone keeps sending me hate messages", dict(topic="bullying")),
        ("it's on snapchat", dict(topic="bullying", has=[DETAIL, "report button in Snapchat"])),
    ],
    "grooming, then the other person is an adult": [
        ("a guy keeps messaging me and asking what school i go to", dict(topic="grooming")),
        ("he's an adult", dict(topic="grooming", has=DETAIL, no_services=["ceop_safety_centre"])),  # shown already
    ],
    "bullying, then a young adult's age": [
        ("people keep posting mean stuff about me online", dict(topic="bullying")),
        ("i'm 19", dict(topic="bullying", has=DETAIL, no_services=["childline"])),
    ],
    "a detail with no topic yet asks what happened": [
        ("it's on snapchat", dict(topic=None, urgent=False, has="What is happening?")),
        ("someone is sharing my nudes", dict(topic="image_sharing", has="report button in Snapchat")),
    ],
    "a new topic is not a detail": [
        ("someone keeps posting horrible stuff about my kid on insta", dict(topic="bullying")),
        ("they also hacked into his account", dict(topic="scams_hacking", no_services=["childline"])),
    ],
    # --- context changes meaning; escalation keeps the topic and makes it urgent
    "roblox stranger, then a request for pictures": [
        ("someone i met on roblox keeps messaging me", dict(topic="grooming", urgent=False)),
        ("he wants me to send pics of myself",
         dict(topic="grooming", urgent=True, first=EMERGENCY_YP, services=["ceop_safety_centre"],
              lacks="shared your picture without")),
    ],
    "a 14-year-old and a 19-year-old, then a meeting": [
        ("im 14 and im talking to a 19 year old guy on snap", dict(topic="grooming")),
        ("we're meeting at the shopping centre on saturday", dict(topic="grooming", urgent=True, first=EMERGENCY_YP)),
    ],
    "controlling boyfriend, then violence": [
        ("my boyfriend checks my phone and tells me who i can see", dict(topic="relationship_abuse", urgent=False)),
        ("last night he pushed me", dict(topic="relationship_abuse", urgent=True, first=EMERGENCY_YP)),
    ],
    "racist posts, then a threat to a mosque": [
        ("a guy in my discord server keeps posting racist memes and nazi stuff", dict(topic="radicalisation")),
        ("he's going to do something at the mosque on friday", dict(topic="radicalisation", urgent=True,
                                                                  first=EMERGENCY_YP)),
    ],
    "parent: a man online, then a planned meeting": [
        ("my daughter has been talking to a man on instagram", dict(topic="grooming", urgent=False)),
        ("he wants to meet her this weekend", dict(topic="grooming", urgent=True, first=EMERGENCY_PARENT,
                                                   lacks="Stop chatting to them")),
    ],
    "a picture sent, then a demand for money": [
        ("i sent a pic of myself to a guy and now he says hell share it", dict(topic="image_sharing")),
        ("he wants money", dict(topic="image_sharing", urgent=True, first=EMERGENCY_YP)),
    ],
    "bullying, then a threat": [
        ("a boy in my year keeps sending me horrible messages", dict(topic="bullying", urgent=False)),
        ("he said he'll stab me tomorrow", dict(topic="bullying", urgent=True, first=EMERGENCY_YP)),
    ],
    "a 14-year-old says the other person is 19, then a meeting": [
        ("im 14 and talking to a 19 year old", dict(topic="grooming", urgent=False)),
        ("we're meeting at the shopping centre on saturday", dict(topic="grooming", urgent=True, first=EMERGENCY_YP)),
    ],
    "a girlfriend checks the phone, then hits": [
        ("my gf checks my phone all the time", dict(topic="relationship_abuse", urgent=False)),
        ("yesterday she hit me", dict(topic="relationship_abuse", urgent=True, first=EMERGENCY_YP)),
    ],
    "a hacked account and a ransom is not sextortion": [
        ("someone hacked my snapchat", dict(topic="scams_hacking", urgent=False)),
        ("theyre asking me to pay to get it back", dict(topic="scams_hacking", urgent=False)),
    ],
    "nudes sent, then a demand for money": [
        ("i sent nudes to someone i met online", dict(topic="image_sharing")),
        ("now he wants me to pay £200", dict(topic="image_sharing", urgent=True, first=EMERGENCY_YP)),
    ],
    "a friend blackmailed: should she pay": [
        ("my friend is being blackmailed with her nudes", dict(topic="image_sharing", urgent=True, has=FRIEND)),
        ("should she pay", dict(urgent=True, first=EMERGENCY_YP, has="don't pay")),
    ],
    "bullying, the other boy's age, then blocking": [
        ("theres a lad in my year who keeps calling me names on insta", dict(topic="bullying")),
        ("hes 14", dict(topic="bullying", urgent=False, has=DETAIL)),
        ("should i block him", dict(topic="bullying", has="block them if you want to")),
    ],
    # --- once urgent, the emergency line stays first until "i'm safe now"
    "urgent stays urgent on follow-ups and small talk": [
        ("someone says they will share my nudes unless i pay them", dict(topic="image_sharing", urgent=True)),
        ("/followup_report", dict(urgent=True, first=EMERGENCY_YP)),
        ("thanks", dict(urgent=True, first=EMERGENCY_YP)),
    ],
    "i'm safe now ends the emergency line": [
        ("last night he pushed me and im scared", dict(urgent=True)),
        ("i'm safe now", dict(urgent=False, has="glad you are safe")),
        ("thanks", dict(urgent=False)),
    ],
    "urgent grooming, safe, then a question": [
        ("someone i met online wants to meet me tonight", dict(urgent=True)),
        ("im safe now", dict(urgent=False)),
        ("should i tell my parents", dict(urgent=False, has=QUESTION)),
    ],
    # --- perspective: a friend helping a friend
    "a friend's self-harm": [
        ("my best friend says she wants to die", dict(topic="self_harm", urgent=True, first=EMERGENCY_YP,
                                                      has=FRIEND)),
    ],
    "a mate being bullied": [
        ("my mate is getting bullied on insta every day", dict(topic="bullying", has=FRIEND,
                                                              lacks="It is not your fault")),
    ],
    "a friend groomed, then her age": [
        ("my friend is talking to an older guy on snap and he sends her gifts", dict(topic="grooming", has=FRIEND)),
        ("she's 13", dict(topic="grooming", has=[DETAIL, FRIEND])),
    ],
    "a little sister and an older man": [
        ("my little sister is getting messages from an older man on tiktok", dict(topic="grooming",
                                                                                  lacks="Stay calm and listen")),
    ],
    # --- questions inside a topic
    "sextortion: should i just pay": [
        ("someone is blackmailing me with my nudes", dict(topic="image_sharing", urgent=True)),
        ("should i just pay", dict(urgent=True, first=EMERGENCY_YP, has=[QUESTION, "don't pay"])),
        ("will i get in trouble", dict(urgent=True, has="You are not in the wrong")),
    ],
    "bullying: five questions": [
        ("people in my class keep posting mean stuff about me", dict(topic="bullying")),
        ("will they know it was me", dict(topic="bullying", has="Apps don't usually show who made a report")),
        ("should i delete it", dict(topic="bullying", has="Don't delete it yet")),
        ("can the school do anything", dict(topic="bullying", has="Every school in Scotland")),
        ("should i tell my parents", dict(topic="bullying", has="talk to the school")),
        ("will i get in trouble", dict(topic="bullying", has="not telling tales")),
    ],
    "image sharing: questions": [
        ("someone is sharing my nudes around school", dict(topic="image_sharing")),
        ("what happens if i report it", dict(has="Report Remove")),
        ("should i delete it", dict(has="don't keep a copy")),
        ("can the school do anything", dict(has="stop a picture being shared")),
    ],
    "grooming: questions": [
        ("an older guy online keeps telling me to keep our chats secret", dict(topic="grooming")),
        ("should i tell my parents", dict(has="warning sign")),
        ("what happens if i report", dict(has="child protection adviser at CEOP")),
        ("should i delete the chat", dict(has="Don't delete the chat")),
    ],
    "radicalisation: questions": [
        ("my mate keeps sending me far right videos and says we need to fight back", dict(topic="radicalisation")),
        ("will i get in trouble", dict(has="Prevent is support")),
        ("will they know it was me", dict(has="Crimestoppers")),
    ],
    "self harm: should i tell my parents": [
        ("i've been cutting myself", dict(topic="self_harm", urgent=True)),
        ("should i tell my parents", dict(urgent=True, has="Yes, please tell someone")),
    ],
    "scam: should i pay": [
        ("my account got hacked and they want money to give it back", dict(topic="scams_hacking")),
        ("should i pay", dict(has="Paying doesn't get your account back")),
    ],
    "harmful content: what happens if i report": [
        ("i keep seeing really violent videos on my feed", dict(topic="harmful_content")),
        ("what happens if i report it", dict(has="Report Harmful Content can help")),
    ],
    # --- hesitation and capabilities
    "idk how to say it": [
        ("idk how to say it", dict(topic=None, urgent=False, has="Take your time", lacks="999")),
        ("someone is sharing my nudes", dict(topic="image_sharing")),
    ],
    "can u help": [
        ("can u help", dict(topic=None, urgent=False, has="Take your time")),
    ],
    "its hard to explain": [
        ("its hard to explain", dict(topic=None, urgent=False, has="Nothing you say will shock me")),
    ],
    "hesitation with a risk gets the crisis route": [
        ("idk how to say it but i want to kill myself", dict(urgent=True, first=EMERGENCY_YP)),
    ],
    "what can you do": [
        ("what can you do", dict(topic=None, urgent=False, has="I can help with worries",
                                 lacks="cookies")),
    ],
    # --- not English
    "Polish blackmail is never read as a teacher": [
        ("Ktoś mnie szantażuje moimi zdjęciami i chce pieniędzy. Co mam zrobić?",
         dict(topic=None, urgent=True, first=EMERGENCY_YP, has="only understand English",
              first_service="emergency_999", services=["childline"], no_services=["posh"])),
        ("someone is bullying me on insta", dict(topic="bullying", lacks="advice for school staff")),
    ],
    "Polish: I'm a teacher, in Polish": [
        ("Jestem nauczycielką i martwię się o moją uczennicę", dict(topic=None, has="only understand English",
                                                                   no_services=["posh"])),
    ],
    "Romanian": [
        ("Mă amenință că îmi trimite pozele la toată școala", dict(topic=None, urgent=True,
                                                                    has="only understand English")),
    ],
    "short English slang is English": [
        ("kms", dict(urgent=True, lacks="only understand English")),
        ("idk", dict(lacks="only understand English")),
    ],
    "not English mid-conversation keeps the topic": [
        ("people keep posting mean stuff about me online", dict(topic="bullying")),
        ("Nie wiem co robić, proszę pomóż mi", dict(has="only understand English", urgent=True)),
        ("will they know it was me", dict(topic="bullying", has="Apps don't usually show who made a report")),
    ],
}


@pytest.mark.fast
def test_there_are_at_least_40_conversations_with_both_test_kinds():
    assert len(CONVERSATIONS) >= 40


@pytest.mark.parametrize("name", list(CONVERSATIONS))
def test_conversation(chat, name):
    session = None
    for index, (said, expect) in enumerate(CONVERSATIONS[name]):
        fields = {"payload": said} if said.startswith("/") else {"message": said}
        reply = chat(session_id=session, **fields) if session else chat(**fields)
        session = reply["session_id"]
        check(reply, expect, f"{name}, turn {index + 1}: {said}")


def test_not_english_is_counted_in_metrics_without_text(chat, scrape):
    chat("Potrzebuję pomocy, ktoś wysyła mi okropne wiadomości")
    metrics = scrape()
    line = next(l for l in metrics.splitlines() if l.startswith('signpost_chat_language_total{language="polish"}'))
    assert float(line.split()[-1]) >= 1
    assert "wiadomości" not in metrics


def test_not_english_after_the_age_is_known_gives_the_line_for_that_age(chat):
    """19 and over: Samaritans, not Childline (which is for under-19s); before the age, Childline."""
    first = chat("Potrzebuję pomocy, ktoś wysyła mi okropne wiadomości")
    assert "childline" in {c["id"] for c in first["services"]}
    told = chat("im 19", session_id=first["session_id"])
    again = chat("Potrzebuję pomocy, ktoś wysyła mi okropne wiadomości", session_id=told["session_id"])
    ids = {c["id"] for c in again["services"]}
    assert "samaritans" in ids and "childline" not in ids, ids
    assert again["services"][0]["id"] == "emergency_999"


def test_a_detail_that_changes_nothing_is_acknowledged_not_answered_again(chat):
    """Never the same reply again; cards already shown are not shown again."""
    first = chat("people in my year keep posting horrible comments about me on tiktok")
    assert first["topic"] == "bullying" and not first["urgent"]
    detail = chat("im 14", session_id=first["session_id"])
    texts = [m["text"] for m in detail["messages"]]
    assert texts != [m["text"] for m in first["messages"]]
    assert detail["topic"] == "bullying" and len(" ".join(texts).split()) <= 40, texts
    assert not {c["id"] for c in detail["services"]} & {c["id"] for c in first["services"]}


def test_a_detail_that_changes_the_cards_shows_only_the_new_ones(chat):
    first = chat("people in my year keep posting horrible comments about me on tiktok")
    assert not first["urgent"]
    shown = {c["id"] for c in first["services"]}
    older = chat("im 20", session_id=first["session_id"])
    ids = [c["id"] for c in older["services"]]
    assert ids and not set(ids) & shown and "childline" not in ids, (shown, ids)


def test_asking_for_more_services_still_shows_them(chat):
    first = chat("people in my year keep posting horrible comments about me on tiktok")
    talk = chat(payload="/followup_talk", session_id=first["session_id"])
    assert talk["services"], "asked for: shown even if shown before"
