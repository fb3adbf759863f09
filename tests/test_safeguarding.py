"""Issue 11: safeguarding content a school can sign off.

Corrections 1-6, the missing routes and the age rules, checked on the replies themselves
(bot/domain/replies.py builds them as data, with no model) and, for a few, through the real API.
"""
import re
from itertools import product

import pytest

from actions.signpost import ActionSignpost
from bot.domain import content, directory, replies
from bot.nlu.context_cues import shared_context_cues
from bot.domain.taxonomy import ADULT_AUDIENCES, AUDIENCES
from tests.test_actions import run, tracker

INTENTS = content.guidance_intents() + ["danger"] + content.situations()
AGES = (None, 11, 14, 16, 17, 18, 19, 20, 25)
BLOCKS = content.BLOCKS


def blocks(intent):
    data = content._file(intent)
    return [(key, data[key]) for key in BLOCKS if key in data]


def texts_of(block):
    return list(block["steps"]) + [block.get("what_next") or "", block.get("report") or "", block["intro"]]


def reply_text(reply):
    return "\n".join(m["text"] for m in reply.messages)


def ids(reply):
    return list(reply.services)


def every_urgent_reply():
    for intent, audience, age in product(INTENTS, AUDIENCES, AGES):
        yield replies.signpost(intent, audience, True, age=age)
        for kind in ("steps", "report", "talk"):
            yield replies.follow_up(kind, intent, audience, True, age=age)
    for audience, age in product(AUDIENCES, AGES):
        yield replies.misunderstood(audience, True, age)
        yield replies.degraded(audience, True, age)


# ---- 1. screenshots and nude images ---------------------------------------------------------
KEEPS_EVIDENCE = re.compile(
    r"take screenshots|keep (evidence|screenshots|proof|the messages|their messages|any messages|messages|"
    r"the chat|it so|the names|the chat and)|to keep as proof|as evidence|save them|don't delete the chat", re.I)
NUDE_RULE = re.compile(r"(never|don't|do not)\b[^.;]*\b(screenshot|save|sav|forward|send)[^.;]*"
                       r"\b(nude|sexual|intimate|image|images|picture|pictures|them|it)\b", re.I)
REPORT_INSTEAD = re.compile(r"report|tell the police|police or ceop", re.I)


@pytest.mark.parametrize("intent", INTENTS)
def test_every_evidence_step_says_never_screenshot_a_nude_and_report_it(intent):
    for key, block in blocks(intent):
        for text in texts_of(block):
            if KEEPS_EVIDENCE.search(text):
                assert NUDE_RULE.search(text), f"{intent}/{key}: {text}"
                assert REPORT_INSTEAD.search(text), f"{intent}/{key}: {text}"


def test_bullying_and_relationship_evidence_steps_have_the_exception():
    for intent, audience in [("bullying", a) for a in AUDIENCES] + [("relationship_abuse", "young_person")]:
        steps = " ".join(content.guidance(intent, audience).steps).lower()
        assert "never screenshot, save or" in steps and "nude" in steps, (intent, audience)
        assert "report it instead" in steps or "report that instead" in steps, (intent, audience)


def test_the_evidence_check_can_fail():
    bad = "Don't reply to the messages. Take screenshots to keep as proof."
    assert KEEPS_EVIDENCE.search(bad) and not NUDE_RULE.search(bad)


# ---- 2. young adults: texts follow the same age rules as the cards ---------------------------
NAMED = {"Childline": "childline", "Report Remove": "childline_report_remove",
         "Revenge Porn Helpline": "revenge_porn_helpline", "Breathing Space": "breathing_space",
         "Rape Crisis": "rape_crisis_scotland", "Report Harmful Content": "report_harmful_content",
         "Young Scot": "young_scot", "PAPYRUS": "papyrus_hopeline247"}
AGE_QUALIFIED = re.compile(r"under 1[38]|1[36] (or|and) over|aged 1[368]|up to 35|18 and over", re.I)


