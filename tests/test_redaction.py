"""Personal details are redacted before anything is stored or logged (a table of cases)."""
import pytest

from bot.domain.redaction import redact

ZW = "\u200b"  # zero-width space

# (text, what must be gone, the placeholder that replaces it)
REDACTED = [
    # e-mail addresses
    ("email me at jo.bloggs+1@gmail.com", "jo.bloggs", "[email]"),
    ("my email is sam.smith@example.com", "sam.smith", "[email]"),
    (f"email jo{ZW}@example.com", "example.com", "[email]"),
    (f"jo@exa{ZW}mple.co.uk", "mple", "[email]"),
    ("jane at example dot com", "jane", "[email]"),
    ("write to jane (at) example (dot) co (dot) uk", "jane", "[email]"),
    ("JANE [AT] EXAMPLE [DOT] COM", "JANE", "[email]"),
    ("ｊｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｊｏ", "[email]"),
    # @handles, and handles named by context
    ("my snap is @cool_kid99", "cool_kid99", "[handle]"),
    ("add me @sam.smith_12", "sam.smith_12", "[handle]"),
    ("my insta is coolkid99", "coolkid99", "[handle]"),
    ("my snap is jamie_b", "jamie_b", "[handle]"),
    ("his tiktok: dark.lord.666", "dark.lord", "[handle]"),
    ("my xbox gamertag is ShadowNinja", "ShadowNinja", "[handle]"),
    ("her snapchat username is lily2010", "lily2010", "[handle]"),
    # phone numbers
    ("text me on 07700 900123", "900123", "[phone]"),
    ("ring +44 7700 900123", "7700", "[phone]"),
    ("call (0141) 496 0000", "496", "[phone]"),
    ("my number is 0044 7700 900123", "900123", "[phone]"),
    ("+44-7700-900123 is his number", "900123", "[phone]"),
    ("07700.900.123", "900.123", "[phone]"),
    (f"07700{ZW}900{ZW}123", "900", "[phone]"),
    ("07700900123", "07700900123", "[phone]"),
    ("his number is +1 415 555 0100", "555", "[phone]"),
    ("０７７００ ９００１２３", "９００", "[phone]"),
    ("call 0131 496 0000 after school", "496", "[phone]"),
    # postcodes
    ("i live near EH1 2AB", "EH1", "[postcode]"),
    ("IV2 3 AB", "IV2", "[postcode]"),
    ("g12 8qq is where i live", "g12", "[postcode]"),
    ("postcode ab10 1xg", "ab10", "[postcode]"),
    # street addresses
    ("he knows i live at 12 Rose Street", "Rose", "[address]"),
    ("she lives at 4 meadow road", "meadow", "[address]"),
    ("42b Victoria Crescent", "Victoria", "[address]"),
    ("come to 7 Kelvin Park", "Kelvin", "[address]"),
    ("my house is 3, Mill Lane", "Mill", "[address]"),
    # links
    ("he sent https://example.com/reset?token=abc123", "abc123", "[link]"),
    ("go to www.example.org/page", "example.org", "[link]"),
    ("look at bit.ly/x", "bit.ly", "[link]"),
    ("tinyurl.com/abc123 has my pics", "abc123", "[link]"),
    ("he runs example.co.uk", "example.co.uk", "[link]"),
    # names
    ("my name is Sam", "Sam", "[name]"),
    ("my name is Sam Smith and i'm 12", "Smith", "[name]"),
    ("hi my name's jamie", "jamie", "[name]"),
    ("I'm called Alex", "Alex", "[name]"),
    ("im called ruby and im scared", "ruby", "[name]"),
    # schools
    ("I go to Glenview High School", "Glenview", "[school]"),
    ("i go to st marys academy", "marys", "[school]"),
    ("she goes to Hillhead Primary", "Hillhead", "[school]"),
    ("we're at St Ninian's High", "Ninian", "[school]"),
    ("everyone at Craigmount High School knows", "Craigmount", "[school]"),
    # dates of birth
    ("i was born on 12/05/2011", "12/05/2011", "[date]"),
    ("dob 12.05.11", "12.05.11", "[date]"),
    ("born 3rd May 2011", "May 2011", "[date]"),
    ("my birthday is 14 March", "14 March", "[date]"),
    ("2011-05-12", "2011-05-12", "[date]"),
    ("my birthday is on May 3rd", "May 3rd", "[date]"),
]

# Ordinary text that must survive unchanged.
KEPT = [
    "i'm 13 and he is 35, he sent 3 pics",
    "3 boys in the park",
    "he said meet at the park at 4",
    "i go to the park after school",
    "my snap is hacked",
    "my insta is private now",
    "i'm called names at school every day",
    "it happened 2 years ago",
    "I've had 100 messages from him",
    "in 2023 he started messaging me",
    "i'm in year 9",
    "i'm in P7 and S2 kids are mean",
    "call 999 if you are in danger",
    "he wants 50 quid or 5000 pounds",
    "it was at 10 pm on friday",
    "my code is 123456",
    "there are 25 people in the group chat",
    "he is 6ft and 18",
    "i have an iPhone 12 and a ps5",
    "i was born in 2011",
    "my name is not important",
    "i go to school every day",
    "we met on roblox 2 weeks ago",
    "top 10 worst days",
    "he said he'd kill me at 3:30",
]


@pytest.mark.parametrize("text,gone,placeholder", REDACTED)
def test_personal_details_are_replaced(text, gone, placeholder):
    out = redact(text)
    assert gone not in out and placeholder in out, out


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_survives(text):
    assert redact(text) == text


def test_the_table_is_big_enough():
    assert len(REDACTED) + len(KEPT) >= 60 and len(KEPT) >= 20


def test_words_around_a_detail_are_kept():
    assert redact("my snap is coolkid99 and he keeps messaging") == "my snap is [handle] and he keeps messaging"
    assert redact("my name is Sam and i'm scared") == "my name is [name] and i'm scared"
