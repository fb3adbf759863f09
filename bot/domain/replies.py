"""Builds every reply as data: messages (text + buttons) and the services chosen.

Used by the Rasa actions (normal path) and by the API when the assistant fails (degraded
path), so both say the same things in the same order.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from bot.domain import content, directory, taxonomy
from bot.domain.taxonomy import DEFAULT_AUDIENCE

# The whole reply (Reply.payload()) is sent as a custom message with this key; the API returns
# it as it is. The plain text utterances beside it are for other Rasa channels and test stories.
PAYLOAD_KEY = "signpost"
# The first card of every urgent reply: 999, and the silent 55 call in its summary.
EMERGENCY = "emergency_999"
# At most this many steps when urgent steps for the danger come before the topic's own.
MAX_URGENT_STEPS = 5
# The follow-up buttons under each answer: kind -> the intent its button sends (the titles are
# in bot/content/conversation.yml, buttons).
FOLLOW_UPS = {"steps": "followup_steps", "report": "followup_report", "talk": "followup_talk",
              "more": "followup_more"}
# The follow-ups every answer offers as buttons; "more" is offered only when cards were held back.
BUTTON_KINDS = ("steps", "report", "talk")
# A young person's topic answer shows the topic's best cards (the first in its ordered list, as
# bot/content/<intent>.yml gives them) and a "More services" button for the rest (issue 19).
BEST_CARDS = 3
# "Talk to someone now" outside an emergency: at least this many lines, the worry's own first.
TALK_LINES = 4


def message(text: str, buttons: Optional[List[Dict[str, str]]] = None) -> Dict:
    return {"text": text, "buttons": buttons or []}


def button(title: str, payload: str) -> Dict[str, str]:
    return {"title": title, "payload": payload}


@dataclass
class Reply:
    topic: Optional[str] = None
    urgent: bool = False
    messages: List[Dict] = field(default_factory=list)
    services: List[str] = field(default_factory=list)
    intent: Optional[str] = None
    language: Optional[str] = None  # a message not in English: its language, for /metrics

    def payload(self) -> Dict:
        """The finished reply as data, the one form that crosses the process boundary: the
        messages with their buttons, the topic, urgency, intent, language and the service cards."""
        return {
            "topic": self.topic,
            "urgent": self.urgent,
            "intent": self.intent,
            "language": self.language,
            "messages": [message(m["text"], [dict(b) for b in m["buttons"]]) for m in self.messages],
            "services": directory.cards(self.services),
        }


def topic_of(intent: Optional[str]) -> Optional[str]:
    """The topic of a topic intent, or of a situation (bot/content/situations/)."""
    return taxonomy.topic_for(intent) or content.situation_topic(intent)


def for_age(services: List[str], audience: str, age: Optional[int]) -> List[str]:
    """Drops services a young person is too young or too old for (e.g. 13+ or under-19)."""
    if audience != "young_person" or age is None:
        return services
    kept = [s for s in services if directory.get(s).suits_age(age)]
    return kept or ["police_scotland"]


def emergency_first(services: List[str], audience: str, age: Optional[int] = None) -> List[str]:
    """The emergency card (999, with the silent 55 call) first; for a young person Childline
    second, or Samaritans for a young adult too old for Childline (the same services the
    emergency line names); no duplicates."""
    lead = [EMERGENCY]
    if audience == "young_person":
        lead.append("childline" if directory.get("childline").suits_age(age) else "samaritans")
    return lead + [s for s in services if s not in lead]


def menu_buttons() -> List[Dict[str, str]]:
    buttons = [
        button(taxonomy.topic_label(t), f"/{taxonomy.primary_intent(t)}")
        for t in taxonomy.topic_ids()
    ]
    return buttons + [button(content.button_title("all_services"), "/show_services")]


def follow_up_buttons(offer_audience: bool) -> List[Dict[str, str]]:
    buttons = [button(content.button_title(kind), f"/{FOLLOW_UPS[kind]}") for kind in BUTTON_KINDS]
    buttons.append(button(content.button_title("something_else"), "/something_else"))
    if offer_audience:  # "I'm a parent or carer", "I'm a teacher or staff"
        buttons += [button(content.button_title(a), f"/{taxonomy.audience_intent(a)}") for a in taxonomy.ADULT_AUDIENCES]
    return buttons


def best_cards(services: List[str]) -> Tuple[List[str], List[str]]:
    """(shown, held back): everyone sees the topic's BEST_CARDS best services (first in its
    ordered list for the audience), the rest behind "More services": a reply read on a phone.
    The emergency route is put in front later (with_emergency) and is never held back."""
    return services[:BEST_CARDS], services[BEST_CARDS:]


def _steps_text(guide: content.Guidance, topic: Optional[str], platform: Optional[str],
                first: Optional[List[str]] = None) -> str:
    steps = list(guide.steps)
    if first:  # steps that fit the danger come before the topic's usual steps
        steps = (first + [s for s in steps if s not in first])[:MAX_URGENT_STEPS]
    if platform and taxonomy.is_reportable(topic):
        steps.append(content.conversation("platform_step").format(platform=platform))
    return content.conversation("steps_heading") + "\n" + "\n".join(f"• {s}" for s in steps)


def topic_button(topic: str) -> Dict[str, str]:
    return button(taxonomy.topic_label(topic), f"/{taxonomy.primary_intent(topic)}")


def other_topics(topic: Optional[str], also: Optional[str], runner_up: Optional[str]) -> List[Dict]:
    """'You also mentioned ...' (a second concern) and 'Is this more about ...?' (a close
    runner-up), each offered as a button; never the current topic, never the same one twice."""
    messages = []
    if also and also != topic:
        label = taxonomy.topic_label(also)
        messages.append(message(content.conversation("also_mentioned").format(label=label), [topic_button(also)]))
    if runner_up and runner_up not in (topic, also):
        label = taxonomy.topic_label(runner_up)
        messages.append(message(content.conversation("more_about").format(label=label), [topic_button(runner_up)]))
    return messages


def signpost(
    intent: str,
    audience: str,
    urgent: bool,
    offer_audience: bool = False,
    age: Optional[int] = None,
    platform: Optional[str] = None,
    also: Optional[str] = None,
    runner_up: Optional[str] = None,
    danger: Optional[str] = None,
    writer: Optional[str] = None,
) -> Reply:
    """danger: the safety net's first category ("meeting", "immediate_danger" ...); in an
    urgent reply its steps (bot/content/urgent_steps.yml) come before the topic's.
    writer "friend": a young person helping a friend gets the friend's intro and steps
    (bot/content/friend.yml) instead of the text for the one it is happening to."""
    audience = content.audience_or_default(audience)
    guide = content.guidance(intent, audience, age)
    topic = topic_of(intent)
    if writer == "friend" and audience == "young_person" and not content.is_young_adult(audience, age):
        intro, steps = content.friend(intent, topic)
        guide = content.Guidance(intro, steps, guide.services, guide.what_next, guide.report)
    services, held_back = best_cards(for_age(guide.services, audience, age))
    if urgent:  # the steps for the danger are the answer: all of them, at once
        first = content.urgent_steps(danger, intent, audience, age)
        messages = [message(guide.intro), message(_steps_text(guide, topic, platform, first))]
    else:  # a phone in a hurry: what it is and the one thing to do now; the rest on request
        text = f"{guide.intro}\n{content.conversation('first_step_heading')} {guide.steps[0]}"
        if platform and taxonomy.is_reportable(topic):
            text += "\n" + content.conversation("platform_step").format(platform=platform)
        messages = [message(text)]
    buttons = follow_up_buttons(offer_audience and not urgent)
    if held_back:
        buttons.insert(len(BUTTON_KINDS), button(content.button_title("more"), f"/{FOLLOW_UPS['more']}"))
    messages.append(message(content.conversation("services_heading"), buttons))
    messages += other_topics(topic, also, runner_up)
    return _urgent_if(Reply(topic, False, messages, services, intent), urgent, audience, age)


def detail_answer(intent: str, new_cards: List[str]) -> Reply:
    """A detail that leaves the answer as it was: a short acknowledgement, and only the cards it
    adds (a new age can add Samaritans), never the same reply again."""
    text = content.conversation("detail_new_cards" if new_cards else "detail_same")
    return Reply(topic_of(intent), False, [message(text, follow_up_buttons(False))], new_cards, intent)


def _talk_services(services: List[str], audience: str, age: Optional[int], urgent: bool) -> List[str]:
    """Of these services, those someone can phone or text now. Urgent: 999 first (and Childline
    or Samaritans); otherwise the worry's own lines, never the emergency card; none at all: the
    audience's crisis lines without the police."""
    chosen = emergency_first(services, audience, age) if urgent else list(services)
    crisis = [s for s in for_age(content.crisis_services(audience, age), audience, age) if s != "police_scotland"]
    talk = [s for s in chosen if directory.get(s).phone or directory.get(s).text]
    if urgent:
        return talk
    # The worry's own lines, then the audience's lines to talk anything through (Childline for
    # a young person, Samaritans at 19+, the NSPCC Helpline for an adult) when missing.
    return (talk + [s for s in crisis if s not in talk])[:max(len(talk), TALK_LINES)]


