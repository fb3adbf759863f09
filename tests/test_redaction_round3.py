"""What still slipped through redaction (round three), kept apart from the
first table (tests/test_redaction.py). The classifier and the safety net read the original
text in memory; these check what is stored and logged."""
import pytest

from bot.domain.redaction import redact, stored_parse_data

# (text, what must be gone, the placeholder that replaces it)
REDACTED = [
    # names, introduced by the writer
    ("I'm Zyxwanda", "Zyxwanda", "[name]"),
    ("im zyxwanda", "zyxwanda", "[name]"),
    ("hi im zyxwanda and im 14", "zyxwanda", "[name]"),
    ("hey I'm Zyxwanda Qorbett, can you help", "Qorbett", "[name]"),
    ("Hi I'm Grace", "Grace", "[name]"),
    ("i am zyxwanda", "zyxwanda", "[name]"),
    ("my names zyxwanda", "zyxwanda", "[name]"),
    ("my first name is zyxwanda", "zyxwanda", "[name]"),
    ("my full name is Zyxwanda Qorbett", "Qorbett", "[name]"),
    ("my real name is zyx", "zyx", "[name]"),
    ("my surname is qorbett", "qorbett", "[name]"),
    ("name: zyxwanda qorbett", "qorbett", "[name]"),
    ("Name - Zyxwanda", "Zyxwanda", "[name]"),
    ("my name is zyxwanda qorbett", "qorbett", "[name]"),
    ("my name is sam smith and im 12", "smith", "[name]"),
    ("my name is grace", "grace", "[name]"),
    ("my name's zyxwanda btw", "zyxwanda", "[name]"),
    ("its Zyxwanda here", "Zyxwanda", "[name]"),
    # other people's names
    ("a man called Qorbin keeps messaging me", "Qorbin", "[name]"),
    ("a guy called dave zyxley added me", "zyxley", "[name]"),
    ("this girl named Zyxwanda is spreading rumours", "Zyxwanda", "[name]"),
    ("someone called qorbin99 on roblox", "qorbin99", "[name]"),
    ("his name is Qorbin", "Qorbin", "[name]"),
    ("her name's zyxwanda", "zyxwanda", "[name]"),
    ("Mr Qorbett my teacher", "Qorbett", "[name]"),
    ("mr qorbett keeps texting me", "qorbett", "[name]"),
    ("Mrs. Zyxley saw it", "Zyxley", "[name]"),
    ("Miss Zyxley told the class", "Zyxley", "[name]"),
    ("he's called Qorbin", "Qorbin", "[name]"),
    ("an account called zyx_leaks posted it", "zyx_leaks", "[name]"),
    # handles
    ("add me on snap qorbzyx99", "qorbzyx99", "[handle]"),
    ("snap: qorbzyx99", "qorbzyx99", "[handle]"),
    ("snap: qorbzyx", "qorbzyx", "[handle]"),
    ("my snap qorbzyx99", "qorbzyx99", "[handle]"),
    ("insta - zyx.wanda", "zyx.wanda", "[handle]"),
    ("his tiktok is dark_lord666", "dark_lord666", "[handle]"),
    ("follow me on tiktok qorbzyx", "qorbzyx", "[handle]"),
    ("discord: zyxwanda#1234", "zyxwanda", "[handle]"),
    ("he added me on insta zyx_99 and wont stop", "zyx_99", "[handle]"),
    ("my xbox is QorbZyx", "QorbZyx", "[handle]"),
    # e-mail addresses written to dodge filters
    ("x@gmail", "x@gmail", "[email]"),
    ("email me zyx@gmail", "zyx", "[email]"),
    ("zyx @ gmail . com", "zyx", "[email]"),
    ("zyx at gmail", "zyx", "[email]"),
    ("zyx.wanda at hotmail dot com", "zyx.wanda", "[email]"),
    ("its zyx @ outlook", "zyx", "[email]"),
    ("qorb @ example . co . uk", "qorb", "[email]"),
    # streets with no number
    ("i live on Rose Street", "Rose", "[address]"),
    ("he lives on kelvin road", "kelvin", "[address]"),
    ("she stays near Mill Lane in town", "Mill", "[address]"),
    ("outside the shop on Qorbett Avenue", "Qorbett", "[address]"),
    # spaced postcodes
    ("F K 1 2 A B", "F K 1", "[postcode]"),
    ("my postcode is E H 1 2 A B", "E H 1", "[postcode]"),
    ("FK1 2 A B", "FK1", "[postcode]"),
    ("g 1 2 a b", "g 1 2", "[postcode]"),
    # bare domains
    ("go on qorbzyx.com", "qorbzyx", "[link]"),
    ("my site is zyxwanda.co", "zyxwanda", "[link]"),
    ("check qorbzyx.fun", "qorbzyx", "[link]"),
    ("qorbzyx dot com has my pics", "qorbzyx", "[link]"),
    # phone numbers in words
    ("oh seven seven oh oh nine oh oh one two three", "nine oh oh", "[phone]"),
    ("zero seven seven double oh nine double oh one two three", "double oh nine", "[phone]"),
    ("text me on 07700 nine oh oh one two three", "one two three", "[phone]"),
]

