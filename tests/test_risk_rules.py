"""The signed safeguarding rules (bot/nlu/risk/rules.yml), one test each, on facts built
by hand (the facts reader has its own tests), and how the risk step combines rules, the safety
net and the model's score (bot/nlu/risk/assess.py). No model needed."""
import pytest

from bot.nlu.risk import rules
from bot.nlu.risk.assess import IMMEDIATE, NONE, SERIOUS, Risk, Thresholds, assess, with_conversation
from bot.nlu.risk.facts import Facts, read_facts
from bot.nlu.safety_net import SafetyResult

pytestmark = pytest.mark.fast  # needs no trained model and no server (`make test-fast`)

F = frozenset
NO_NET = SafetyResult(urgent=False)
T = Thresholds(urgent=0.6, ask=0.35)

# rule id -> (facts that make it hold, facts one change away that must not)
RULE_CASES = {
    "partner_control_of_a_child": (
        Facts(child_age=16, other=F({"partner"}), acts=F({"controlling"}), romance=True, subject="child"),
        Facts(child_age=19, other=F({"partner"}), acts=F({"controlling"}), romance=True, subject="child"),
    ),
    "age_gap_under_16": (
        Facts(writer_age=14, other_age=28, other=F({"partner", "adult"}), romance=True, subject="writer"),
        Facts(writer_age=16, other_age=19, other=F({"partner", "adult"}), romance=True, subject="writer"),
    ),
    "sexual_contact_under_13": (
        Facts(child_age=12, other=F({"family"}), sexual=True, subject="child"),
        Facts(child_age=12, other=F({"family"}), sexual=True, subject="child", manner=F({"hypothetical"})),
    ),
    "adult_sexual_contact_in_private": (
        Facts(other=F({"adult"}), sexual=True, private_contact=True, subject="writer"),  # no age given
        Facts(writer_age=17, other=F({"adult"}), sexual=True, private_contact=True, subject="writer"),
    ),
    "position_of_trust": (
        Facts(writer_age=15, other=F({"trusted"}), secrecy=True, private_contact=True),
        Facts(writer_age=15, other=F({"trusted"}), secrecy=True, when=F({"past", "recovered"})),
    ),
    "trusted_adult_asks_for_images": (
        Facts(writer_age=14, other=F({"trusted"}), acts=F({"demand_images"}), images=True),
        Facts(writer_age=14, other=F({"trusted"}), images=True),  # "a photo of our teacher"
    ),
    "adult_asks_child_for_images": (
        Facts(writer_age=13, other=F({"stranger", "online"}), acts=F({"demand_images"}), images=True),
        Facts(writer_age=13, other=F({"peer"}), acts=F({"demand_images"}), images=True),
    ),
    "meeting_someone_from_online": (
        Facts(child_age=13, other=F({"online"}), acts=F({"meeting_planned"}), when=F({"soon"}), subject="child"),
        Facts(child_age=13, other=F({"online"}), acts=F({"meeting_planned"}), manner=F({"project"}), subject="child"),
    ),
    "meeting_an_adult_in_secret": (
        Facts(writer_age=15, other=F({"adult"}), acts=F({"meeting_planned"}), secrecy=True),
        Facts(writer_age=19, other=F({"adult"}), acts=F({"meeting_planned"}), secrecy=True),
    ),
    "with_them_now": (
        Facts(child_age=12, other=F({"online", "adult"}), acts=F({"with_them_now"}), subject="child"),
        Facts(child_age=12, other=F({"peer"}), acts=F({"with_them_now"}), subject="child"),
    ),
    "pills_or_injury_now": (
        Facts(acts=F({"pills_taken"}), when=F({"now"})),
        Facts(acts=F({"pills_taken"}), when=F({"past"})),
    ),
    "self_harm_now": (
        Facts(acts=F({"cut"}), when=F({"now"}), subject="writer"),
        Facts(acts=F({"cut"}), when=F({"past", "recovered"}), subject="writer"),
    ),
    "bereaved_and_following": (  # the death long past, the wish to follow now
        Facts(acts=F({"suicide_death", "following"}), when=F({"past"}), subject="writer"),
        Facts(acts=F({"suicide_death"}), when=F({"past"}), subject="writer"),
    ),
    "sextortion_in_progress": (
        Facts(images=True, acts=F({"sent_images", "threat_to_share"})),
        Facts(images=True, acts=F({"sent_images", "demand_money"}), when=F({"recovered"})),
    ),
    "missing_now": (
        Facts(child_age=14, acts=F({"missing"}), when=F({"now"}), subject="child"),
        Facts(child_age=14, acts=F({"missing"}), manner=F({"project"}), subject="child"),
    ),
    "someone_outside_now": (
        Facts(acts=F({"outside_now"})),
        Facts(acts=F({"outside_now"}), manner=F({"fiction"})),
    ),
    "live_threat": (
        Facts(acts=F({"threatened"}), when=F({"soon"})),
        Facts(acts=F({"threatened"}), when=F({"past", "recovered"})),
    ),
    "hurt_by_someone_close": (
        Facts(writer_age=16, other=F({"partner"}), acts=F({"hit"}), romance=True),
        Facts(writer_age=16, other=F({"partner"}), acts=F({"hit"}), romance=True, when=F({"past", "recovered"})),
    ),
}