def follow_up(kind: str, intent: str, audience: str, urgent: bool, age: Optional[int] = None,
              platform: Optional[str] = None) -> Reply:
    """'What to do now', 'How to report', 'Talk to someone now' or 'More services' (the cards a
    young person's answer held back; every card of the topic when none were) for the last topic
    (or situation), audience and age; `platform`: the app, whose report button the answer names."""
    audience = content.audience_or_default(audience)
    guide = content.guidance(intent, audience, age)
    services = for_age(guide.services, audience, age)
    topic = topic_of(intent)
    if kind == "steps":
        text = _steps_text(guide, topic, platform)
        if guide.what_next:
            text += f"\n{content.conversation('what_next_heading')}\n{guide.what_next}"
    elif kind == "report":
        text = f"{content.conversation('report_heading')}\n{guide.report or guide.steps[-1]}"
        if platform and taxonomy.is_reportable(topic):
            text += "\n" + content.conversation("platform_step").format(platform=platform)
    elif kind == "more":
        services = best_cards(services)[1] or services
        text = content.conversation("more_heading")
    else:  # talk: services someone can phone or text now, for this worry
        services, text = _talk_services(services, audience, age, urgent), content.conversation("talk_heading")
    reply = Reply(topic, False, [message(text, follow_up_buttons(False))], services, intent)
    return _urgent_if(reply, urgent, audience, age)


