"""Every reply the assistant can show, each with a stable id, for review and sign-off (issue 19).

An id says what the reply is, never where it falls in a list, so that it survives new topics,
new texts and reordering: `<intent>/<who>/<urgent|not-urgent>/<kind>`, e.g.
`grooming/parent/urgent/answer`, `bullying/young_person.13-15/not-urgent/question.block`,
`conversation/young_person.19-plus/greet`, `api/anyone/rate_limited`.

Built from bot/domain/replies.py (the code the actions and the API use), so no model and no action
server are needed. Question kinds are offered per topic only where bot/content/questions.yml
has the topic's own young-person text for that kind: a kind that only falls back to `any`
(bullying x "should I pay") is not a question people ask about that topic.
"""
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

from bot.domain import content, replies, taxonomy
from bot.domain.taxonomy import AUDIENCES

# Age bands a young person's age can fall in (the age changes which services and texts apply):
# (slug used in ids, label, an age inside the band).
AGE_BANDS: List[Tuple[str, str, Optional[int]]] = [
    ("age-not-given", "age not given", None), ("under-13", "under 13", 11), ("13-15", "13 to 15", 14),
    ("16-17", "16 to 17", 16), ("18", "18", 18), ("19-plus", "19 and over", 20),
]
SMALL_TALK = ("greet", "goodbye", "thanks", "bot_challenge", "ask_privacy")
# An app named in the conversation adds the platform step to a topic reply.
EXAMPLE_APP = "Snapchat"


@dataclass
class Case:
    id: str
    section: str
    label: str
    reply: replies.Reply
    # What the page filters on: intent (topic or situation), audience, age band, urgent, kind.
    facets: Dict[str, str] = field(default_factory=dict)

    @property
    def young_person(self) -> bool:
        return self.facets.get("audience") in ("young_person", "anyone")


@dataclass(frozen=True)
class Who:
    slug: str  # in ids: "parent", "young_person.13-15"
    audience: str
    age: Optional[int]
    band: str  # age band slug, "" for adults
    label: str


def everyone() -> List[Who]:
    """Every audience and, for young people, every age band."""
    found = []
    for audience in AUDIENCES:
        if audience == "young_person":
            found += [Who(f"{audience}.{slug}", audience, age, slug, f"{taxonomy.audience_label(audience)}, {label}")
                      for slug, label, age in AGE_BANDS]
        else:
            found.append(Who(audience, audience, None, "", taxonomy.audience_label(audience)))
    return found


def topic_names() -> List[Tuple[str, str]]:
    """(intent or situation, heading) in taxonomy order, then danger, then the situations."""
    names = [(i, f"{taxonomy.topic_label(taxonomy.topic_for(i))} ({i})") for i in taxonomy.topic_intents()]
    names.append(("danger", "In danger now, topic not clear (danger)"))
    for situation in content.situations():
        title = content._file(situation).get("title") or situation.replace("_", " ")
        names.append((situation, f"{taxonomy.topic_label(content.situation_topic(situation))}: “{title}” ({situation})"))
    return names


def question_kinds(intent: str) -> List[str]:
    """The question kinds that make sense for this intent: those its topic (or its situation's
    topic) has its own young-person answer for in questions.yml. Derived from the data, so a
    new answer adds its questions to the page by itself."""
    own = content._file("questions")["young_person"]
    kinds: List[str] = []
    for key in (intent, content.situation_topic(intent)):
        kinds += [k for k in (own.get(key or "") or {}) if k not in kinds]
    return kinds


def any_question_kinds() -> List[str]:
    """Kinds answered with no topic yet (the `any` answers)."""
    return list(content._file("questions")["young_person"]["any"])


def dangers(intent: str) -> List[str]:
    """Dangers whose urgent steps go first in this intent's urgent reply (not skipped)."""
    steps = content._file("urgent_steps")
    return [d for d, e in steps.items() if intent not in (e.get("skip_for_intents") or [])]


def _state(urgent: bool) -> str:
    return "urgent" if urgent else "not-urgent"


