"""One self-contained HTML page of every reply the assistant can give, for sign-off.

    python -m bot.content_report results/content-report.html     (make content-report)

Built straight from bot/replies.py (the same code the actions and the API's degraded path
use), so it needs no trained model and no action server. For every topic (and situation)
x audience x urgent or not x age band, and every follow-up and conversation turn, it shows
the reply as a user sees it (messages, buttons, service cards), its reading grade, and for
each card the entry of the verified reference it comes from, with the page that verifies
each contact detail and the date it was checked (bot/reference/verified_contacts.yml).

Identical replies are shown once, with every case they answer listed above them.
"""
import argparse
import html
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import textstat

from bot import ROOT, content, directory, replies, taxonomy, verified
from bot.taxonomy import AUDIENCES, DEFAULT_AUDIENCE

YOUNG_PERSON = taxonomy.audience_label(DEFAULT_AUDIENCE)

# Age bands a young person's age can fall in (the age changes which services and texts apply).
AGE_BANDS: List[Tuple[str, Optional[int]]] = [
    ("age not given", None), ("under 13", 11), ("13 to 15", 14), ("16 to 17", 16), ("18", 18), ("19 and over", 20),
]
SMALL_TALK = ("greet", "goodbye", "thanks", "bot_challenge", "ask_privacy")
QUESTION_KINDS = ("pay", "trouble", "tell_parents", "report", "anonymous", "delete", "school", "block")
GRADE_LIMIT = 6  # young people's texts aim for a reading age of about 11


@dataclass
class Case:
    section: str
    label: str
    reply: replies.Reply
    young_person: bool = False


@dataclass
class Group:
    section: str
    reply: replies.Reply
    labels: List[str] = field(default_factory=list)
    young_person: bool = False


def topic_names() -> List[Tuple[str, str]]:
    """(intent or situation, heading) in taxonomy order."""
    names = []
    for intent in taxonomy.topic_intents():
        topic = taxonomy.topic_for(intent)
        names.append((intent, f"{taxonomy.topic_label(topic)} ({intent})"))
    names.append(("danger", "In danger now, topic not clear (danger)"))
    for situation in content.situations():
        topic = content.situation_topic(situation)
        title = content._file(situation).get("title") or situation.replace("_", " ")
        names.append((situation, f"{taxonomy.topic_label(topic)}: “{title}” (situation: {situation})"))
    return names


def audience_cases():
    """(audience, age, label) for every audience and, for young people, every age band."""
    for audience in AUDIENCES:
        if audience == "young_person":
            for band, age in AGE_BANDS:
                yield audience, age, f"{taxonomy.audience_label(audience)}, {band}"
        else:
            yield audience, None, taxonomy.audience_label(audience)


