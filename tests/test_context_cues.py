"""Who is writing, the age, the app and the other person, read from the text."""
import pytest

from bot.nlu.context_cues import shared_context_cues


@pytest.mark.parametrize("text,audience", [
    ("My 12 year old son is being picked on in a WhatsApp group", "parent"),
    ("my daughter keeps getting messages from an older man", "parent"),
    ("one of my pupils told me a nude of her is going round", "professional"),
    ("as a teacher what should i do about a sexting incident", "professional"),
    ("im 13 and some guy on snap wants pics", "young_person"),
    ("someone keeps sending me hate", None),
])
def test_audience_from_text(text, audience):
    assert shared_context_cues().read(text).audience == audience


def test_age_platform_and_person():
    cues = shared_context_cues().read("i'm only 11 and a man on roblox keeps asking for pics")
    assert (cues.age, cues.platform, cues.person) == (11, "Roblox", "stranger")
    assert {e["entity"] for e in cues.entities()} == {"age", "platform", "person"}


def test_ordinary_numbers_are_not_ages():
    assert shared_context_cues().read("he sent me 3 pics and £50").age is None