def _facets(intent: str, who: Optional[Who], urgent: bool, kind: str) -> Dict[str, str]:
    return {"intent": intent, "audience": who.audience if who else "anyone", "age": who.band if who else "",
            "urgent": "yes" if urgent else "no", "kind": kind}


def topic_cases() -> Iterator[Case]:
    for intent, heading in topic_names():
        urgent_options = (True,) if taxonomy.is_crisis_intent(intent) else (False, True)
        for who in everyone():
            for urgent in urgent_options:
                base = f"{intent}/{who.slug}/{_state(urgent)}"
                say = f"{who.label} · {'urgent' if urgent else 'not urgent'}"

                def case(kind: str, label: str, reply: replies.Reply) -> Case:
                    return Case(f"{base}/{kind}", heading, f"{say} · {label}", reply, _facets(intent, who, urgent, kind))

                yield case("answer", "first answer", replies.signpost(intent, who.audience, urgent, age=who.age))
                if urgent:
                    for danger in dangers(intent):
                        yield case(f"answer.danger-{danger}", f"first answer, danger found: {danger.replace('_', ' ')}",
                                   replies.signpost(intent, who.audience, True, age=who.age, danger=danger))
                if who.audience == "young_person":
                    yield case("friend", "helping a friend",
                               replies.signpost(intent, who.audience, urgent, age=who.age, writer="friend"))
                for kind in replies.FOLLOW_UPS:
                    yield case(f"button.{kind}", f"button “{content.button_title(kind)}”",
                               replies.follow_up(kind, intent, who.audience, urgent, age=who.age))
                for kind in question_kinds(intent):
                    yield case(f"question.{kind}", f"question “{kind.replace('_', ' ')}”",
                               replies.answer_question(kind, intent, who.audience, urgent, who.age))


def addition_cases() -> Iterator[Case]:
    """Lines added to a topic reply by the conversation, shown once on one topic each."""
    intent, section = "bullying", "Lines the conversation adds to a topic reply"
    for who in everyone():
        if who.band not in ("", "age-not-given"):
            continue
        facets = _facets(intent, who, False, "")
        reply = replies.signpost(intent, who.audience, False, platform=EXAMPLE_APP)
        yield Case(f"{intent}/{who.slug}/not-urgent/answer.app-named", section,
                   f"{who.label} · an app was named ({EXAMPLE_APP})", reply, {**facets, "kind": "answer.app-named"})
        reply = replies.signpost(intent, who.audience, False, also="grooming", runner_up="image_sharing")
        yield Case(f"{intent}/{who.slug}/not-urgent/answer.also-and-runner-up", section,
                   f"{who.label} · a second worry mentioned, and a close runner-up topic", reply,
                   {**facets, "kind": "answer.also-and-runner-up"})
        reply = replies.signpost(intent, who.audience, False)
        reply.messages.insert(0, replies.message(content.conversation("detail_ack")))
        yield Case(f"{intent}/{who.slug}/not-urgent/answer.after-detail", section,
                   f"{who.label} · re-answered after a detail (“she's 14”)", reply, {**facets, "kind": "answer.after-detail"})
        for kind, label, cards in (("detail-same", "a detail that changes nothing (“it's on snapchat” again)", []),
                                   ("detail-new-cards", "a detail that adds cards (a new age)",
                                    replies.signpost(intent, who.audience, False).services[:1])):
            yield Case(f"{intent}/{who.slug}/not-urgent/answer.{kind}", section, f"{who.label} · {label}",
                       replies.detail_answer(intent, cards), {**facets, "kind": f"answer.{kind}"})
        reply = replies.ask_safe(replies.signpost(intent, who.audience, False), who.audience)
        yield Case(f"{intent}/{who.slug}/not-urgent/answer.ask-safe", section,
                   f"{who.label} · the risk step is unsure: “are you safe?”", reply, {**facets, "kind": "answer.ask-safe"})