@pytest.mark.parametrize("intent", INTENTS)
def test_texts_name_only_services_the_young_person_is_old_or_young_enough_for(intent):
    for urgent, age in product((False, True), AGES[1:]):
        built = [replies.signpost(intent, "young_person", urgent, age=age)]
        built += [replies.follow_up(k, intent, "young_person", urgent, age=age) for k in ("steps", "report", "talk")]
        for reply in built:
            for service_id in reply.services:
                assert directory.get(service_id).suits_age(age), (intent, age, service_id)
            for msg in reply.messages:
                for name, service_id in NAMED.items():
                    if name in msg["text"] and not AGE_QUALIFIED.search(msg["text"]):
                        assert directory.get(service_id).suits_age(age), (intent, urgent, age, name, msg["text"])


def test_a_suicidal_19_year_old_gets_adult_routes_not_childline():
    reply = replies.signpost("self_harm", "young_person", True, age=19)
    assert "Childline" not in reply_text(reply)
    assert "childline" not in ids(reply) and "childline_report_remove" not in ids(reply)
    assert ids(reply)[0] == "emergency_999"
    assert {"samaritans", "shout", "breathing_space"} <= set(ids(reply))
    assert "Samaritans" in reply.messages[0]["text"]


@pytest.mark.parametrize("intent", ["sextortion", "image_sharing"])
def test_a_young_adult_with_images_shared_gets_the_revenge_porn_helpline(intent):
    for age in (18, 20, 25):
        reply = replies.signpost(intent, "young_person", False, age=age)
        steps = replies.follow_up("steps", intent, "young_person", False, age=age)  # the details, on request
        assert "revenge_porn_helpline" in ids(reply) and "Revenge Porn Helpline" in reply_text(steps)
        assert "childline_report_remove" not in ids(reply) and "Report Remove" not in reply_text(reply) + reply_text(steps)
    assert "revenge_porn_helpline" not in ids(replies.signpost(intent, "young_person", False, age=15))


def test_every_topic_has_a_young_adult_block():
    for intent in INTENTS:
        assert "young_adult" in content._file(intent), intent
    assert content.all_services("young_person", 20) and "childline" not in content.all_services("young_person", 20)


def test_adult_routes_on_every_other_path():
    for audience_reply in (replies.degraded("young_person", True, 20), replies.misunderstood("young_person", True, 20),
                           replies.all_services("young_person", 20), replies.small_talk("bot_challenge", age=20)):
        assert "Childline" not in reply_text(audience_reply)
        assert "childline" not in ids(audience_reply)


def test_api_19_year_old_who_wants_to_die_is_not_told_to_call_childline(chat):
    reply = chat("I'm 19 and I want to kill myself")
    assert reply["urgent"] is True and reply["topic"] == "self_harm"
    text = " ".join(m["text"] for m in reply["messages"])
    assert "Childline" not in text and "0800 1111" not in text
    cards = [s["id"] for s in reply["services"]]
    assert cards[0] == "emergency_999" and "childline" not in cards and "samaritans" in cards


# ---- 3. 999 is one tap, and urgent steps fit the danger --------------------------------------
def test_first_card_of_every_urgent_reply_is_the_emergency_card():
    card = directory.get("emergency_999")
    assert card.phone == "999" and "55" in card.summary and "too dangerous to talk" in card.summary
    for reply in every_urgent_reply():
        assert reply.urgent and reply.services[0] == "emergency_999", reply
        assert "999" in reply.messages[0]["text"]


