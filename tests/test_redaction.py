"""Personal details are redacted before anything is stored or logged."""
import pytest

from bot.redaction import redact


@pytest.mark.parametrize("text,gone,placeholder", [
    ("email me at jo.bloggs+1@gmail.com", "jo.bloggs", "[email]"),
    ("my snap is @cool_kid99", "cool_kid99", "[handle]"),
    ("text me on 07700 900123", "900123", "[phone]"),
    ("ring +44 7700 900123", "7700", "[phone]"),
    ("i live near EH1 2AB", "EH1", "[postcode]"),
    ("he knows i live at 12 Rose Street", "Rose", "[address]"),
    ("he sent https://example.com/reset?token=abc123", "abc123", "[link]"),
])
def test_personal_details_are_replaced(text, gone, placeholder):
    out = redact(text)
    assert gone not in out and placeholder in out


def test_ordinary_numbers_survive():
    assert redact("i'm 13 and he is 35, he sent 3 pics") == "i'm 13 and he is 35, he sent 3 pics"


