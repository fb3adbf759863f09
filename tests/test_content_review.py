"""Issue 19: the content defects an independent safeguarding review found in the topic texts,
the service cards and the fixed lines (bot/content/questions.yml is reviewed in its own tests).

Each test checks a reply or a text as the assistant shows it (bot/domain/replies.py builds replies as
data, with no model), except the last one, which goes through the real API.
"""
import re
from itertools import product

import pytest

from bot.domain import content, directory, replies, verified
from bot.domain.taxonomy import AUDIENCES

INTENTS = content.guidance_intents() + ["danger"] + content.situations()
AGES = (None, 11, 14, 16, 17, 18, 19, 20)
# Ages a young person can give that pick another block or other cards.
YOUNG_AGES = (None, 11, 16, 18, 19)
BLOCKS = content.BLOCKS
# Every fixed file a safeguarding lead reads beside the topics (questions.yml has its own tests).
FIXED = ("urgent_steps", "friend", "conversation", "emergency")


def blocks(intent):
    data = content._file(intent)
    return [(key, data[key]) for key in BLOCKS if key in data]


def texts_of(block):
    return [block["intro"], *block["steps"], block.get("what_next") or "", block.get("report") or ""]


def every_text():
    """(where, text) for every topic text, card summary and fixed line."""
    for intent in INTENTS:
        for key, block in blocks(intent):
            for text in filter(None, texts_of(block)):
                yield f"{intent}.{key}", text
    for sid, service in directory.services().items():
        yield f"services.{sid}", service.summary

    def walk(where, value):
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(f"{where}.{k}", v)
        elif isinstance(value, list):
            for v in value:
                yield from walk(where, v)

    for name in FIXED:
        yield from walk(name, content._file(name))


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?;])\s+", text) if s]


def reply_text(reply):
    return "\n".join(m["text"] for m in reply.messages)


def words(reply):
    return sum(len(m["text"].split()) for m in reply.messages)


# ---- High 2: danger now means 999, said as 999 -----------------------------------------------
DANGER_NOW = re.compile(
    r"\b(in danger|at risk now|at immediate risk|with the person now|is with the person|"
    r"plans? to hurt|planning to hurt|attack is|not safe where|not safe at home|taken pills)\b", re.I)


# When a service may share what it is told ("unless a life is in danger"): not a danger-now step.
CONFIDENTIALITY = re.compile(r"keeps what|stays private|confidential", re.I)


def test_every_danger_now_sentence_says_call_999():
    """"If you are in danger ... call the police" leaves a child to find the number: every
    sentence about danger now (a planned attack, a child with the person now) says 999."""
    missing = [(where, s) for where, text in every_text() for s in sentences(text)
               if DANGER_NOW.search(s) and "999" not in s and not CONFIDENTIALITY.search(s)]
    assert not missing, missing


def test_the_danger_check_can_fail():
    assert DANGER_NOW.search("If you are in danger or being threatened, call the police.")
    assert DANGER_NOW.search("If you think someone plans to hurt people, tell the police straight away.")


@pytest.mark.parametrize("intent,audience", list(product(
    ["exploitation", "relationship_abuse", "grooming", "radicalisation", "abuse_disclosure"], AUDIENCES)))
def test_topics_with_a_danger_route_name_999_in_their_steps(intent, audience):
    for age in (None, 19) if audience == "young_person" else (None,):
        steps = " ".join(content.guidance(intent, audience, age).steps)
        assert "999" in steps, (intent, audience, age, steps)


def test_grooming_parent_child_with_the_person_now_is_999_with_the_emergency_card():
    steps = content.guidance("grooming", "parent").steps
    assert any("with the person now" in s and "999" in s for s in steps), steps
    assert not any("call the police straight away" in s for s in steps), steps
    urgent = replies.signpost("grooming", "parent", True, danger="meeting")
    assert urgent.services[0] == "emergency_999"
    assert "999" in urgent.messages[0]["text"] and "999" in urgent.messages[2]["text"]


def test_planned_attack_is_999_for_every_audience():
    for audience in AUDIENCES:
        guide = content.guidance("radicalisation", audience)
        said = " ".join(guide.steps + [guide.report])
        assert re.search(r"(hurt people|attack)[^.]*call 999|call 999[^.]*attack", said), (audience, said)


# ---- High 3: self-harm: already taken pills or hurt, and keeping a child safe at home ---------
PILLS = "If you have already taken pills or hurt yourself, call 999 or go to A&E now, even if you feel OK."


@pytest.mark.parametrize("age", YOUNG_AGES)
def test_self_harm_tells_a_young_person_who_has_taken_pills_to_call_999_now(age):
    for urgent in (False, True):
        reply = replies.signpost("self_harm", "young_person", urgent, age=age)
        assert PILLS in reply_text(reply), (age, urgent)
    assert PILLS in content.guidance("self_harm", "young_person", age).steps[0]


def test_self_harm_parents_lock_away_medicines_and_sharp_things():
    steps = " ".join(content.guidance("self_harm", "parent").steps)
    assert "Lock away medicines and sharp things" in steps
    assert re.search(r"taken pills or hurt themselves[^.]*call 999[^.]*even if they seem OK", steps), steps
    assert "call 999" in " ".join(content.guidance("self_harm", "professional").steps)