def test_urgent_steps_fit_the_danger():
    reply = replies.signpost("grooming", "young_person", True, danger="meeting")
    steps = reply.messages[2]["text"]
    first = steps.splitlines()[1]
    assert "adult at home" in first, steps
    assert "999" in steps
    danger = replies.signpost("danger", "young_person", True, danger="immediate_danger")
    assert "adult at home" in danger.messages[2]["text"].splitlines()[1]
    # the topic's own steps already fit: no duplicated suicide steps
    self_harm = replies.signpost("self_harm", "young_person", True, danger="suicide_self_harm")
    assert self_harm.messages[2]["text"] == replies.signpost("self_harm", "young_person", True).messages[2]["text"]
    # not urgent: the usual steps only
    calm = replies.signpost("grooming", "young_person", False, danger="meeting")
    assert "adult at home" not in calm.messages[1]["text"]


def test_urgent_steps_exist_for_every_danger_and_audience():
    import yaml
    from bot import BOT_DIR

    categories = yaml.safe_load((BOT_DIR / "nlu" / "safety_patterns.yml").read_text())["categories"]
    steps = content._file("urgent_steps")
    for name in categories:
        if name == "dangerous_challenge":
            continue  # the harmful-content steps are about the challenge itself
        for key in BLOCKS:
            assert steps[name][key], (name, key)


def test_api_someone_coming_to_my_house_tonight(chat):
    reply = chat("someone is coming to my house tonight")
    assert reply["urgent"] is True
    assert reply["services"][0]["id"] == "emergency_999" and reply["services"][0]["phone"] == "999"
    steps = next(m["text"] for m in reply["messages"] if m["text"].startswith(content.conversation("steps_heading")))
    first = steps.splitlines()[1]
    assert "adult at home" in first and "999" in steps, steps


# ---- 4. parents and evidence in grooming -----------------------------------------------------
@pytest.mark.parametrize("intent", ["grooming", "abuse_disclosure"])
def test_parents_leave_sexual_images_where_they_are(intent):
    guide = content.guidance(intent, "parent")
    steps = " ".join(guide.steps).lower()
    assert "leave them where they are" in steps
    assert "don't view, copy, screenshot or forward them" in steps
    assert "tell the police or ceop" in steps
    assert "don't keep or forward" not in " ".join(guide.steps + [guide.report]).lower()


# ---- 5. sextortion, young person -------------------------------------------------------------
def words_before_cards(reply):
    return sum(len(m["text"].split()) for m in reply.messages)


@pytest.mark.parametrize("offer,platform", list(product([False, True], [None, "Snapchat"])))
def test_sextortion_reply_for_a_young_person_is_short_and_complete(offer, platform):
    reply = replies.signpost("sextortion", "young_person", True, offer_audience=offer, platform=platform)
    assert words_before_cards(reply) < 150, words_before_cards(reply)
    text = reply_text(reply).lower()
    steps = reply.messages[2]["text"].lower()
    assert steps.splitlines()[1].startswith("• don't pay, and don't send more"), "the first step, at once"
    assert "thinking of hurting yourself" in text
    assert "ceop is part of the national crime agency" in text and "keeps children safe online" in text
    assert "fearless" not in ids(reply)


# ---- 6. links and claims ---------------------------------------------------------------------
def test_cards_link_to_their_own_verified_pages_and_claims_have_their_limits():
    assert directory.get("police_scotland").hours is None
    assert "pass them on" in directory.get("stop_it_now").summary
    assert "report-remove" in directory.get("childline_report_remove").url
    assert "nspcc" not in (directory.get("internet_matters").url or "")
    assert "internetmatters.org" in directory.get("internet_matters").summary
    assert "not a support service" in directory.get("fearless").summary


VICTIM_TOPICS = ["sextortion", "exploitation", "image_sharing", "grooming", "abuse_disclosure", "relationship_abuse"]


@pytest.mark.parametrize("intent", VICTIM_TOPICS)
def test_fearless_is_not_offered_to_victims_as_support(intent):
    for key in ("young_person", "young_adult"):
        block = content._file(intent)[key]
        assert "fearless" not in block["services"], (intent, key)
        assert "Fearless" not in " ".join(texts_of(block)), (intent, key)