def cases() -> List[Case]:
    """Every reply: topic x audience x age band x urgent, follow-ups, conversation turns."""
    found: List[Case] = []
    for intent, heading in topic_names():
        for audience, age, who in audience_cases():
            urgent_options = (True,) if taxonomy.is_crisis_intent(intent) else (False, True)
            for urgent in urgent_options:
                state = "urgent" if urgent else "not urgent"
                yp = audience == "young_person"
                found.append(Case(heading, f"{who} · {state} · first answer",
                                  replies.signpost(intent, audience, urgent, age=age), yp))
                for kind in replies.FOLLOW_UPS:
                    found.append(Case(heading, f"{who} · {state} · button “{content.button_title(kind)}”",
                                      replies.follow_up(kind, intent, audience, urgent, age=age), yp))
    section = "Conversation turns (not a topic)"
    for audience, age, who in audience_cases():
        yp = audience == "young_person"
        for key in SMALL_TALK:
            found.append(Case(section, f"{who} · “{key.replace('_', ' ')}”",
                              replies.small_talk(key, with_menu=key in ("greet", "thanks"), audience=audience, age=age), yp))
        found.append(Case(section, f"{who} · “Show me all services”", replies.all_services(audience, age), yp))
        found.append(Case(section, f"{who} · says who they are, no topic yet", replies.audience_set(audience), yp))
        for urgent in (False, True):
            state = "after an urgent reply" if urgent else "after an ordinary reply"
            found.append(Case(section, f"{who} · “You misunderstood” {state}", replies.misunderstood(audience, urgent, age), yp))
            state = "urgent message" if urgent else "ordinary message"
            found.append(Case("When the assistant fails (degraded)", f"{who} · {state}",
                              replies.degraded(audience, urgent, age), yp))
        # Issue 10: conversations that unfold.
        found.append(Case(section, f"{who} · “idk how to say it”", replies.hesitation(audience, False, age), yp))
        found.append(Case(section, f"{who} · “what can you do”",
                          replies.small_talk("capabilities", with_menu=True, audience=audience, age=age), yp))
        found.append(Case(section, f"{who} · “i'm safe now”", replies.safe_now(audience, age), yp))
    found.append(Case(section, "Anyone · a message not in English", replies.not_english(), True))
    questions = "Questions inside a topic"
    for intent, heading in topic_names():
        for kind in QUESTION_KINDS:
            for audience, age, who in [c for c in audience_cases() if c[0] != "young_person" or c[1] is None][:3]:
                found.append(Case(questions, f"{heading} · {who} · “{kind.replace('_', ' ')}”",
                                  replies.answer_question(kind, intent, audience, False, age),
                                  audience == "young_person"))
        found.append(Case("A friend helping a friend", f"{YOUNG_PERSON} helping a friend · {heading}",
                          replies.signpost(intent, "young_person", False, writer="friend"), True))
    found.append(Case(section, "Anyone · not understood", replies.clarify(), True))
    found.append(Case(section, "Anyone · “Something else”", replies.menu(), True))
    return found


def _key(reply: replies.Reply) -> str:
    return json.dumps([reply.urgent, reply.messages, reply.services], sort_keys=True)


def groups(all_cases: List[Case]) -> List[Group]:
    """Identical replies in the same section are shown once, with all their cases."""
    by_key: Dict[Tuple[str, str], Group] = {}
    for case in all_cases:
        group = by_key.setdefault((case.section, _key(case.reply)), Group(case.section, case.reply))
        group.labels.append(case.label)
        group.young_person = group.young_person or case.young_person
    return list(by_key.values())


def grade(text: str) -> float:
    return round(textstat.flesch_kincaid_grade(text), 1) if text.strip() else 0.0


