"""Urgent messages put the emergency route first, every time; ordinary ones do not."""
import pytest

from bot.domain.taxonomy import ADULT_AUDIENCES

URGENT = [
    "i want to kill myself",
    "kms",
    "thinking of unaliving myself tonight",
    "everyone would be better off without me",
    "i cut myself again and it wont stop bleeding",
    "he said if i dont send more pics he'll send the ones he has to my mum",
    "someone is blackmailing me with my nudes and wants £200",
    "send nudes or i'll post the ones you sent before",
    "the guy from snap is picking me up after school tomorrow, dont tell anyone",
    "i'm meeting a man from roblox at the shopping centre on saturday",
    "he's outside my house right now and wont leave",
    "my uncle touches me and says it's our secret",
    "I'm being forced to have sex and I'm only 12 years old",
    "someone is making me do things on camera",
    "i was raped at a party",
    "a boy in my class said he's going to stab me tomorrow",
    "my dad hits me when he's drunk",
]

ORDINARY = [
    "how do i make my instagram private",
    "someone posted a mean comment on my video",
    "what age do you have to be for whatsapp",
    "hi",
    "thanks for the help",
]


@pytest.mark.parametrize("message", URGENT)
def test_urgent_message_leads_with_emergency_route(chat, message):
    reply = chat(message)
    assert reply["urgent"] is True
    first = reply["messages"][0]["text"]
    assert "999" in first and "0800 1111" in first, first
    assert not first.rstrip().endswith("?"), "an urgent reply never opens with a question"
    assert [s["id"] for s in reply["services"][:2]] == ["emergency_999", "childline"]
    assert reply["services"][0]["phone"] == "999"


@pytest.mark.parametrize("audience", ADULT_AUDIENCES)
def test_urgent_reply_for_adults_still_starts_with_999(chat, audience):
    reply = chat("my child says she wants to kill herself", audience=audience)
    assert reply["urgent"] is True
    assert "999" in reply["messages"][0]["text"]
    assert reply["services"][0]["id"] == "emergency_999"


def test_parent_recognised_from_text_gets_999_first_and_adult_services(chat):
    reply = chat("my son says he doesn't want to be alive anymore")
    assert reply["urgent"] is True and reply["topic"] == "self_harm"
    assert reply["messages"][0]["text"].startswith("If a child is in danger now, call 999")
    ids = [s["id"] for s in reply["services"]]
    assert ids[0] == "emergency_999" and "nhs24_111" in ids


def test_you_misunderstood_after_urgent_keeps_emergency_info(chat):
    first = chat("i want to kill myself")
    again = chat("you misunderstood, that's not what i meant", session_id=first["session_id"])
    assert again["urgent"] is True
    assert "999" in again["messages"][0]["text"] and "0800 1111" in again["messages"][0]["text"]
    assert any("Sorry" in m["text"] for m in again["messages"])
    assert any(b["payload"] == "/show_services" for m in again["messages"] for b in m["buttons"])


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_message_is_not_urgent(chat, message):
    reply = chat(message)
    assert reply["urgent"] is False
    assert "999" not in reply["messages"][0]["text"]


@pytest.mark.parametrize("message", ["i want to k\u200bms", "ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ",
                                     "he's out\u200bside my house right now and wont leave"])
def test_a_danger_hidden_by_invisible_or_full_width_characters_still_leads_with_999(chat, message):
    reply = chat(message)
    assert reply["urgent"] is True
    assert "999" in reply["messages"][0]["text"]