def talk_to_someone(audience: str, urgent: bool, age: Optional[int] = None) -> Reply:
    """'Who can I talk to' before any topic: the lines anyone can phone or text now, for this
    audience and age, and the topics to say more."""
    audience = content.audience_or_default(audience)
    services = _talk_services(for_age(content.all_services(audience, age), audience, age), audience, age, urgent)
    reply = Reply(None, False, [message(content.conversation("talk_heading"), menu_buttons())], services, "talk")
    return _urgent_if(reply, urgent, audience, age)


def small_talk(key: str, with_menu: bool = False, audience: Optional[str] = None,
               age: Optional[int] = None) -> Reply:
    """Texts that differ by who is asking ("are you a bot?" points a parent or teacher to
    their own lines, not Childline) come with those lines as cards."""
    buttons = menu_buttons() if with_menu else []
    text, services = content.small_talk(key, audience or DEFAULT_AUDIENCE, age)
    return Reply(messages=[message(text, buttons)], services=for_age(services, audience or DEFAULT_AUDIENCE, age),
                 intent=key)


def clarify(likely: Optional[List[str]] = None) -> Reply:
    """A short question; the most likely topics first when the classifier has a guess."""
    if not likely:
        return Reply(messages=[message(content.conversation("clarify"), menu_buttons())])
    buttons = [topic_button(t) for t in likely] + [
        button(content.button_title("something_else"), "/something_else"),
        button(content.button_title("all_services"), "/show_services"),
    ]
    return Reply(messages=[message(content.conversation("clarify_likely"), buttons)])