# ---- HTML ------------------------------------------------------------------------------------
CSS = """
body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1b1b;margin:0;background:#f3f2f1}
main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 4rem;background:#fff}
h1{font-size:1.6rem} h2{margin-top:2.5rem;border-bottom:4px solid #1d4f91;padding-bottom:.2rem}
.case{border:1px solid #b1b4b6;border-radius:8px;margin:1.2rem 0;padding:.8rem 1rem}
.case.urgent{border-left:8px solid #b00020}
.who{margin:0 0 .6rem;padding:0;list-style:none;color:#0b0c0c;font-weight:700}
.who li{display:inline-block;margin:0 .4rem .2rem 0;padding:.05rem .5rem;background:#e3ecf8;border-radius:4px;font-size:.9rem}
.msg{margin:0 0 .5rem;padding:.5rem .8rem;border-radius:8px;background:#f3f2f1;white-space:pre-wrap}
.msg.first-urgent{background:#fdecea;border-left:6px solid #b00020;font-weight:700}
.buttons span{display:inline-block;margin:0 .3rem .3rem 0;padding:.2rem .6rem;border:2px solid #1a4480;border-radius:6px;color:#1a4480;font-size:.9rem}
.card{margin:.5rem 0;padding:.6rem .8rem;border:1px solid #b1b4b6;border-radius:8px}
.card.emergency{border-left:6px solid #b00020}
.card h4{margin:0 0 .2rem}
.card p{margin:0 0 .3rem}
.contact{font-weight:700}
.source{font-size:.85rem;color:#505a5f}
.source ul{margin:.2rem 0 0;padding-left:1.2rem}
.grade{font-size:.9rem;color:#505a5f}
.over{color:#b00020;font-weight:700}
.school{border-left:6px solid #1d4f91;background:#f8fafd}
nav ul{columns:2}
"""


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def render_card(service_id: str) -> str:
    card = directory.get(service_id)
    entry = verified.entry(service_id)
    contact = []
    if card.phone:
        contact.append(f"Call {esc(card.phone)}")
    if card.text:
        contact.append(esc(card.text))
    contact.append(f"Website: {esc(card.url)}")
    return (
        f'<div class="card{" emergency" if service_id == replies.EMERGENCY else ""}" data-service="{esc(service_id)}">'
        f"<h4>{esc(card.name)}</h4><p>{esc(card.summary)}</p>"
        f'<p class="contact">{" · ".join(contact)}</p>'
        + (f"<p>Open: {esc(card.hours)}</p>" if card.hours else "")
        + (f"<p>For: {esc(card.ages)}</p>" if card.ages else "")
        + f'<p class="source">From the verified reference: {esc(entry.reference)} · '
        f'<a href="#card-{esc(service_id)}">pages and dates checked</a></p></div>'
    )


def render_sources() -> str:
    """Every card once, with each contact detail's verifying page and date checked."""
    rows = []
    for service_id, card in directory.services().items():
        entry = verified.entry(service_id)
        facts = "".join(
            f"<li>{esc(f.field)}: {esc(f.value)} — verified on {esc(f.verified_on)}, checked {esc(f.checked)}</li>"
            for f in entry.facts
        )
        rows.append(f'<section class="card" id="card-{esc(service_id)}"><h4>{esc(card.name)} ({esc(service_id)})</h4>'
                    f'<p>From the verified reference: {esc(entry.reference)}</p><ul class="source">{facts}</ul></section>')
    return "".join(rows)


def render_reply(reply: replies.Reply, young_person: bool = False) -> str:
    """The reply as the widget shows it: messages, then (when a school contact is set up)
    the school card, then the service cards, then the buttons."""
    parts = []
    buttons = []
    for i, msg in enumerate(reply.messages):
        first = reply.urgent and i == 0
        parts.append(f'<p class="msg{" first-urgent" if first else ""}">{esc(msg["text"])}</p>')
        buttons += msg["buttons"]
    cards = list(reply.services)
    if cards and (reply.topic or reply.urgent):
        school = ('<div class="card school"><h4>Talk to someone at your school</h4>'
                  "<p>(Shown when the school sets up its contact: its name, how to reach them.)</p></div>")
        at = 1 if reply.urgent and cards[0] == replies.EMERGENCY else 0
        rendered = [render_card(s) for s in cards]
        rendered.insert(at, school)
        parts += rendered
    else:
        parts += [render_card(s) for s in cards]
    if buttons:
        parts.append('<p class="buttons">' + "".join(f"<span>{esc(b['title'])}</span>" for b in buttons) + "</p>")
    text = " ".join(m["text"] for m in reply.messages)
    g = grade(text)
    over = young_person and g > GRADE_LIMIT
    parts.append(f'<p class="grade{" over" if over else ""}">Reading grade (Flesch-Kincaid) of the whole reply: {g}'
                 + (f" — above grade {GRADE_LIMIT}, the aim for young people" if over else "")
                 + f" · {len(text.split())} words before the cards</p>")
    return "".join(parts)


def render_group(group: Group) -> str:
    labels = "".join(f"<li>{esc(label)}</li>" for label in group.labels)
    return (f'<section class="case{" urgent" if group.reply.urgent else ""}">'
            f'<ul class="who" aria-label="Who gets this reply">{labels}</ul>'
            f"{render_reply(group.reply, group.young_person)}</section>")


