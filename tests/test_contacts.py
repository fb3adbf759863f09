"""Every contact detail the assistant can show comes from the directory and the verified reference."""
import re
import subprocess
import sys
from itertools import product

import pytest

from bot import ROOT, content, directory, replies, taxonomy
from bot.taxonomy import AUDIENCES

PHONE = re.compile(r"(?<![\d.])(0\d(?:[ -]?\d){6,10}|116 ?\d{3})(?!\d)")
DIGITS = re.compile(r"\D")
CHECKER = ROOT.parent / "shared" / "tools" / "check_contacts.py"


def verified_part(reference: str) -> str:
    """Sections before '## 4.' (the do-not-use list)."""
    return reference.partition("## 4.")[0]


def do_not_use(reference: str) -> set:
    table = reference.partition("## 4.")[2]
    return {DIGITS.sub("", m) for line in table.splitlines() if line.startswith("|")
            for m in PHONE.findall(line.split("|")[1])}


def every_reply():
    for intent, audience, urgent in product(content.guidance_intents(), AUDIENCES, (False, True)):
        yield replies.signpost(intent, audience, urgent)
    for audience in AUDIENCES:
        yield replies.all_services(audience)
        yield replies.degraded(audience, urgent=True)
        yield replies.degraded(audience, urgent=False)
        yield replies.audience_set(audience)
    for key in ("greet", "goodbye", "thanks", "bot_challenge", "ask_privacy"):
        yield replies.small_talk(key)
    yield replies.clarify()


def test_directory_phone_numbers_are_verified_and_not_outdated(reference_text):
    verified = {DIGITS.sub("", m) for m in PHONE.findall(verified_part(reference_text))}
    banned = do_not_use(reference_text)
    for service in directory.services().values():
        if service.phone and PHONE.search(service.phone):
            number = DIGITS.sub("", service.phone)
            assert number in verified, f"{service.id}: {service.phone} is not in the reference"
            assert number not in banned, f"{service.id}: {service.phone} is on the do-not-use list"


def test_directory_urls_and_sources_are_in_the_reference(reference_text):
    domains = {d.lower().removeprefix("www.") for d in re.findall(r"https?://([A-Za-z0-9.-]+)", reference_text)}
    for service in directory.services().values():
        for url in (service.url, service.source):
            host = re.match(r"https://([^/]+)", url)
            assert host, f"{service.id}: {url} must be an https URL"
            domain = host.group(1).lower().removeprefix("www.")
            assert domain in domains or any(domain.endswith("." + d) for d in domains), (service.id, url)


def test_known_numbers_are_exact():
    assert directory.get("childline").phone == "0800 1111"
    assert directory.get("samaritans").phone == "116 123"
    assert directory.get("nspcc_helpline").phone == "0808 800 5000"
    assert directory.get("police_scotland").phone == "101"
    assert directory.get("shout").text == "Text SHOUT to 85258"


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


def test_reference_checker_passes_on_the_project():
    assert CHECKER.exists(), f"missing {CHECKER}"
    result = subprocess.run([sys.executable, str(CHECKER), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("topic", taxonomy.topic_ids())
def test_services_endpoint_returns_directory_cards(client, topic):
    body = client.get("/api/v1/services", params={"topic": topic, "audience": "parent"}).json()
    assert body["services"]
    for card in body["services"]:
        assert card == directory.get(card["id"]).card()