def test_every_rule_has_a_test_and_says_why():
    assert {r.id for r in rules.rules()} == set(RULE_CASES)
    for rule in rules.rules():
        assert len(rule.why) > 40 and rule.level in (SERIOUS, IMMEDIATE) and rule.kind


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_holds_on_its_facts_and_not_one_change_away(rule_id):
    holds, not_holds = RULE_CASES[rule_id]
    assert rules.rule(rule_id).holds(holds)
    assert not rules.rule(rule_id).holds(not_holds)


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_a_rule_makes_the_message_urgent_whatever_the_model_says(rule_id):
    holds, _ = RULE_CASES[rule_id]
    risk = assess(holds, NO_NET, score=0.01, thresholds=T)
    assert risk.urgent and risk.level == rules.rule(rule_id).level
    assert f"rule:{rule_id}" in risk.evidence and risk.confidence == 1.0


def test_the_age_of_consent_is_16_and_adults_are_18():
    gap = dict(other=F({"partner"}), romance=True)
    assert rules.rule("age_gap_under_16").holds(Facts(writer_age=15, other_age=18, **gap))
    assert not rules.rule("age_gap_under_16").holds(Facts(writer_age=15, other_age=17, **gap))
    assert not rules.rule("age_gap_under_16").holds(Facts(writer_age=16, other_age=30, **gap))
    # "he's six years older than me" and I'm 14: he is 20
    assert rules.rule("age_gap_under_16").holds(Facts(writer_age=14, older_by=6, **gap))


def test_past_and_present_together_are_not_over():
    assert not rules.past_only(Facts(when=F({"past", "present"})))  # "used to, and still do"
    assert rules.past_only(Facts(when=F({"past", "recovered", "present"})))  # "i'm fine now"
    assert not rules.past_only(Facts(when=F({"recovered", "now"})))  # "it stopped but he's back tonight"


def test_the_topic_never_decides_urgency_alone():
    """Sure it is about self-harm, with the model's doubt beside it: urgent. With nothing else
    saying danger: the topic's answer, and the assistant asks once whether they are safe."""
    topic = ("self_harm", 0.8)
    alone = assess(Facts(), NO_NET, score=0.1, thresholds=T, about=topic)
    assert alone.level == NONE and alone.unsure
    assert assess(Facts(), NO_NET, score=T.ask, thresholds=T, about=topic).level == SERIOUS
    assert assess(Facts(), NO_NET, score=None, about=topic).level == SERIOUS  # degraded: no model to ask


def test_the_topic_is_evidence_the_facts_can_overrule():
    topic = ("self_harm", 0.8)
    assert assess(Facts(), NO_NET, score=T.ask, thresholds=T, about=topic).level == SERIOUS
    assert assess(Facts(manner=F({"figurative"})), NO_NET, score=0.1, thresholds=T, about=topic).level == NONE
    assert assess(Facts(when=F({"past", "recovered"})), NO_NET, score=0.1, thresholds=T, about=topic).level == NONE
    assert assess(Facts(), NO_NET, score=0.1, thresholds=T, about=("self_harm", 0.3)).level == NONE
    assert assess(Facts(), NO_NET, score=0.1, thresholds=T, about=("bullying", 0.9)).level == NONE