def test_child_protection_guidance_link_fits_the_topic():
    assert "national_child_protection_guidance_exploitation" in content.guidance("exploitation", "professional").services
    assert directory.get("national_child_protection_guidance_exploitation").url.endswith("/196/")
    assert directory.get("national_child_protection_guidance").url.endswith("/168/")
    for intent in ("image_sharing", "sextortion", "abuse_disclosure"):
        guide = content.guidance(intent, "professional")
        assert "national_child_protection_guidance_exploitation" not in guide.services
    for intent in ("self_harm", "relationship_abuse", "bullying", "danger", "exploitation"):
        assert "national_child_protection_guidance" not in content.guidance(intent, "professional").services, intent


@pytest.mark.parametrize("audience,own,not_named", [
    ("young_person", {"childline"}, "Samaritans"),
    ("parent", {"nspcc_helpline", "parentline_scotland"}, "Childline"),
    ("professional", {"posh", "nspcc_helpline"}, "Childline"),
])
def test_are_you_a_bot_points_each_audience_to_its_own_lines(audience, own, not_named):
    reply = replies.small_talk("bot_challenge", audience=audience)
    assert set(ids(reply)) == own
    assert not_named not in reply_text(reply) and "computer program" in reply_text(reply)


def test_api_are_you_a_bot_for_a_parent(chat):
    reply = chat("are you a bot or a real person", audience="parent")
    text = " ".join(m["text"] for m in reply["messages"])
    assert "Childline" not in text and "NSPCC" in text
    assert {s["id"] for s in reply["services"]} == {"nspcc_helpline", "parentline_scotland"}


@pytest.mark.parametrize("audience", ADULT_AUDIENCES)
def test_prevent_consent_is_said_once(audience):
    reply = replies.signpost("radicalisation", audience, False)
    steps = replies.follow_up("steps", "radicalisation", audience, False)  # the details, on request
    sentences = re.split(r"(?<=[.!?])\s+", reply_text(reply) + " " + reply_text(steps) + " " + " ".join(
        directory.get(s).summary for s in reply.services))
    consent = [s for s in sentences if re.search(r"voluntary|must (agree|consent)|consent to", s, re.I)]
    assert len(consent) == 1, consent


# ---- missing routes ----------------------------------------------------------------------------
def test_a_parents_general_worry_includes_local_social_work_after_parentline_and_nspcc():
    for services in (content.all_services("parent"), content.guidance("danger", "parent").services,
                     content.guidance("abuse_disclosure", "parent").services):
        assert "local_social_work" in services
        at = services.index("local_social_work")
        assert services.index("parentline_scotland") < at and services.index("nspcc_helpline") < at
    assert "celcis.org" in directory.get("local_social_work").url


@pytest.mark.parametrize("intent,audience", list(product(["bullying", "radicalisation"], AUDIENCES)))
def test_online_hate_routes_for_bullying_and_radicalisation(intent, audience):
    assert "hate_crime_reporting" in content.guidance(intent, audience).services
    assert "Third Party Reporting Centre" in directory.get("hate_crime_reporting").summary
    assert "hate" in " ".join(content.guidance(intent, audience).steps).lower()


@pytest.mark.parametrize("intent", INTENTS)
def test_pupils_are_pointed_to_their_guidance_or_pupil_support_teacher(intent):
    steps = " ".join(content._file(intent)["young_person"]["steps"])
    assert "guidance or pupil support teacher" in steps, intent


@pytest.mark.parametrize("text,situation", [
    ("i have someone else's nude on my phone", "someone_elses_image"),
    ("I forwarded her nudes to my mates and now I feel awful", "someone_elses_image"),
    ("my son has a nude of a girl in his class", "someone_elses_image"),
    ("i'm worried about my own sexual thoughts", "own_sexual_thoughts"),
    ("my sexual thoughts scare me", "own_sexual_thoughts"),
    ("someone is sharing my nudes", None),
    ("he says he'll post my nudes", None),
])
def test_context_cues_recognise_the_situations(text, situation):
    assert shared_context_cues().read(text).situation == situation


