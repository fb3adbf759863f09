"""Conversations that unfold: the conversation state in slots, and the turns that
add to it: a detail, a question inside the topic, testing the water, "i'm safe now", a
message not in English.

Every action reads the state with `heard(tracker)` (the slots, then what this message says),
keeps the emergency line first while the conversation is urgent (`keep_urgent`), and returns
`state_events(state)` so the state is kept for the next turn. `Turn` does all three for an
action that answers with one reply and leaves the state as it heard it.
"""
import re
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_state
from actions.dispatch import Answer, send
from bot.domain import content, replies, taxonomy
from bot.domain.conversation_state import State, escalated, heard as state_heard, keep_topic, risk_after
from bot.domain.replies import Reply
from bot.nlu.risk.assess import Risk, with_conversation
from bot.nlu.risk.facts import Facts
from bot.domain.taxonomy import ADULT_AUDIENCES, AUDIENCES, DEFAULT_AUDIENCE, topic_for
from bot.domain.uncertainty import likely_topics, runner_up


# "will the police be told about this chat": a question about this assistant, not the topic.
ABOUT_THIS_CHAT = re.compile(r"\b(this|the) (chat|conversation|bot|app here)\b|\bwhat i (write|say|type) here\b", re.I)
# The classifier's topic for a message, when it is at least this sure.
MESSAGE_TOPIC = 0.4


def concern_of(tracker: Tracker) -> Optional[str]:
    """A worry said beside something else ("i'm 19 and i feel really low", "i'm safe now, i just
    feel really low"): the context cues' concern (bot/nlu/context_patterns.yml, concerns)."""
    return tracker_state.cues(tracker).get("concern")