def conversation_cases() -> Iterator[Case]:
    section = "Conversation turns (not a topic)"
    for who in everyone():
        def case(kind: str, label: str, reply: replies.Reply, urgent: bool = False, sec: str = section) -> Case:
            return Case(f"conversation/{who.slug}/{kind}", sec, f"{who.label} · {label}", reply,
                        _facets("conversation", who, urgent or reply.urgent, kind))

        for key in SMALL_TALK:
            yield case(key, f"“{key.replace('_', ' ')}”",
                       replies.small_talk(key, with_menu=key in ("greet", "thanks"), audience=who.audience, age=who.age))
        yield case("capabilities", "“what can you do”",
                   replies.small_talk("capabilities", with_menu=True, audience=who.audience, age=who.age))
        yield case("all_services", "“Show me all services”", replies.all_services(who.audience, who.age))
        yield case("says_who_they_are", "says who they are, no topic yet", replies.audience_set(who.audience))
        yield case("detail_no_topic", "gives a detail, no topic yet", _detail_no_topic(who.audience))
        yield case("hesitation", "“idk how to say it”", replies.hesitation(who.audience, False, who.age))
        yield case("hesitation.urgent", "“idk how to say it”, with a risk", replies.hesitation(who.audience, True, who.age))
        yield case("safe_now", "“i'm safe now”", replies.safe_now(who.audience, who.age))
        for urgent in (False, True):
            after = "after an urgent reply" if urgent else "after an ordinary reply"
            yield case(f"misunderstood.{_state(urgent)}", f"“You misunderstood” {after}",
                       replies.misunderstood(who.audience, urgent, who.age), urgent)
            yield Case(f"degraded/{who.slug}/{_state(urgent)}/any-message", "When the assistant fails (degraded)",
                       f"{who.label} · {'urgent' if urgent else 'ordinary'} message",
                       replies.degraded(who.audience, urgent, who.age), _facets("degraded", who, urgent, "any-message"))
            for kind in any_question_kinds():
                yield Case(f"no-topic/{who.slug}/{_state(urgent)}/question.{kind}", "Questions asked before any topic",
                           f"{who.label} · {'urgent' if urgent else 'not urgent'} · question “{kind.replace('_', ' ')}”",
                           replies.answer_question(kind, None, who.audience, urgent, who.age),
                           _facets("no-topic", who, urgent, f"question.{kind}"))


def _detail_no_topic(audience: str) -> replies.Reply:
    """As actions/unfold.py ActionRefine builds it (an adult's acknowledgement first)."""
    reply = replies.Reply(messages=[replies.message(content.conversation("detail_no_topic"), replies.menu_buttons())])
    if audience in taxonomy.ADULT_AUDIENCES:
        reply.messages.insert(0, replies.message(content.audience_ack(audience)))
    return reply


def anyone_cases() -> Iterator[Case]:
    """Replies that do not depend on who is asking (they do not know yet)."""
    section = "Conversation turns (not a topic)"
    for kind, label, reply in (
        ("not_english", "a message not in English", replies.not_english()),
        ("not_english_19_plus", "a message not in English, aged 19 or over", replies.not_english(age=19)),
        ("clarify", "not understood", replies.clarify()),
        ("clarify_likely", "not understood, two likely topics", replies.clarify(["bullying", "grooming"])),
        ("menu", "“Something else”", replies.menu()),
    ):
        yield Case(f"conversation/anyone/{kind}", section, f"Anyone · {label}", reply, _facets("conversation", None, reply.urgent, kind))
    # The API's own error replies (api/routes/chat.py, api/errors.py): text only, no cards.
    for kind, label, text in (
        ("rate_limited", "sending messages too fast (HTTP 429)", content.rate_limited()),
        ("internal_error", "an error in the API (HTTP 500)", content.conversation("internal_error")),
    ):
        yield Case(f"api/anyone/{kind}", "Errors the API answers itself", f"Anyone · {label}",
                   replies.Reply(messages=[replies.message(text)]), _facets("api", None, False, kind))


def cases() -> List[Case]:
    """Every reply, in page order. Ids are unique (tests/test_signoff.py checks it)."""
    return [*topic_cases(), *addition_cases(), *conversation_cases(), *anyone_cases()]