# Ordinary text that must be stored as it was: what the safety net and the actions rely on, and
# the services the assistant names.
KEPT = [
    "I'm scared",
    "im scared",
    "im 14",
    "I'm 14 and hes 19",
    "i'm being bullied",
    "im not ok",
    "I'm Scottish",
    "im so scared he will find me",
    "im gonna kill myself",
    "i'm in year 9",
    "im gettin bullied on snap",
    "i'm feart",
    "my name is on the list",
    "my name is not important",
    "a guy called me names",
    "a girl called me fat",
    "someone called the police",
    "i miss him",
    "add me on snap please",
    "he added me on snap yesterday",
    "my snap is hacked",
    "snapchat: he keeps messaging me",
    "i called childline",
    "is childline.org.uk real",
    "should i report it to ceop",
    "can i phone Childline",
    "i live in a flat",
    "i live in the street by the park",
    "he hit me at 2",
    "there were 4 5 6 of them",
    "i want to die",
    "one two three four",
    "meet me at the park",
    "i'm at school",
    "I'm a parent",
    "I'm worried about my son",
    "im kinda worried",
    "he is on my street",
    "my mum said no",
    "look at the website",
]


@pytest.mark.fast
@pytest.mark.parametrize("text,gone,placeholder", REDACTED)
def test_round_three_details_are_replaced(text, gone, placeholder):
    out = redact(text)
    assert gone not in out and placeholder in out, out


@pytest.mark.fast
@pytest.mark.parametrize("text", KEPT)
def test_round_three_ordinary_text_survives(text):
    assert redact(text) == text


@pytest.mark.fast
def test_round_three_table_is_big_enough():
    assert len(REDACTED) + len(KEPT) >= 60 and len(KEPT) >= 30


@pytest.mark.fast
def test_the_safety_net_still_sees_what_it_needs():
    """Redaction never removes the words that make a message urgent."""
    from bot.nlu.safety_net import shared_safety_net

    net = shared_safety_net()
    for text in ("im zyxwanda and i want to kill myself", "my name is sam and im going to hurt myself",
                 "a man called Qorbin wants to meet me tonight", "add me on snap qorbzyx99 he said or hell share my nudes"):
        assert net.check(redact(text)).urgent, redact(text)


@pytest.mark.fast
def test_stored_tokens_and_offsets_index_the_redacted_text():
    original = "my name is Zyxwanda Qorbett, im 14 and my teacher said no"
    safe = redact(original)
    parse = {"text": original,
             "text_tokens": [(0, 2), (3, 7), (8, 10), (11, 19), (20, 27)],
             "entities": [{"entity": "age", "value": 14, "start": 32, "end": 34},
                          {"entity": "person", "value": "teacher", "start": 42, "end": 49},
                          {"entity": "age", "value": 14, "start": 11, "end": 19}]}
    stored = stored_parse_data(parse, original, safe)
    assert stored["text"] == safe == "my name is [name], im 14 and my teacher said no"
    # Tokens of the redacted text: nothing reveals how long the name was.
    assert [safe[a:b] for a, b in stored["text_tokens"]][:5] == ["my", "name", "is", "[name]", ","]
    assert all(b <= len(safe) for _, b in stored["text_tokens"])
    age, person, hidden = stored["entities"]
    assert safe[age["start"]:age["end"]] == "14" and safe[person["start"]:person["end"]] == "teacher"
    # An entity whose words were redacted keeps its value but no offsets into the original.
    assert "start" not in hidden and "end" not in hidden
    assert parse["text"] == original  # the parse the NLU made is not changed in place


def test_the_stored_conversation_holds_no_name_and_no_original_offsets(client, chat):
    import json

    message = "hi im zyxwanda qorbett, add me on snap qorbzyx99 or email zyx @ gmail . com. im 14"
    reply = chat(message)
    store = client.app.state.assistant.tracker_store
    stored = store.serialised(reply["session_id"])  # Rasa's JSON, as a stored tracker holds it
    for secret in ("zyxwanda", "qorbett", "qorbzyx99", "gmail"):
        assert secret not in stored
    events = json.loads(stored)["events"]
    said = [e for e in events if e.get("event") == "user"][-1]
    text = said["text"]
    # A finished turn keeps no token offsets at all (bot/engine/turn_memory.py); while the turn
    # ran, they indexed the redacted text (bot/domain/redaction.py stored_parse_data).
    tokens = said["parse_data"].get("text_tokens") or []
    assert all(end <= len(text) for _, end in tokens)
    for entity in said["parse_data"].get("entities") or []:
        if "start" in entity:
            assert text[entity["start"]:entity["end"]]