def menu() -> Reply:
    return Reply(messages=[message(content.conversation("menu"), menu_buttons())])


def misunderstood(audience: str, after_urgent: bool, age: Optional[int] = None) -> Reply:
    """Acknowledges a mistake; after an urgent reply the emergency route stays visible."""
    audience = content.audience_or_default(audience)
    if not after_urgent:
        return Reply(messages=[message(content.conversation("misunderstood"), menu_buttons())])
    reply = Reply(
        messages=[message(content.conversation("misunderstood_after_urgent"), menu_buttons())],
        services=for_age(content.crisis_services(audience, age), audience, age),
    )
    return with_emergency(reply, audience, age)


def all_services(audience: str, age: Optional[int] = None) -> Reply:
    return Reply(
        messages=[message(content.conversation("all_services_heading"))],
        services=for_age(content.all_services(audience, age), audience, age),
    )


def audience_set(audience: str) -> Reply:
    return Reply(
        messages=[message(content.audience_ack(audience)), message(content.conversation("menu"), menu_buttons())]
    )


def with_emergency(reply: Reply, audience: Optional[str], age: Optional[int] = None) -> Reply:
    """The emergency route first (the line and the 999 card), unless the reply has it already.
    The one place the route is put in front of a reply, for every path: a topic's answer,
    follow-ups, questions, "you misunderstood", hesitation, not English, the API's guard for a
    safety-net hit and the degraded reply. Who it is for (audience, age) decides its line:
    Childline for a young person under 19, Samaritans for an adult (bot/content/emergency.yml)."""
    if reply.urgent:
        return reply
    audience = content.audience_or_default(audience or DEFAULT_AUDIENCE)
    reply.urgent = True
    reply.messages.insert(0, message(content.emergency(audience, age)))
    reply.services = emergency_first(reply.services, audience, age)
    return reply


def with_emergency_sent(sent: Dict, audience: Optional[str], age: Optional[int] = None) -> Dict:
    """with_emergency for a reply already finished as data (Reply.payload()): the API's last
    guard puts the same emergency line and cards in front, and changes nothing else."""
    if sent["urgent"]:
        return sent
    lead = with_emergency(Reply(), audience, age).payload()
    lead_ids = {card["id"] for card in lead["services"]}
    return {**sent, "urgent": True, "messages": lead["messages"] + sent["messages"],
            "services": lead["services"] + [c for c in sent["services"] if c["id"] not in lead_ids]}


def _urgent_if(reply: Reply, urgent: bool, audience: Optional[str], age: Optional[int]) -> Reply:
    return with_emergency(reply, audience, age) if urgent else reply


# Every kind of question inside a topic (the `questions` cues of bot/nlu/context_patterns.yml).
QUESTION_KINDS = ("pay", "trouble", "tell_parents", "report", "anonymous", "delete", "school", "block",
                  "find_out", "first", "call", "fault", "talk", "steps")
# Questions answered with the topic's own follow-up: "who can i talk to", "who do i tell" (the
# talk-to-someone lines for this worry), "what now" (what to do now).
QUESTION_FOLLOW_UPS = {"talk": "talk", "steps": "steps"}