def test_a_present_danger_is_never_lowered_by_a_past_story():
    facts = Facts(acts=F({"pills_taken"}), when=F({"past", "now"}))  # "did it last year, took them again now"
    assert rules.rule("pills_or_injury_now").holds(facts)


def test_pills_taken_gets_the_a_and_e_steps():
    risk = assess(Facts(acts=F({"pills_taken"})), NO_NET, score=0.2, thresholds=T)
    assert risk.level == IMMEDIATE and risk.danger == "overdose_injury"


NET_SELF_HARM = SafetyResult(urgent=True, categories=("suicide_self_harm",), intent="self_harm")


def test_a_net_hit_with_nothing_lowering_it_is_urgent_even_when_the_model_disagrees():
    risk = assess(Facts(), NET_SELF_HARM, score=0.05, thresholds=T)
    assert risk.level == SERIOUS and "net:suicide_self_harm" in risk.evidence


def test_a_net_hit_said_now_is_immediate():
    assert assess(Facts(when=F({"now"})), NET_SELF_HARM, score=0.9, thresholds=T).level == IMMEDIATE


@pytest.mark.parametrize("facts", [
    Facts(manner=F({"figurative"})),
    Facts(when=F({"past", "recovered"})),
    Facts(manner=F({"project"})),
    Facts(manner=F({"prevention"}), subject="child"),
])
def test_a_lowered_net_hit_is_left_to_the_model(facts):
    calm = assess(facts, NET_SELF_HARM, score=0.1, thresholds=T)
    assert calm.level == NONE and not calm.unsure and any(e.startswith("lowered:") for e in calm.evidence)
    unsure = assess(facts, NET_SELF_HARM, score=0.4, thresholds=T)
    assert unsure.level == NONE and unsure.unsure
    sure = assess(facts, NET_SELF_HARM, score=0.8, thresholds=T)
    assert sure.level == SERIOUS


def test_without_the_model_a_net_hit_stays_urgent():
    """The degraded path has no model: on the safe side."""
    assert assess(Facts(manner=F({"figurative"})), NET_SELF_HARM, score=None).urgent


def test_the_model_alone():
    assert assess(Facts(), NO_NET, score=0.7, thresholds=T).level == SERIOUS
    middle = assess(Facts(), NO_NET, score=0.4, thresholds=T)
    assert middle.level == NONE and middle.unsure and middle.person == "writer"
    assert assess(Facts(), NO_NET, score=0.1, thresholds=T) == Risk(
        evidence=("model:0.10",), confidence=0.9, score=0.1, facts=Facts().as_dict())


def test_who_is_at_risk():
    risk = assess(Facts(subject="child"), NO_NET, score=0.9, thresholds=T)
    assert risk.person == "child"
    assert assess(Facts(subject="friend"), NO_NET, score=0.9, thresholds=T).person == "friend"
    assert assess(Facts(), NO_NET, score=0.01, thresholds=T).person == "none"


def test_risk_round_trips_as_data():
    risk = assess(RULE_CASES["age_gap_under_16"][0], NO_NET, score=0.3, thresholds=T)
    assert Risk.from_dict(risk.as_dict()) == risk
    assert risk.as_dict()["urgent"] is True
    assert Risk.from_dict(None) == Risk()


def test_a_fact_from_earlier_in_the_conversation_completes_a_rule():
    earlier = Facts(child_age=12, other=F({"online", "adult"}), subject="child")  # "a man from his game"
    now = assess(Facts(acts=F({"with_them_now"}), when=F({"now"})), NO_NET, score=0.2, thresholds=T)
    assert not now.urgent
    risk, kept = with_conversation(now, earlier)
    assert risk.level == IMMEDIATE and "rule:with_them_now@conversation" in risk.evidence
    assert kept.child_age == 12 and "with_them_now" in kept.acts


