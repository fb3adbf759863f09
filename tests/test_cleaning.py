"""The one cleaning (bot/domain/cleaning.py): hidden or full-width characters never hide a danger
from the safety net, and the API reads and stores the cleaned text."""
import pytest

from bot.domain.cleaning import clean
from bot.domain.redaction import redact
from bot.nlu.safety_net import shared_safety_net

pytestmark = pytest.mark.fast

HIDDEN = [
    ("i want to k\u200bms", "i want to kms"),
    ("ｉ ｗａｎｔ ｔｏ ｄｉｅ", "i want to die"),
    ("im going to \u2060end it\u2060 tonight", "im going to end it tonight"),
    ("he said send n\u00adudes or else", "he said send nudes or else"),
]


@pytest.mark.parametrize("raw, plain", HIDDEN)
def test_cleaning_makes_hidden_and_full_width_text_plain(raw, plain):
    assert clean(raw) == plain
    assert clean(clean(raw)) == clean(raw)


@pytest.mark.parametrize("raw, plain", HIDDEN[:3])
def test_the_safety_net_reads_a_danger_hidden_by_characters_once_cleaned(raw, plain):
    net = shared_safety_net()
    assert net.check(plain).urgent
    assert net.check(clean(raw)).urgent


def test_redaction_gives_the_same_result_on_clean_and_raw_text():
    raw = "call me on 07700\u200b900123 or ｊｏ@example.com"
    assert redact(raw) == redact(clean(raw))
    assert "07700" not in redact(raw) and "example" not in redact(raw)
