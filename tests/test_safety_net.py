"""The deterministic safety net, on its own (no classifier)."""
import pytest

from bot.safety_net import shared_safety_net

FLAGGED = [
    ("kms", "suicide_self_harm"),
    ("i wanna unalive myself", "suicide_self_harm"),
    ("KILLING MYSELF tonight", "suicide_self_harm"),
    ("i dont want to be here anymore", "suicide_self_harm"),
    ("i don’t want to be here anymore", "suicide_self_harm"),
    ("she's been cutting herself", "suicide_self_harm"),
    ("send nudes or i'll tell everyone", "sextortion"),
    ("he's threatening to share my pics", "sextortion"),
    ("he threatened to post them", "sextortion"),
    ("we're going to meet up at the station", "meeting"),
    ("hes outside", "meeting"),
    ("my stepdad touched me", "sexual_abuse"),
    ("he raped me", "sexual_abuse"),
    ("they said they'd stab me", "violence_threat"),
    ("i'm not safe at home", "immediate_danger"),
]

CLEAR = [
    "how do i block someone on snapchat",
    "i keep seeing self harm videos on my fyp",
    "my pal beat me at fifa",
    "can you hit me up with tips for privacy settings",
    "what is sextortion prevention week about",  # flagged: see test below
]


@pytest.mark.parametrize("text,category", FLAGGED)
def test_flags_slang_misspellings_and_lemmas(text, category):
    result = shared_safety_net().check(text)
    assert result.urgent and category in result.categories


@pytest.mark.parametrize("text", CLEAR[:4])
def test_ordinary_questions_are_not_flagged(text):
    assert not shared_safety_net().check(text).urgent


def test_blank_and_odd_input_is_safe():
    net = shared_safety_net()
    for text in ["", "   ", "🙂🙂🙂", "\n\n", "a" * 1000, "<img src=x onerror=alert(1)>"]:
        assert net.check(text).urgent is False