def test_an_age_gap_asked_about_after_the_age_was_given_is_the_age_gap_rule():
    """"im 14 and i really like this guy", then "hes 19, is that too big a gap?"."""
    earlier = read_facts("im 14 and i really like this guy")
    now = read_facts("hes 19, is that too big a gap?")
    assert not rules.hits(earlier) and not rules.hits(now)
    risk, _ = with_conversation(assess(now, NO_NET, score=0.1, thresholds=T), earlier)
    assert risk.level == SERIOUS and "rule:age_gap_under_16@conversation" in risk.evidence


def test_the_conversation_does_not_count_an_old_rule_again_and_never_lowers():
    earlier = Facts(writer_age=14, other_age=25, other=F({"adult", "partner"}), romance=True)
    thanks = assess(Facts(), NO_NET, score=0.05, thresholds=T)
    assert with_conversation(thanks, earlier)[0] == thanks  # "i'm safe now" is not undone
    urgent = assess(Facts(), NET_SELF_HARM, score=0.9, thresholds=T)
    assert with_conversation(urgent, Facts(when=F({"recovered"})))[0].level == SERIOUS


@pytest.mark.parametrize("text,lowered", [
    # a story told as over, in the sentence of the words or the next
    ("i self harmed in s2. ive been clean for 9 months now and im doing loads better", True),
    ("My son tried to kill himself two years ago. He is doing really well now. How do I talk to him about college?",
     True),
    # the urgent fact in the middle of a calm story: the past is another sentence's
    ("someone shared a pic of me round my year. it was months ago and most folk have moved on. "
     "ive written my goodbye note and tonight im going to end it all.", False),
    # a figure of speech lowers only its own words; a question only its own sentence
    ("school is killing me. my suicidal thoughts are really bad this week", False),
    ("i moved schools and its hard. ive picked the spot where im going to end it all. "
     "how do i report a fake account?", False),
    # a story dated elsewhere, this sentence told wholly in the past: the model judges it
    ("i had a friend i talked to a lot, and in the end he killed himself. i talked him out of killing himself "
     "so many times and when he did it, i felt like i failed", True),
    # ... but not when the writer's own danger is said now, nor sexual abuse told as past
    ("my friend killed herself last year. now i want to kill myself too", False),
    ("he raped me when i was 12. he touched me every weekend", False),
    # a past attempt, carried on in the next sentence
    ("tried to hang myself last month and it didnt work. honestly i still want to. nobody knows", False),
    # a hit the net read from a normalised text, not found as written: never lowered
    ("i don\u2019t want to live anymore. ive been clean for a year though", False),
    # a story told with its own marks ("one night", "the next morning"), the hit's sentence wholly past
    ("one night my best friend told me she had written a suicide note. i had no idea what to do. "
     "i saw her at school the next morning and went to guidance", True),
    ("then he started following me. one day at school he hit me in the face. after that things calmed down", True),
    # ... but a story mark never lowers what is said in the present, nor what happened days ago
    ("one night i took a load of pills. i still want to die", False),
    ("she texted me on tuesday and said she wanted to die", False),
    # the writer's own "if" with someone else's "will" is a threat with a condition, not a what-if
    ("my bf said if i ever leave him hell kill me", False),
    ("if i ever leave him he will hurt me", False),
    ("if i ever got a message saying someone will hurt me what do i do", True),
])
def test_lowering_is_read_where_it_is_said(text, lowered):
    from bot.nlu.risk.facts import read_facts
    from bot.nlu.safety_net import shared_safety_net

    net = shared_safety_net().check(text)
    assert net.urgent, text
    risk = assess(read_facts(text), net, score=0.1, thresholds=T, text=text)
    assert (risk.level == NONE) is lowered, risk.evidence


def test_a_harm_only_named_is_judged_by_the_model_never_by_the_name():
    named = SafetyResult(urgent=True, categories=("suicide_self_harm",), matches=("suicide",), mention_only=True)
    assert assess(Facts(), named, score=0.1, thresholds=T).level == NONE
    assert assess(Facts(), named, score=T.urgent, thresholds=T).level == SERIOUS
    assert assess(Facts(when=F({"now"})), named, score=0.1, thresholds=T).urgent  # "... right now": not lowered
    assert assess(Facts(), named, score=None).urgent  # degraded: no model, the net's hit stands
    own = SafetyResult(urgent=True, categories=("suicide_self_harm",), matches=("suicide",))
    assert assess(Facts(), own, score=0.1, thresholds=T).urgent