def render_urgent_steps() -> str:
    data = content._file("urgent_steps")
    rows = []
    for danger, entry in data.items():
        for key in content.BLOCKS:
            steps = "".join(f"<li>{esc(s)}</li>" for s in entry.get(key) or [])
            who = taxonomy.audience_label(key) if key in AUDIENCES else f"{YOUNG_PERSON}, {content.ADULT_AGE} or over"
            rows.append(f"<tr><td>{esc(danger.replace('_', ' '))}</td><td>{esc(who)}</td><td><ul>{steps}</ul></td></tr>")
    skip = ", ".join(f"{d}: {', '.join(e.get('skip_for_intents') or []) or '—'}" for d, e in data.items())
    return ("<p>In an urgent reply, when the safety net found one of these dangers, these steps come first, "
            "before the topic's own steps (at most five steps in all). Not added when the topic's own steps are "
            f"already about that danger ({esc(skip)}).</p>"
            "<table><thead><tr><th>Danger</th><th>Who</th><th>Steps added first</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def build_html(today: Optional[date] = None) -> str:
    all_groups = groups(cases())
    sections: Dict[str, List[Group]] = {}
    for group in all_groups:
        sections.setdefault(group.section, []).append(group)
    nav = "".join(f'<li><a href="#s{i}">{esc(name)}</a> ({len(g)})</li>' for i, (name, g) in enumerate(sections.items()))
    body = []
    for i, (name, section_groups) in enumerate(sections.items()):
        body.append(f'<h2 id="s{i}">{esc(name)}</h2>')
        body += [render_group(g) for g in section_groups]
    platform = esc(content.conversation("platform_step").format(platform="Snapchat"))
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Every reply of the online safety signposting assistant</title>
<style>{CSS}</style></head>
<body><main>
<h1>Every reply of the online safety signposting assistant</h1>
<p>This page shows every answer the assistant can give, as a young person, parent or teacher would
see it: its messages, its buttons and the services shown as cards. It was made on
{esc((today or date.today()).isoformat())} from the assistant's own content files, so it is what
the assistant says now. For sign-off by a safeguarding lead: read each answer and its cards.</p>
<ul>
<li>Each box is one reply. Above it are all the cases that get exactly this reply (who is asking,
their age when they gave it, urgent or not, first answer or a button pressed after it).</li>
<li>A red edge means urgent: it always starts with the emergency line and the 999 card.</li>
<li>Under each card: the entry of the verified service reference it comes from; its link leads to
the page that verifies each contact detail and the date it was checked against the reference.
Before launch a person must re-check numbers and opening hours on each live website.</li>
<li>“Reading grade” is the Flesch-Kincaid grade of the whole reply. Young people's texts aim for
grade {GRADE_LIMIT} or below (a reading age of about 11).</li>
<li>When someone names an app, the steps of a topic reply (not self-harm) end with: “{platform}”.</li>
<li>On a school's website, “Talk to someone at your school” (the school's own contact) appears after the
emergency card in urgent replies and before the other cards in topic replies.</li>
</ul>
<nav aria-label="Sections"><h2>Sections</h2><ul>{nav}
<li><a href="#urgent-steps">Steps added for the danger found</a></li>
<li><a href="#sources">Every service card and where its details were verified</a></li></ul></nav>
{''.join(body)}
<h2 id="urgent-steps">Steps added for the danger found</h2>
{render_urgent_steps()}
<h2 id="sources">Every service card and where its details were verified</h2>
{render_sources()}
</main></body></html>
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default=str(ROOT / "results" / "content-report.html"))
    args = parser.parse_args(argv)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    page = build_html()
    out.write_text(page, encoding="utf-8")
    print(f"wrote {out} ({len(page) // 1024} kB, {len(groups(cases()))} distinct replies)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
