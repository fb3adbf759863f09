"""Reply texts: reading age, no blame, Scottish facts, the right advice per topic."""
import re
from itertools import product

import pytest
import textstat

from bot.domain import content, replies
from bot.domain.taxonomy import AUDIENCES

INTENTS = content.guidance_intents()
# Every file of advice: the topics' and danger.yml (someone is in danger now, no clearer topic yet).
GUIDES = INTENTS + ["danger"]
BLAME = re.compile(
    r"you shouldn'?t have|why did you|you should have known|you should never have|"
    r"your own fault|it'?s your fault|you asked for it|what did you expect|you were stupid|"
    r"you'?re to blame|you brought (this|it) on",
    re.I,
)


def texts(intent, audience):
    guide = content.guidance(intent, audience)
    return [guide.intro, " ".join(guide.steps), guide.what_next or "", guide.report or ""]


@pytest.mark.parametrize("intent", GUIDES)
def test_young_person_texts_have_a_reading_age_of_about_11(intent):
    for text in filter(None, texts(intent, "young_person")):
        grade = textstat.flesch_kincaid_grade(text)
        assert grade <= 6, f"{intent}: grade {grade}: {text}"


@pytest.mark.parametrize("intent,audience", list(product(GUIDES, AUDIENCES)))
def test_no_blaming_phrases(intent, audience):
    for text in texts(intent, audience):
        assert not BLAME.search(text), text


def test_blame_check_can_fail():
    assert BLAME.search("Honestly, you shouldn't have sent it.")


@pytest.mark.parametrize("intent,audience", list(product(GUIDES, AUDIENCES)))
def test_never_promises_no_trouble_or_names_english_services(intent, audience):
    joined = " ".join(texts(intent, audience)).lower()
    for banned in ("won't get in trouble", "will not get in trouble", "wont get in trouble",
                   "malicious communications act", "criminal justice and courts act"):
        assert banned not in joined
    # Action Fraud and the UKCIS guidance may only be named to say they are not for Scotland.
    for sentence in re.split(r"(?<=[.!?])\s+", joined):
        if "action fraud" in sentence or "ukcis" in sentence:
            assert "not" in sentence, sentence


@pytest.mark.parametrize("intent", ["sextortion", "image_sharing", "grooming", "abuse_disclosure", "bullying"])
def test_says_it_is_not_their_fault(intent):
    joined = " ".join(texts(intent, "young_person")).lower()
    assert "not your fault" in joined or "never your fault" in joined


def test_sextortion_script_is_complete():
    steps = " ".join(content.guidance("sextortion", "young_person").steps).lower()
    for advice in ("don't pay", "stop replying", "screenshot", "don't delete", "report"):
        assert advice in steps, advice


def test_scams_go_to_police_scotland_not_action_fraud():
    for audience in AUDIENCES:
        assert content.guidance("scams_hacking", audience).services[0] == "police_scotland"


def test_schools_use_scottish_child_protection_guidance():
    assert "national_child_protection_guidance" in content.guidance("image_sharing", "professional").services


@pytest.mark.parametrize("intent,audience", list(product(GUIDES, AUDIENCES)))
def test_every_answer_has_what_next_and_how_to_report(intent, audience):
    guide = content.guidance(intent, audience)
    assert guide.what_next and guide.report


def test_age_filters_services_a_young_person_cannot_use():
    eleven = [s for s in replies.signpost("bullying", "young_person", False, age=11).services]
    assert "report_harmful_content" not in eleven  # 13 and over
    nineteen = replies.signpost("sextortion", "young_person", True, age=19)
    assert "childline" not in nineteen.services and "childline_report_remove" not in nineteen.services
    assert "Childline" not in nineteen.messages[0]["text"] and "999" in nineteen.messages[0]["text"]


def test_platform_named_in_steps_for_reportable_topics():
    reply = replies.signpost("bullying", "young_person", False, platform="Snapchat")
    assert any("report button in Snapchat" in m["text"] for m in reply.messages)
    reply = replies.signpost("self_harm", "young_person", True, platform="Snapchat")
    assert not any("Snapchat" in m["text"] for m in reply.messages)


@pytest.mark.parametrize("name", content.situations())
def test_situation_texts_for_young_people_have_a_reading_age_of_about_11(name):
    block = content._file(name)["young_person"]
    for text in filter(None, [block["intro"], " ".join(block["steps"]), block.get("what_next"), block.get("report")]):
        assert textstat.flesch_kincaid_grade(text) <= 6, f"{name}: {text}"


@pytest.mark.parametrize("name", GUIDES + content.situations())
def test_young_adult_texts_stay_plain(name):
    block = content._file(name)["young_adult"]
    for text in filter(None, [block["intro"], " ".join(block["steps"]), block.get("what_next"), block.get("report")]):
        assert textstat.flesch_kincaid_grade(text) <= 8, f"{name}: {text}"
        assert not BLAME.search(text)


def test_urgent_steps_for_young_people_are_plain():
    steps = content._file("urgent_steps")
    for name, entry in steps.items():
        for key in ("young_person", "young_adult"):
            assert textstat.flesch_kincaid_grade(" ".join(entry[key])) <= 6, (name, key)