def test_overdose_steps_agree_with_the_self_harm_topic():
    """A message about pills already taken: the urgent overdose steps say the same as the topic
    (999 or A&E now, even if OK), and are not said twice in a self-harm answer."""
    for key in BLOCKS:
        assert "even if" in content._file("urgent_steps")["overdose_injury"][key][0]
    reply = replies.signpost("self_harm", "young_person", True, danger="overdose_injury")
    steps = reply.messages[2]["text"]
    assert steps.count("even if you feel OK") == 1, steps
    other = replies.signpost("harmful_content", "young_person", True, danger="overdose_injury")
    assert "even if you feel OK" in other.messages[2]["text"]
    parent = replies.signpost("harmful_content", "parent", True, danger="overdose_injury")
    assert "Lock away medicines and sharp things" in parent.messages[2]["text"]


# ---- Medium: verified hours, Fearless, not English, 429, confidentiality, friend, sources -----
NOT_ALL_DAY = re.compile(r"day (or|and) night|any ?time|24 hours|24/7|all day", re.I)


def test_breathing_space_is_never_said_to_be_open_day_and_night():
    card = directory.get("breathing_space")
    assert card.hours == verified.entry("breathing_space").value("hours")
    assert "6pm" in card.hours and not NOT_ALL_DAY.search(card.hours)
    for where, text in every_text():
        for s in sentences(text):
            if "Breathing Space" in s:
                assert not NOT_ALL_DAY.search(s), (where, s)
    steps = " ".join(content.guidance("self_harm", "young_person", 20).steps)
    assert "evenings and at weekends" in steps


def test_fearless_is_named_only_for_reporting_a_crime_without_your_name():
    card = directory.get("fearless")
    assert "not a support service" in card.summary and "without giving your name" in card.summary
    for where, text in every_text():
        for s in sentences(text):
            if "Fearless" in s and not where.startswith("services."):
                assert re.search(r"without giving your name|anonymous", s), (where, s)
                assert not re.search(r"talk to|support", s, re.I), (where, s)


@pytest.mark.parametrize("age,line,not_named", [
    (None, "childline", "samaritans"), (11, "childline", "samaritans"), (18, "childline", "samaritans"),
    (19, "samaritans", "childline"), (25, "samaritans", "childline"),
])
def test_not_english_reply_names_the_line_for_the_age(age, line, not_named):
    reply = replies.not_english("polish", "young_person", age)
    assert reply.urgent and reply.services[0] == "emergency_999"
    assert reply.services[1] == line and not_named not in reply.services
    assert reply.messages[0]["text"].startswith("If you are in danger now, call 999")
    if age and age >= 19:
        assert "breathing_space" in reply.services and "Childline" not in reply_text(reply)


def test_not_english_makes_no_unverified_language_claim():
    text = content.conversation("not_english").lower()
    assert "own language" not in text and "interpret" not in text and "translat" not in text


def test_rate_limited_text_gives_the_line_for_each_age():
    text = content.rate_limited()
    assert "under 19" in text and "0800 1111" in text
    assert "19 or over" in text and directory.get("samaritans").phone in text
    assert "999" in text
    under = next(s for s in sentences(text) if "Childline" in s)
    assert "under 19" in under


OVER_PROMISES = re.compile(
    r"kept confidential(?![^.]*except)|not told who reported|can often stay private|"
    r"\bprivate between you\b|will never (know|find out)|no one will (ever )?know", re.I)


def test_no_confidentiality_over_promises():
    found = [(where, s) for where, text in every_text() for s in sentences(text) if OVER_PROMISES.search(s)]
    assert not found, found


def test_childline_confidentiality_is_stated_with_its_limits():
    summary = directory.get("childline").summary
    assert "except" in summary and "life is in danger" in summary and "talk to you first" in summary
    for age in (None, 14):
        what_next = content.guidance("self_harm", "young_person", age).what_next
        assert "unless a life is in danger" in what_next and "talk to you first" in what_next


def test_friend_helping_with_grooming_says_it_is_not_their_fault():
    reply = replies.signpost("grooming", "young_person", False, writer="friend")
    text = reply_text(reply)
    assert "it is not their fault" in text
    assert "not in trouble" not in " ".join(t for _, t in every_text() if _.startswith("friend"))


def test_papyrus_hours_are_verified_on_the_page_that_shows_them():
    """The PAPYRUS FAQ page shows the old 9am-midnight hours: the 24/7 hours are verified on
    the 2025 report (services.md), and the card says so."""
    entry = verified.entry("papyrus_hopeline247")
    hours = next(f for f in entry.facts if f.field == "hours")
    assert hours.value == directory.get("papyrus_hopeline247").hours == "24 hours a day, every day"
    assert "hopelineuk-faqs" not in hours.verified_on and "nationalworld.com" in hours.verified_on