def answer_question(kind: str, intent: Optional[str], audience: str, urgent: bool,
                    age: Optional[int] = None, platform: Optional[str] = None) -> Reply:
    """A question inside the current topic ("should i just pay") answered from
    bot/content/questions.yml for the topic or situation, audience and age, then the topic's
    services and the follow-up buttons. "Who can I talk to" and "what now" get the topic's own
    follow-up; before any topic, "who can I talk to" gets the lines anyone can call now."""
    audience = content.audience_or_default(audience)
    if kind in QUESTION_FOLLOW_UPS:
        if intent:
            reply = follow_up(QUESTION_FOLLOW_UPS[kind], intent, audience, urgent, age, platform)
        elif kind == "talk":
            reply = talk_to_someone(audience, urgent, age)
        else:
            return _urgent_if(clarify(), urgent, audience, age)
        if kind == "talk":  # who to tell, for this worry, before the lines
            at = 1 if reply.urgent else 0
            heading = reply.messages[at]["text"]
            reply.messages[at]["text"] = f"{content.question(kind, intent, audience, age)}\n{heading}"
        return reply
    services = for_age(content.guidance(intent, audience, age).services, audience, age) if intent else []
    text = f"{content.conversation('question_heading')}\n{content.question(kind, intent, audience, age)}"
    reply = Reply(topic_of(intent), False, [message(text, follow_up_buttons(False))], services, intent)
    return _urgent_if(reply, urgent, audience, age)


def ask_safe(reply: Reply, audience: Optional[str]) -> Reply:
    """The risk step is unsure: after the answer, "Are you safe right now?" with two buttons.
    Never on an urgent reply (the emergency route is already first)."""
    if reply.urgent:
        return reply
    text, _ = content.small_talk("ask_safe", content.audience_or_default(audience or DEFAULT_AUDIENCE))
    reply.messages.append(message(text, [button(content.button_title("safe_yes"), "/safe_now"),
                                         button(content.button_title("safe_no"), "/danger")]))
    return reply


def hesitation(audience: str, urgent: bool, age: Optional[int] = None) -> Reply:
    """'idk how to say it': take your time; the crisis route only when there is a risk."""
    audience = content.audience_or_default(audience)
    text, _ = content.small_talk("hesitation", audience, age)
    reply = Reply(messages=[message(text, menu_buttons())], intent="hesitation")
    return _urgent_if(reply, urgent, audience, age)


def safe_now(audience: str, age: Optional[int] = None, intent: Optional[str] = None,
             concern: Optional[str] = None) -> Reply:
    """'i'm safe now' ends the emergency line, not the support: the lines to talk to for the
    current topic (`intent`), never the police card. A concern said with it ("i'm safe now, i
    just feel really low") is answered too: glad you are safe, then that worry's answer."""
    audience = content.audience_or_default(audience)
    glad = message(content.conversation("safe_now"), follow_up_buttons(False))
    if concern:
        reply = signpost(concern, audience, urgent=False, age=age)
        reply.messages.insert(0, message(content.conversation("safe_now")))
        reply.intent = concern
        return reply
    services = for_age(content.guidance(intent, audience, age).services, audience, age) if intent else []
    return Reply(topic_of(intent), False, [glad], _talk_services(services, audience, age, False)[:4], "safe_now")


def not_english(language: Optional[str] = None, audience: Optional[str] = None,
                age: Optional[int] = None) -> Reply:
    """A message not in English: in plain English, 999 first, always; then the line for the
    age (Childline under 19; Samaritans and, for 16 and over, Breathing Space from 19), as the
    emergency line itself names it. Unknown audience: a young person."""
    audience = content.audience_or_default(audience or "young_person")
    reply = Reply(messages=[message(content.conversation("not_english"), menu_buttons())],
                  services=for_age(content.talk_now_services(age), "young_person", age),
                  intent="not_english", language=language)
    return with_emergency(reply, audience, age)


def degraded(audience: Optional[str], urgent: bool, age: Optional[int] = None) -> Reply:
    """What the API says when the assistant cannot answer: never a blank."""
    audience = content.audience_or_default(audience or DEFAULT_AUDIENCE)
    services = content.crisis_services(audience, age) if urgent else content.all_services(audience, age)[:4]
    reply = Reply(None, False, [message(content.conversation("degraded"))], for_age(services, audience, age))
    return _urgent_if(reply, urgent, audience, age)
