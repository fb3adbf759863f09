"""Issue 13, item 1: one owner for the emergency route. Every path that can answer urgently
(a topic's answer, the API's guard for a safety-net hit, the degraded reply, "you
misunderstood", a follow-up, a question inside a topic, hesitation) leads with the same route,
decided by who it is for: Childline for a young person under 19, never for a 19-year-old."""
import pytest

from bot.domain import replies
from bot.domain.directory import get as service

CHILDLINE = service("childline").phone
SAMARITANS = service("samaritans").phone


def paths(age):
    """(name, reply) for each path, for a young person of this age."""
    yp = "young_person"
    guarded = replies.Reply(topic="bullying", messages=[replies.message("a topic answer")],
                            services=["respectme"], intent="bullying")
    return [
        ("normal", replies.signpost("self_harm", yp, urgent=True, age=age)),
        ("safety-net override", replies.with_emergency(guarded, yp, age)),
        ("degraded", replies.degraded(yp, urgent=True, age=age)),
        ("you misunderstood", replies.misunderstood(yp, after_urgent=True, age=age)),
        ("follow-up", replies.follow_up("talk", "sextortion", yp, urgent=True, age=age)),
        ("question", replies.answer_question("pay", "sextortion", yp, urgent=True, age=age)),
        ("hesitation", replies.hesitation(yp, urgent=True, age=age)),
    ]


@pytest.mark.parametrize("age", [11, 15])
def test_every_urgent_path_leads_with_999_and_childline_for_under_19s(age):
    for name, reply in paths(age):
        first = reply.messages[0]["text"]
        assert reply.urgent, name
        assert "999" in first and CHILDLINE in first, (name, first)
        assert reply.services[:2] == ["emergency_999", "childline"], (name, reply.services)


def test_every_urgent_path_gives_a_19_year_old_adult_routes_not_childline():
    for name, reply in paths(19):
        first = reply.messages[0]["text"]
        assert "999" in first and SAMARITANS in first and CHILDLINE not in first, (name, first)
        assert reply.services[0] == "emergency_999", name
        assert "childline" not in reply.services, (name, reply.services)
        text = " ".join(m["text"] for m in reply.messages)
        assert CHILDLINE not in text, (name, text)


def test_the_route_is_put_in_front_once():
    reply = replies.signpost("sextortion", "young_person", urgent=True, age=14)
    again = replies.with_emergency(reply, "young_person", 14)
    assert [m["text"] for m in again.messages].count(reply.messages[0]["text"]) == 1
    assert again.services.count("emergency_999") == 1


def test_a_parent_gets_the_parents_line_on_every_path():
    reply = replies.degraded("parent", urgent=True)
    assert reply.messages[0]["text"] == replies.signpost("self_harm", "parent", urgent=True).messages[0]["text"]


@pytest.mark.parametrize("kind", ["pay", "trouble", "tell_parents", "report", "anonymous", "delete", "school", "block"])
@pytest.mark.parametrize("intent", ["image_sharing", "sextortion", "bullying", "grooming", "self_harm"])
def test_questions_inside_a_topic_follow_the_age_rules(intent, kind):
    """A 19-year-old asking "should i pay" is not sent to Childline or Report Remove."""
    reply = replies.answer_question(kind, intent, "young_person", urgent=False, age=19)
    text = " ".join(m["text"] for m in reply.messages)
    assert "Childline" not in text and CHILDLINE not in text and "Report Remove" not in text, text