@pytest.mark.parametrize("situation", ["someone_elses_image", "own_sexual_thoughts"])
def test_situations_get_calm_replies_with_stop_it_now_and_childline(situation):
    young = replies.signpost(situation, "young_person", False)
    assert "childline" in ids(young) and "stop_it_now" in ids(young)
    assert not young.urgent
    adult = replies.signpost(situation, "young_person", False, age=20)
    assert "stop_it_now" in ids(adult) and "childline" not in ids(adult)
    for audience in ADULT_AUDIENCES:
        assert "stop_it_now" in ids(replies.signpost(situation, audience, False))
    from tests.test_content import BLAME

    for key, block in blocks(situation):
        assert not BLAME.search(" ".join(texts_of(block))), key


def test_the_action_routes_a_situation_within_a_topic():
    t = tracker("image_sharing")
    t.latest_message["cues"] = {"situation": "someone_elses_image"}
    texts, payload, events, _ = run(ActionSignpost(), t)
    assert payload["topic"] == "image_sharing" and payload["urgent"] is False
    assert "stop_it_now" in [s["id"] for s in payload["services"]]
    # never instead of an urgent answer
    t = tracker("sextortion", safety_urgent=True)
    t.latest_message["cues"] = {"situation": "someone_elses_image"}
    _, payload, _, _ = run(ActionSignpost(), t)
    assert payload["urgent"] is True and "stop_it_now" not in [s["id"] for s in payload["services"]]


def test_teachers_worried_about_extremist_memes():
    steps = " ".join(content.guidance("radicalisation", "professional").steps)
    assert "record where you saw them" in steps
    assert "Don't forward, screenshot or collect them" in steps
    assert "platform" in steps and "UK Government's online form" in steps


def test_breathing_space_and_victim_support_where_the_reference_puts_them():
    assert content.guidance("self_harm", "young_person").services[-1] == "breathing_space"
    # A young person's answer shows the 3 best cards; Breathing Space (16+) is under "More services".
    assert "breathing_space" in ids(replies.follow_up("more", "self_harm", "young_person", True, age=16))
    assert "breathing_space" not in ids(replies.follow_up("more", "self_harm", "young_person", True, age=15))
    assert "breathing_space" in content.guidance("self_harm", "young_person", 20).services
    for intent in ("scams_hacking", "sextortion", "image_sharing", "abuse_disclosure"):
        assert "victim_support_scotland" in content.guidance(intent, "young_person", 20).services, intent


def test_api_guard_and_degraded_path_use_the_stated_age():
    from api.assistant import Assistant
    from bot.nlu.risk.assess import Risk

    reply = replies.small_talk("greet")
    guarded = Assistant._ensure_emergency(reply.payload(), Risk(level="serious"), None, 20)
    assert [s["id"] for s in guarded["services"]][:2] == ["emergency_999", "samaritans"]
    assert "Childline" not in guarded["messages"][0]["text"]
    assert guarded["messages"][1:] == reply.payload()["messages"]
    assert shared_context_cues().read("I'm 19 and I want to kill myself").age == 19
    degraded = replies.degraded(None, True, 19)
    assert "Childline" not in reply_text(degraded) and degraded.services[0] == "emergency_999"


@pytest.mark.parametrize("message,situation_service", [
    ("i have someone else's nude on my phone, what should i do", "stop_it_now"),
    ("I forwarded her nudes to my mates and now I feel awful", "stop_it_now"),
    ("i'm worried about my own sexual thoughts", "stop_it_now"),
])
def test_api_situations_get_their_calm_answer(chat, message, situation_service):
    reply = chat(message)
    assert reply["urgent"] is False, reply
    assert situation_service in [s["id"] for s in reply["services"]], reply
    assert "childline" in [s["id"] for s in reply["services"]]