def test_what_happened_last_night_is_not_a_story_that_has_ended():
    """"I was fine for months, then last night ...": just happened, so not over."""
    assert not rules.past_only(Facts(when=F({"recovered", "recent"})))
    assert rules.past_only(Facts(when=F({"recovered"})))
    topic = ("self_harm", 0.8)
    assert assess(Facts(when=F({"recovered", "recent"})), NO_NET, score=T.ask, thresholds=T, about=topic).urgent


def test_an_adult_meeting_a_date_is_judged_by_the_model_a_child_meeting_is_not():
    """The meeting net guards children: "i'm 20 and he wants to meet up" is for the model."""
    meeting = SafetyResult(urgent=True, categories=("meeting",), matches=("meet up",))
    adult = assess(Facts(writer_age=20, other_age=37), meeting, score=0.1, thresholds=T)
    assert adult.level == NONE and "lowered:adult" in adult.evidence
    assert assess(Facts(child_age=19, subject="child"), meeting, score=0.1, thresholds=T).level == NONE
    assert assess(Facts(writer_age=20), meeting, score=None).urgent  # degraded: the net stands
    assert assess(Facts(writer_age=15, other_age=37), meeting, score=0.1, thresholds=T).level == IMMEDIATE
    assert assess(Facts(), meeting, score=0.1, thresholds=T).level == IMMEDIATE  # age unknown: a child
    both = SafetyResult(urgent=True, categories=("meeting", "suicide_self_harm"), matches=("meet up", "kms"))
    assert assess(Facts(writer_age=20), both, score=0.1, thresholds=T).urgent  # only meetings are lowered


def test_for_an_adult_the_models_calm_worded_danger_asks_instead():
    """The model learned calm-worded dangers from children's stories: "my 19-year-old daughter
    is in love with a 35-year-old" gets the answer and "are you safe?", not 999."""
    adult = assess(Facts(child_age=19, other_age=35, subject="child"), NO_NET, score=0.9, thresholds=T)
    assert adult.level == NONE and adult.unsure and "lowered:adult" in adult.evidence
    assert assess(Facts(child_age=15, other_age=35, subject="child"), NO_NET, score=0.9, thresholds=T).urgent
    assert assess(Facts(), NO_NET, score=0.9, thresholds=T).urgent  # age unknown: a child
    hit = SafetyResult(urgent=True, categories=("physical_abuse",), matches=("hits me",))
    assert assess(Facts(writer_age=20), hit, score=0.9, thresholds=T).urgent  # the net's own words stand


@pytest.mark.parametrize("text", [
    "my brother killed himself last year and i want to be with him",
    "my best mate took his own life and i think i should do the same",
    "my dad killed himself when i was 10. lately i feel like following him",
    "my cousin committed suicide last month and ive been thinking i want to go too",
    "since my sister died by suicide i keep thinking id be better off with her",
    "after my friend killed himself ive been looking up how he did it",
])
def test_a_bereaved_writer_wanting_to_follow_is_urgent_whatever_the_model_says(text):
    """A death by suicide is told in the past by its nature; the wish to follow is now."""
    from bot.nlu.risk.facts import read_facts
    from bot.nlu.safety_net import shared_safety_net

    risk = assess(read_facts(text), shared_safety_net().check(text), score=0.01, thresholds=T, text=text)
    assert risk.urgent and "rule:bereaved_and_following" in risk.evidence, risk.evidence


def test_wanting_to_be_with_someone_alive_is_no_such_wish():
    from bot.nlu.risk import rules as signed
    from bot.nlu.risk.facts import read_facts

    assert "bereaved_and_following" not in {r.id for r in signed.hits(read_facts(
        "i want to be with him but my parents say hes too old"))}


def test_a_death_told_with_no_wish_to_follow_is_for_the_model():
    from bot.nlu.risk.facts import read_facts
    from bot.nlu.safety_net import shared_safety_net

    text = "my uncle killed himself at christmas. how do i support my mum"
    risk = assess(read_facts(text), shared_safety_net().check(text), score=0.01, thresholds=T, text=text)
    assert not risk.urgent and "lowered:past_only" in risk.evidence
