"""The topic an urgent message is answered under, when the classifier only guesses
(bot/nlu/safety_component.py, NET_WORDS_TOPIC): the safety net's words decide it. One layer,
with the real net and context cues; the risk judgement is given, as the risk step would set it."""
import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.risk.assess import Risk
from bot.nlu.risk_component import RISK_KEY
from bot.nlu.safety_component import NET_WORDS_TOPIC, SafetyNetClassifier
from bot.nlu.context_cues import shared_context_cues
from bot.nlu.safety_net import shared_safety_net

THREAT = ("ive been having a rough time in s3. a boy in my year keeps saying hes going to stab me at the "
          "bus stop after school tomorrow and his pals are laughing about it")


def _intent_after(text: str, intent: str, confidence: float, risk: Risk) -> str:
    msg = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": confidence},
                        INTENT_RANKING_KEY: [{"name": intent, "confidence": confidence}],
                        RISK_KEY: risk.as_dict()})
    SafetyNetClassifier(shared_safety_net(), shared_context_cues()).process([msg])
    return msg.get(INTENT)["name"]


SERIOUS = Risk(level="serious", evidence=("net:violence_threat", "model:0.60"), score=0.6, danger="violence_threat")


@pytest.mark.parametrize("confidence,expected", [
    (NET_WORDS_TOPIC - 0.1, "bullying"),  # the classifier guessed: the net's words know better
    (NET_WORDS_TOPIC + 0.1, "self_harm"),  # the classifier is sure enough: its topic stands
])
def test_a_guessed_topic_of_an_urgent_message_follows_the_nets_words(confidence, expected):
    assert _intent_after(THREAT, "self_harm", confidence, SERIOUS) == expected


def test_a_calm_message_keeps_the_classifiers_topic_however_unsure():
    calm = Risk(level="none", evidence=("net:violence_threat", "model:0.05", "lowered:figurative"), score=0.05)
    assert _intent_after(THREAT, "self_harm", NET_WORDS_TOPIC - 0.1, calm) == "self_harm"


def test_a_signed_rules_topic_is_not_replaced_by_the_nets():
    rule = Risk(level="serious", evidence=("rule:age_gap_under_16", "net:violence_threat"), score=0.9,
                topic="grooming", kind="age_gap_abuse")
    assert _intent_after(THREAT, "self_harm", NET_WORDS_TOPIC - 0.1, rule) == "grooming"