def test_internet_matters_card_does_not_link_to_an_encyclopaedia():
    card = directory.get("internet_matters")
    assert card.url is None or "internetmatters.org" in card.url
    assert "wikipedia" not in (card.url or "")
    assert "internetmatters.org" in card.summary
    assert all("wikipedia" not in (c["url"] or "") for c in replies.signpost("general_safety", "parent", False).payload()["services"])


def test_report_remove_card_words_and_link_agree():
    card = directory.get("childline_report_remove")
    assert "iwf.org.uk" in card.url and "report-remove" in card.url
    assert "IWF" in card.summary and "Childline account" in card.summary
    assert "You use it on the Childline website" not in card.summary


def test_no_third_party_reporting_centre_jargon_for_young_people():
    for intent in INTENTS:
        for key, block in blocks(intent):
            if key in ("young_person", "young_adult"):
                assert "Third Party Reporting Centre" not in " ".join(texts_of(block)), (intent, key)
    summary = directory.get("hate_crime_reporting").summary
    plain = next(s for s in sentences(summary) if "Third Party Reporting Centre" in s)
    assert "another organisation can report it for you" in plain, plain


# ---- Medium: short answers, 3 best cards, "More services" ------------------------------------
CAP = 120  # words before the cards, in a young person's topic answer
EMERGENCY_LINE = max(len(content.emergency("young_person", age).split()) for age in (None, 19))


def young_person_answers():
    for intent, age in product(INTENTS, YOUNG_AGES):
        yield intent, age, False, replies.signpost(intent, "young_person", False, age=age)
        yield intent, age, True, replies.signpost(intent, "young_person", True, age=age)


def test_young_person_topic_answers_are_at_most_120_words():
    """Every topic answer a young person can get (every topic, situation and age band) is short;
    an urgent one may add only the emergency line in front."""
    too_long = [(intent, age, urgent, words(r)) for intent, age, urgent, r in young_person_answers()
                if words(r) > CAP + (EMERGENCY_LINE if urgent else 0)]
    assert not too_long, too_long


def test_word_counts_of_every_topic_answer_for_every_audience():
    """Measured for every audience; adults may read more, but no answer grows past this."""
    counts = {(intent, audience, urgent): words(replies.signpost(intent, audience, urgent))
              for intent, audience, urgent in product(INTENTS, AUDIENCES, (False, True))}
    assert max(v for (i, a, u), v in counts.items() if a == "young_person" and not u) <= CAP
    assert max(counts.values()) <= 220, max(counts.items(), key=lambda kv: kv[1])


def more_button(reply):
    return [b for m in reply.messages for b in m["buttons"] if b["payload"] == "/followup_more"]


@pytest.mark.parametrize("intent,age", list(product(INTENTS, YOUNG_AGES)))
def test_young_person_sees_the_3_best_cards_and_more_services_for_the_rest(intent, age):
    ranked = replies.for_age(content.guidance(intent, "young_person", age).services, "young_person", age)
    calm = replies.signpost(intent, "young_person", False, age=age)
    assert calm.services == ranked[:3]
    assert bool(more_button(calm)) == (len(ranked) > 3)
    more = replies.follow_up("more", intent, "young_person", False, age=age)
    assert more.services == (ranked[3:] or ranked)
    # Urgent: the emergency card (and the line for the age) first, then the same best cards.
    urgent = replies.signpost(intent, "young_person", True, age=age)
    assert urgent.services[0] == "emergency_999"
    assert urgent.services == replies.emergency_first(ranked[:3], "young_person", age)


def test_more_services_is_offered_only_when_cards_were_held_back():
    self_harm = replies.signpost("self_harm", "young_person", False, age=16)
    assert self_harm.services == ["childline", "shout", "samaritans"]
    assert more_button(self_harm)[0]["title"] == "More services"
    rest = replies.follow_up("more", "self_harm", "young_person", False, age=16).services
    assert rest == ["papyrus_hopeline247", "nhs24_111", "breathing_space"]
    assert not more_button(replies.signpost("scams_hacking", "young_person", False))
    # Adults read on phones too (issue 20): the 3 best cards, the rest behind "More services".
    parent = replies.signpost("bullying", "parent", False)
    everything = content.guidance("bullying", "parent").services
    assert parent.services == everything[:3] and bool(more_button(parent)) == (len(everything) > 3)
    # The follow-up answers themselves don't offer it.
    assert not more_button(replies.follow_up("steps", "self_harm", "young_person", False))


def test_more_services_payload_is_one_the_api_accepts():
    from api.schemas import button_payloads

    assert "/followup_more" in button_payloads()


def test_api_more_services_through_a_conversation(chat):
    first = chat("i keep cutting myself and i feel really low, im 16")
    assert more_button_payloads(first), first
    more = chat(payload="/followup_more", session_id=first["session_id"])
    shown = {c["id"] for c in first["services"]}
    rest = [c["id"] for c in more["services"] if c["id"] != "emergency_999"]
    assert rest and not (set(rest) - {"childline", "samaritans"}) & shown, (shown, rest)
    assert more["topic"] == "self_harm"


def more_button_payloads(reply):
    return [b for m in reply["messages"] for b in m["buttons"] if b["payload"] == "/followup_more"]
