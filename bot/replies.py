"""Builds every reply as data: messages (text + buttons) and the services chosen.

Used by the Rasa actions (normal path) and by the API when the assistant fails (degraded
path), so both say the same things in the same order.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from bot import content, directory, taxonomy
from bot.taxonomy import DEFAULT_AUDIENCE

# The reply is sent to the client as a custom message with this key; the API reads it.
PAYLOAD_KEY = "signpost"


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

    def payload(self) -> Dict:
        return {
            "topic": self.topic,
            "urgent": self.urgent,
            "intent": self.intent,
            "services": directory.cards(self.services),
        }


def emergency_first(services: List[str], audience: str) -> List[str]:
    """Police Scotland (999) first; for a young person Childline second; no duplicates."""
    lead = ["police_scotland"] + (["childline"] if audience == "young_person" else [])
    return lead + [s for s in services if s not in lead]


def menu_buttons() -> List[Dict[str, str]]:
    buttons = [
        button(taxonomy.topic_label(t), f"/{taxonomy.primary_intent(t)}")
        for t in taxonomy.topic_ids()
    ]
    return buttons + [button(content.button_title("all_services"), "/show_services")]


def follow_up_buttons(audience_chosen: bool) -> List[Dict[str, str]]:
    buttons = []
    if not audience_chosen:
        buttons += [
            button(content.button_title("parent"), "/audience_parent"),
            button(content.button_title("professional"), "/audience_professional"),
        ]
    return buttons + [button(content.button_title("all_services"), "/show_services")]


def signpost(intent: str, audience: str, urgent: bool, audience_chosen: bool = True) -> Reply:
    audience = content.audience_or_default(audience)
    guide = content.guidance(intent, audience)
    urgent = urgent or taxonomy.is_urgent_intent(intent)
    services = emergency_first(guide.services, audience) if urgent else guide.services
    messages = [message(content.emergency(audience))] if urgent else []
    steps = "\n".join(f"• {s}" for s in guide.steps)
    messages += [
        message(guide.intro),
        message(f"{content.conversation('steps_heading')}\n{steps}"),
        message(content.conversation("services_heading"), follow_up_buttons(audience_chosen)),
    ]
    return Reply(taxonomy.topic_for(intent), urgent, messages, services, intent)


def small_talk(key: str, with_menu: bool = False) -> Reply:
    buttons = menu_buttons() if with_menu else []
    return Reply(messages=[message(content.conversation(key), buttons)], intent=key)


def clarify() -> Reply:
    return Reply(messages=[message(content.conversation("clarify"), menu_buttons())])


def all_services(audience: str) -> Reply:
    return Reply(
        messages=[message(content.conversation("all_services_heading"))],
        services=content.all_services(audience),
    )


def audience_set(audience: str) -> Reply:
    return Reply(
        messages=[message(content.audience_ack(audience)), message(content.conversation("menu"), menu_buttons())]
    )


def degraded(audience: Optional[str], urgent: bool) -> Reply:
    """What the API says when the assistant cannot answer: never a blank."""
    audience = content.audience_or_default(audience or DEFAULT_AUDIENCE)
    messages = [message(content.emergency(audience))] if urgent else []
    messages.append(message(content.conversation("degraded")))
    services = content.crisis_services(audience) if urgent else content.all_services(audience)[:4]
    if urgent:
        services = emergency_first(services, audience)
    return Reply(None, urgent, messages, services)
