"""Every contact detail the assistant can show comes from the directory, and every one is in
the project's own verified data (bot/reference/verified_contacts.yml: value, verifying page,
date checked). Nothing here reads ../shared: the project checks itself."""
import re
from datetime import date
from itertools import product
from pathlib import Path

import pytest
import yaml

from bot import ROOT
from bot.domain import content, directory, replies, taxonomy, verified
from bot.domain.taxonomy import AUDIENCES

PHONE = re.compile(r"(?<![\d.])(0\d(?:[ -]?\d){6,10}|116 ?\d{3})(?!\d)")
SHORT = re.compile(r"(?i)\btext(?:ing)?\b[^.\n]{0,40}?\b(8\d{4})\b")
URL = re.compile(r"https?://([A-Za-z0-9.-]+)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DIGITS = re.compile(r"\D")
DO_NOT_USE = yaml.safe_load((ROOT / "tests" / "do_not_use.yml").read_text(encoding="utf-8"))
# What the project scans (as the shared checker did): the assistant's own folders, not tests/.
SCAN = ["data", "actions", "bot", "api", "tooling", "docs", "domain.yml", "config.yml", "README.md", "Makefile"]
SUFFIXES = {".py", ".yml", ".yaml", ".json", ".md", ".html", ".js", ".css", ".txt", ".toml", ""}
IGNORED_DOMAINS = {"localhost", "127.0.0.1", "0.0.0.0", "example.com", "example.org", "testserver"}


def every_reply():
    for intent, audience, urgent, age in product(content.guidance_intents(), AUDIENCES, (False, True),
                                                (None, 11, 14, 17, 18, 20)):
        yield replies.signpost(intent, audience, urgent, age=age)
        for kind in ("steps", "report", "talk"):
            yield replies.follow_up(kind, intent, audience, urgent, age=age)
    for audience in AUDIENCES:
        yield replies.all_services(audience)
        for urgent in (False, True):
            yield replies.degraded(audience, urgent=urgent)
            yield replies.misunderstood(audience, urgent)
        yield replies.audience_set(audience)
        for key in ("greet", "goodbye", "thanks", "bot_challenge", "ask_privacy"):
            yield replies.small_talk(key, audience=audience)
    yield replies.clarify()


def project_files():
    for name in SCAN:
        path = ROOT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for f in path.rglob("*"):
                rel = f.relative_to(ROOT)
                if f.is_file() and f.suffix in SUFFIXES and not any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
                    yield f


def test_every_card_has_a_verified_entry_and_matches_it():
    cards, facts = set(directory.services()), set(verified.entries())
    assert cards == facts, f"cards without verified facts: {cards - facts}; facts without a card: {facts - cards}"
    for sid, service in directory.services().items():
        entry = verified.entry(sid)
        for field in directory.CONTACT_FIELDS:
            assert getattr(service, field) == entry.value(field), (sid, field, getattr(service, field), entry.value(field))
        pages = {f.verified_on for f in entry.facts} | {f.value for f in entry.facts if f.field == "url"}
        assert service.source in pages, (sid, service.source)


def test_every_verified_fact_names_its_page_its_date_and_its_reference_entry():
    for sid, entry in verified.entries().items():
        assert entry.reference.startswith("section "), sid
        assert entry.facts, sid
        for fact in entry.facts:
            assert re.match(r"^https?://[^\s/]+\.[a-z]{2,}", fact.verified_on), (sid, fact)
            assert date.fromisoformat(fact.checked) <= date.today(), (sid, fact)
            assert fact.value.strip(), (sid, fact)


def test_numbers_codes_and_addresses_in_summaries_are_verified_facts():
    for sid, service in directory.services().items():
        claims = {f.value for f in verified.entry(sid).facts}
        for number in PHONE.findall(service.summary):
            assert any(DIGITS.sub("", number) == DIGITS.sub("", c) for c in claims), (sid, number)
        for address in EMAIL.findall(service.summary):
            assert address in claims, (sid, address)
        for code in re.findall(r"(?i)\b(?:call|calling|text|texts to|dial|press|on)\s+(\d{2,5})\b(?!%)", service.summary):
            assert code in verified.phones() or any(code in c for c in claims), (sid, code)


def test_the_999_card_explains_the_silent_55_call():
    card = directory.get("emergency_999")
    assert card.phone == "999" and "55" in card.summary
    assert "press 55" in {f.value for f in verified.entry("emergency_999").facts}


def test_known_numbers_are_exact():
    assert directory.get("childline").phone == "0800 1111"
    assert directory.get("samaritans").phone == "116 123"
    assert directory.get("nspcc_helpline").phone == "0808 800 5000"
    assert directory.get("police_scotland").phone == "101"
    assert directory.get("emergency_999").phone == "999"
    assert directory.get("shout").text == "Text SHOUT to 85258"


def test_unverified_101_hours_are_not_shown():
    assert directory.get("police_scotland").hours is None
    assert directory.get("police_scotland").hours == verified.entry("police_scotland").value("hours")


def test_excluded_services_are_absent():
    # Action Fraud does not cover Scotland; The Mix and Kooth have unverified numbers or areas.
    assert not {"action_fraud", "the_mix", "kooth"} & set(directory.services())
    text = " ".join(str(vars(s)) for s in directory.services().values()).lower()
    assert "action fraud" not in text and "0300 123 2040" not in text


def test_every_service_referenced_by_content_exists():
    for intent, audience in product(content.guidance_intents(), AUDIENCES):
        for service_id in content.guidance(intent, audience).services:
            directory.get(service_id)


def test_every_number_in_any_reply_is_in_the_directory():
    known = {DIGITS.sub("", s.phone) for s in directory.services().values() if s.phone}
    for reply in every_reply():
        for msg in reply.messages:
            for number in PHONE.findall(msg["text"]):
                assert DIGITS.sub("", number) in known, (number, msg["text"])
        for card in reply.payload()["services"]:
            assert card == directory.get(card["id"]).card()


def test_project_contact_check_phones_codes_and_domains_are_verified():
    """The project's own version of the contact checker: every phone number, text short code
    and web domain in the assistant's folders is in bot/reference/verified_contacts.yml."""
    phones, codes, domains = verified.phones(), verified.short_codes(), verified.domains()
    problems, seen = [], 0
    for f in project_files():
        try:
            text = f.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        rel = f.relative_to(ROOT)
        for n, line in enumerate(text.splitlines(), 1):
            for m in PHONE.findall(line):
                seen += 1
                if DIGITS.sub("", m) not in phones:
                    problems.append(f"{rel}:{n}: phone {m!r} is not verified")
            for m in SHORT.findall(line):
                seen += 1
                if m not in codes:
                    problems.append(f"{rel}:{n}: text code {m!r} is not verified")
            for host in URL.findall(line):
                seen += 1
                d = host.lower().rstrip(".")
                d = d[4:] if d.startswith("www.") else d
                if d not in IGNORED_DOMAINS and d not in domains and not any(d.endswith("." + k) for k in domains):
                    problems.append(f"{rel}:{n}: domain {d!r} is not verified")
    assert seen > 50, "the scan found almost nothing: is it looking in the right place?"
    assert not problems, "\n".join(problems)


def test_nothing_on_the_do_not_use_list_is_in_the_assistant():
    banned_phones = {DIGITS.sub("", p["value"]) for p in DO_NOT_USE["phones"]}
    banned_codes = {c["value"] for c in DO_NOT_USE["short_codes"]}
    for f in project_files():
        text = f.read_text(encoding="utf-8", errors="ignore")
        for m in PHONE.findall(text):
            assert DIGITS.sub("", m) not in banned_phones, (f, m)
        for code in banned_codes:
            assert not re.search(rf"(?<!\d){code}(?!\d)", text), (f, code)
    cards = " ".join(" ".join(str(v) for v in s.card().values() if v) for s in directory.services().values())
    for reply_text in [cards] + [m["text"] for r in every_reply() for m in r.messages]:
        for phrase in DO_NOT_USE["phrases"]:
            if phrase["value"] == "Action Fraud":
                continue  # may be named only to say it is not for Scotland (tests/test_content.py)
            assert phrase["value"].lower() not in reply_text.lower(), (phrase, reply_text)


def test_the_do_not_use_check_can_fail():
    banned = {DIGITS.sub("", p["value"]) for p in DO_NOT_USE["phones"]}
    assert DIGITS.sub("", PHONE.findall("call 0844 381 4772 now")[0]) in banned


def test_tests_and_makefile_never_read_the_shared_folder():
    """A fresh clone has no ../shared: nothing the project runs may need it."""
    pattern = re.compile(r"""(\.\./shared|parent\s*/\s*["']shared["'])""")
    files = [ROOT / "Makefile", *(ROOT / "tests").rglob("*.py"), *(ROOT / "bot").rglob("*.py"), *(ROOT / "api").rglob("*.py"), *(ROOT / "tooling").rglob("*.py")]
    for f in files:
        if f == Path(__file__):
            continue  # this file names the folder in order to look for it
        code = "\n".join(line for line in f.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#"))
        assert not pattern.search(code), f"{f.relative_to(ROOT)} reads ../shared"


@pytest.mark.parametrize("topic", taxonomy.topic_ids())
def test_services_endpoint_returns_directory_cards(client, topic):
    body = client.get("/api/v1/services", params={"topic": topic, "audience": "parent"}).json()
    assert body["services"]
    for card in body["services"]:
        assert card == directory.get(card["id"]).card()