def top_intent(tracker: Tracker) -> Optional[str]:
    """The classifier's own first intent (before the conversation turn replaced it)."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return ranking[0].get("name") if ranking else None


def message_topic(tracker: Tracker) -> Optional[str]:
    """The topic intent the classifier is fairly sure this message is about, if any."""
    for ranked in tracker.latest_message.get("intent_ranking") or []:
        if topic_for(ranked.get("name")):
            return ranked["name"] if (ranked.get("confidence") or 0.0) >= MESSAGE_TOPIC else None
    return None


# Private contact: messages, DMs, adding on an app (a coach or teacher contacting a pupil).
PRIVATE_CONTACT = re.compile(r"\b(messag\w*|dm\w*|text\w*|snap\w*|insta\w*|whatsapp\w*|add(ed|s|ing)? me|follow(s|ed|ing)? me|"
                             r"chat\w* to me|private\w*|secret\w*)\b", re.I)


def position_of_trust(tracker: Tracker, cues: Dict) -> bool:
    """An adult in a position of trust (teacher, coach, tutor) contacting a young person
    privately: a grooming concern, never bullying (unless bullying is named)."""
    text = tracker.latest_message.get("text") or ""
    return cues.get("person") == "teacher" and cues.get("audience") != "professional" \
        and bool(PRIVATE_CONTACT.search(text)) and not re.search(r"bull", text, re.I)


def abused_by_a_partner(facts: Facts) -> bool:
    """Abuse told of a boyfriend or girlfriend near their own age, and nobody else: the
    controlling-relationship answer fits. An adult "boyfriend" of a child stays grooming."""
    return "partner" in facts.other and not facts.adult_other \
        and not facts.other & {"adult", "older", "trusted", "stranger", "online", "family"}


def _int(value) -> Optional[int]:
    return int(value) if value is not None else None


def current_state(tracker: Tracker) -> State:
    """The state kept in slots from earlier turns."""
    risk = tracker.get_slot("risk") or ("urgent" if tracker.get_slot("last_urgent") else "none")
    writer = tracker.get_slot("writer") or tracker.get_slot("audience")
    return State(
        writer=writer, subject=tracker.get_slot("subject"), subject_age=_int(tracker.get_slot("subject_age")),
        writer_age=_int(tracker.get_slot("age")), other_person=tracker.get_slot("other_person"),
        app=tracker.get_slot("app"), intent=tracker.get_slot("last_intent"), risk=risk,
    )


def heard(tracker: Tracker) -> State:
    """The state with this message read into it (the request's audience wins)."""
    meta = tracker.latest_message.get("metadata") or {}
    audience = meta.get("audience") if meta.get("audience") in AUDIENCES else None
    return state_heard(current_state(tracker), tracker_state.cues(tracker), audience)


def audience_of(state: State) -> str:
    return state.audience or DEFAULT_AUDIENCE


def state_events(state: State) -> List[Dict]:
    events = [SlotSet("writer", state.writer), SlotSet("subject", state.subject),
              SlotSet("subject_age", state.subject_age), SlotSet("age", state.writer_age),
              SlotSet("other_person", state.other_person), SlotSet("app", state.app),
              SlotSet("last_intent", state.intent), SlotSet("risk", state.risk),
              SlotSet("last_urgent", state.urgent)]
    if state.audience:
        events.append(SlotSet("audience", state.audience))
    return events


def keep_urgent(reply: Reply, state: State) -> Reply:
    """While the conversation is urgent, every answer keeps the emergency line first."""
    return replies.with_emergency(reply, audience_of(state), state.age) if state.urgent else reply


class Turn(Answer):
    """An action that reads the state, sends one reply and keeps the state as it heard it.
    A subclass names itself (`action_name`) and says what to answer (`reply`)."""

    action_name: Text

    def name(self) -> Text:
        return self.action_name

    @abstractmethod
    def reply(self, tracker: Tracker, state: State) -> Reply:
        """The answer to this message, given the conversation state."""

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        state = heard(tracker)
        risk, facts = conversation_risk(tracker)
        if urgent_only_with_the_conversation(risk):
            return signpost_turn(dispatcher, tracker, state, "danger")
        send(dispatcher, self.reply(tracker, state))
        return state_events(state) + [SlotSet("risk_facts", facts.as_dict())]


def urgent_only_with_the_conversation(risk: Risk) -> bool:
    """A signed rule holds only now that this message joins the earlier ones ("im 14 and i really
    like this guy", then "hes 19, is that too big a gap?"): the emergency answer, whatever this
    message alone would have been answered with (small talk, "which of these is closest?")."""
    return risk.urgent and any(e.endswith("@conversation") for e in risk.evidence)


def conversation_risk(tracker: Tracker) -> Tuple[Risk, Facts]:
    """This message's risk read with the facts of the conversation so far (bot/nlu/risk/assess.py),
    and the facts to keep for the next turn (slot risk_facts)."""
    return with_conversation(tracker_state.risk(tracker), Facts.from_dict(tracker.get_slot("risk_facts")))


def signpost_turn(dispatcher: CollectingDispatcher, tracker: Tracker, state: State, intent: str,
                  offer_audience: bool = False, lead: Optional[str] = None) -> List[Dict]:
    """Answers `intent` read with the conversation so far: a new fact may make it urgent and
    keep the topic (bot/domain/conversation_state.py, bot/nlu/risk/assess.py). `lead`: a line before the
    answer. Unsure whether anyone is in danger: the answer, then "Are you safe right now?" once."""
    cues = tracker_state.cues(tracker)
    risk, facts = conversation_risk(tracker)
    safety_urgent = tracker_state.safety_urgent(tracker) or risk.urgent
    danger = tracker_state.danger(tracker) or risk.danger
    if risk.urgent and risk.topic and not tracker_state.safety_urgent(tracker):
        intent = taxonomy.primary_intent(risk.topic)  # a rule that held only with the conversation
    escalation = cues.get("escalation")
    if escalation == "meeting" and not risk.urgent and any(e.startswith("lowered:") for e in risk.evidence):
        # The risk step read this meeting and found it over or between adults ("we met last
        # summer", "i'm 20 and he wants to meet"): the cue does not undo that judgement.
        escalation = None
    intent, escalation_urgent, escalation_danger = escalated(state, intent, escalation, safety_urgent)
    if safety_urgent and state.intent and (topic_for(intent) is None or tracker_state.guessed_topic(tracker)):
        intent = keep_topic(state.intent, intent)  # "danger" in a chat about grooming stays grooming
    if topic_for(intent) == "bullying" and position_of_trust(tracker, cues):
        intent = "grooming"  # a coach or teacher privately messaging a pupil is not bullying
    if intent == "abuse_disclosure" and abused_by_a_partner(facts):
        intent = "relationship_abuse"  # her boyfriend hits her: an abusive relationship, not grooming
    urgent = safety_urgent or escalation_urgent or state.urgent
    if not urgent:
        # Texts written for a crisis answer only a crisis ("what is sextortion?" is a question).
        intent = taxonomy.calm_intent(intent) or state.intent or intent
    if intent == "danger" and not urgent:
        # The classifier heard danger, the risk step did not: ask what it is about, and ask once
        # whether they are safe, rather than answer a danger that may not be there.
        reply = replies.clarify(likely_topics(tracker.latest_message.get("intent_ranking")))
    else:
        reply = replies.signpost(
            intent, audience_of(state), urgent=urgent, offer_audience=offer_audience, age=state.age,
            platform=state.app, also=tracker.latest_message.get("also"),
            runner_up=runner_up(tracker.latest_message.get("intent_ranking"), replies.topic_of(intent)),
            danger=danger or escalation_danger,
            # "i forwarded her nudes to my mates": a situation is the writer's own, never a friend's
            writer=None if intent in content.situations() else state.writer,
        )
    shown = list(tracker.get_slot("shown_cards") or [])
    if not reply.urgent:  # cards already shown are not shown again unless asked
        fresh = [s for s in reply.services if s not in shown]
        if lead and intent == state.intent and _same_answer(reply, tracker, intent):
            reply, lead = replies.detail_answer(intent, fresh), None  # never the same reply again
        else:
            reply.services = fresh
    if lead:
        reply.messages.insert(1 if reply.urgent else 0, replies.message(lead))
    ask = (risk.unsure or intent == "danger") and not reply.urgent and not tracker.get_slot("risk_asked")
    if ask:
        replies.ask_safe(reply, audience_of(state))
    send(dispatcher, reply)
    if intent == "danger" and not reply.urgent:
        intent = state.intent  # nothing was answered: the topic so far stays
    state = State(**{**state.as_dict(), "intent": intent, "risk": risk_after(reply.urgent, intent, state.risk)})
    shown += [s for s in reply.services if s not in shown]
    return state_events(state) + [SlotSet("risk_facts", facts.as_dict()), SlotSet("shown_cards", shown)] + (
        [SlotSet("risk_asked", True)] if ask else [])


def _same_answer(reply: Reply, tracker: Tracker, intent: str) -> bool:
    """Whether the detail left the words of the answer as they were before it (the age can change
    the texts for 18+, the app adds its report button)."""
    before = current_state(tracker)
    earlier = replies.signpost(intent, audience_of(before), urgent=False, age=before.age, platform=before.app,
                               writer=None if intent in content.situations() else before.writer)
    return [m["text"] for m in earlier.messages[:1]] == [m["text"] for m in reply.messages[:1]]


class ActionRefine(Answer):
    """A detail ("she's 14", "it's on snapchat", "he's an adult") or a new fact re-answers the
    current topic with it; with no topic yet, it is kept and the person is asked what happened."""

    def name(self) -> Text:
        return "action_refine"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        state = heard(tracker)
        if state.intent:
            return signpost_turn(dispatcher, tracker, state, state.intent, lead=content.conversation("detail_ack"))
        if tracker_state.cues(tracker).get("escalation") or tracker_state.safety_urgent(tracker):
            # No topic yet: the classifier's best topic for this message, else danger.
            ranking = tracker.latest_message.get("intent_ranking") or []
            likely = next((r["name"] for r in ranking if topic_for(r.get("name"))), None)
            return signpost_turn(dispatcher, tracker, state, likely or "danger")
        risk, facts = conversation_risk(tracker)
        if urgent_only_with_the_conversation(risk):
            return signpost_turn(dispatcher, tracker, state, "danger")
        concern = concern_of(tracker)
        if concern:  # "im 15 and depressed": the concern, not "what is happening?"
            return signpost_turn(dispatcher, tracker, state, concern)
        reply = Reply(messages=[replies.message(content.conversation("detail_no_topic"), replies.menu_buttons())])
        if state.writer in ADULT_AUDIENCES:
            reply.messages.insert(0, replies.message(content.audience_ack(state.writer)))
        send(dispatcher, keep_urgent(reply, state))
        return state_events(state) + [SlotSet("risk_facts", facts.as_dict())]  # "i'll keep that in mind"


class ActionAnswerQuestion(Answer):
    """'should i just pay', 'will i get in trouble', 'who can i talk to' ... answered for the
    current topic, or the situation the conversation is in (someone else's nude, a witness, my
    own thoughts), the audience and the age."""

    def name(self) -> Text:
        return "action_answer_question"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        state = heard(tracker)
        cues = tracker_state.cues(tracker)
        kind = cues.get("question") or "tell_parents"
        urgent = tracker_state.safety_urgent(tracker) or state.urgent
        about_chat = ABOUT_THIS_CHAT.search(tracker.latest_message.get("text") or "") or (
            not state.intent and not tracker_state.situation(tracker) and top_intent(tracker) == "ask_privacy")
        if kind in ("find_out", "anonymous") and about_chat:
            # "will the police be told about this chat", or "will my parents find out" before any
            # worry was told: about this assistant's privacy
            reply = keep_urgent(replies.small_talk("ask_privacy", audience=audience_of(state), age=state.age), state)
            send(dispatcher, reply)
            return state_events(state)
        # This message's situation ("i forwarded her nude, will i get in trouble"), else the
        # conversation's topic, else what this message is about.
        intent = (tracker_state.situation(tracker) or state.intent
                  or (tracker.latest_message.get("safety") or {}).get("intent") or message_topic(tracker))
        reply = replies.answer_question(kind, intent, audience_of(state), urgent, state.age, platform=state.app)
        send(dispatcher, reply)
        return state_events(State(**{**state.as_dict(), "intent": intent or state.intent,
                                     "risk": risk_after(reply.urgent, intent, state.risk)}))


class ActionHesitation(Turn):
    """'idk how to say it', 'can u help': take your time; 999 first only when there is a risk."""

    action_name = "action_hesitation"

    def reply(self, tracker: Tracker, state: State) -> Reply:
        urgent = state.urgent or tracker_state.safety_urgent(tracker)
        return replies.hesitation(audience_of(state), urgent, state.age)


class ActionSafeNow(Answer):
    """'i'm safe now': the emergency line stops leading every answer; the support for the worry
    stays ("it's ok i'm safe now, i just feel really low" gets the self-harm lines for the age)."""

    def name(self) -> Text:
        return "action_safe_now"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        state = heard(tracker)
        concern = concern_of(tracker)
        send(dispatcher, replies.safe_now(audience_of(state), state.age, intent=state.intent, concern=concern))
        intent = concern or state.intent
        calm = "concern" if intent else "none"
        return state_events(State(**{**state.as_dict(), "intent": intent, "risk": calm}))


class ActionNotEnglish(Answer):
    """A message not in English: never read as a topic or as who is writing."""

    def name(self) -> Text:
        return "action_not_english"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        state = heard(tracker)
        send(dispatcher, replies.not_english(tracker.latest_message.get("language"), audience_of(state), state.age))
        return []
