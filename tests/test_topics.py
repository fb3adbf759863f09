"""Messages never seen in training reach the right topic and a service that fits it."""
import pytest
import yaml

from bot import ROOT

# (message, expected topic, a service that must be offered, audience or None)
CASES = [
    ("ppl in my year made a group chat just to slag me off", "bullying", "childline", None),
    ("some girl keeps posting mean comments under all my tiktoks", "bullying", "report_harmful_content", None),
    ("my son is being targeted by other boys in a whatsapp group and it's affecting his sleep", "bullying", "respectme", "parent"),
    ("someone is sharing my nudes around school", "image_sharing", "childline_report_remove", None),
    ("i sent a pic to my ex and now loads of people have it", "image_sharing", "childline_report_remove", None),
    ("a pupil has told me an intimate photo of her is circulating among the year group", "image_sharing", "national_child_protection_guidance", "professional"),
    ("this man on fortnite keeps giving me vbucks and asks me to keep it secret", "grooming", "ceop_safety_centre", None),
    ("a grown up i met on discord says im really mature and wants to video call alone", "grooming", "ceop_safety_centre", None),
    ("i think an adult is grooming my 11 year old through roblox messages", "grooming", "ceop_safety_centre", "parent"),
    ("my brother keeps watching videos saying immigrants should be driven out and wants me to join his group", "radicalisation", "report_terrorism_online", None),
    ("i'm worried my son is being drawn into far right chats online", "radicalisation", "prevent_scotland", "parent"),
    ("someone in a telegram channel keeps sending me videos of attacks and saying they're heroes", "radicalisation", "report_terrorism_online", None),
    ("i feel empty all the time and i've started hurting myself again", "self_harm", "childline", None),
    ("i found cuts on my daughter's arms and don't know what to do", "self_harm", "nhs24_111", "parent"),
    ("nothing matters anymore and i keep thinking about ending things", "self_harm", "samaritans", None),
    ("my bf goes mad if i dont reply to his snaps in 5 mins and checks who im talking to", "relationship_abuse", "sdafmh", None),
    ("my girlfriend makes me share my location all the time and screams at me if i go out", "relationship_abuse", "sdafmh", None),
    ("i think my 15 year old daughter's boyfriend is controlling her, he reads all her messages", "relationship_abuse", "sdafmh", "parent"),
    ("somebody got into my instagram and changed the password and email", "scams_hacking", "police_scotland", None),
    ("i paid for a ps5 off a seller on facebook and they blocked me", "scams_hacking", "cybercrime_reporting_scotland", None),
    ("got a text saying my parcel was held and i put my card details in", "scams_hacking", "cybercrime_reporting_scotland", "parent"),
    ("older boys said they'd pay me to drop off bags in another town", "exploitation", "modern_slavery_helpline", None),
    ("a guy on insta offered me 300 quid if i let him use my bank card", "exploitation", "childline", None),
    ("my son has new trainers and cash and is travelling to other cities, i think he's running drugs", "exploitation", "crimestoppers", "parent"),
    ("a video of someone getting beaten up came up on my feed and i cant stop thinking about it", "harmful_content", "childline", None),
    ("my 9 year old saw something really graphic on youtube kids", "harmful_content", "internet_matters", "parent"),
    ("how do i report a video on tiktok thats really gory", "harmful_content", "report_harmful_content", None),
    ("what parental controls should i put on my son's new ipad", "general_safety", "internet_matters", "parent"),
    ("what's the minimum age to have a snapchat account", "general_safety", "young_scot", None),
    ("can you recommend lesson materials on online safety for primary 6", "general_safety", "ceop_education", "professional"),
]


def _training_texts():
    texts = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text())["nlu"]:
            for line in (block.get("examples") or "").splitlines():
                texts.add(line.strip().lstrip("- ").strip().lower())
    return texts


def test_topic_cases_are_not_training_examples():
    training = _training_texts()
    assert not [m for m, *_ in CASES if m.lower() in training]


def test_every_topic_has_three_cases():
    from bot.domain.taxonomy import topic_ids

    counts = {t: sum(1 for _, topic, *_ in CASES if topic == t) for t in topic_ids()}
    assert all(n >= 3 for n in counts.values()), counts


@pytest.mark.parametrize("message,topic,service,audience", CASES, ids=[c[1] + ":" + c[0][:30] for c in CASES])
def test_message_gets_topic_and_service(chat, message, topic, service, audience):
    reply = chat(message, **({"audience": audience} if audience else {}))
    assert reply["topic"] == topic
    assert service in [s["id"] for s in reply["services"]]
    assert reply["degraded"] is False


def test_api_serves_the_topic_buttons_with_the_labels_of_topics_yml(client):
    from bot.domain import replies

    topics = yaml.safe_load((ROOT / "bot" / "topics.yml").read_text(encoding="utf-8"))["topics"]
    buttons = client.get("/api/v1/topics").json()["buttons"]
    assert buttons == replies.menu_buttons()
    assert [b["title"] for b in buttons[:len(topics)]] == [spec["label"] for spec in topics.values()]
    assert all(client.post("/api/v1/chat", json={"payload": b["payload"]}).status_code == 200 for b in buttons[:2])


def test_api_serves_the_audiences_of_topics_yml_with_their_buttons_payloads(client):
    audiences = yaml.safe_load((ROOT / "bot" / "topics.yml").read_text(encoding="utf-8"))["audiences"]
    served = client.get("/api/v1/topics").json()["audiences"]
    assert [(a["id"], a["label"]) for a in served] == [(key, spec["label"]) for key, spec in audiences.items()]
    for audience in served:  # each is a value of `audience`, and its payload a button the server accepts
        reply = client.post("/api/v1/chat", json={"payload": audience["payload"], "audience": audience["id"]})
        assert reply.status_code == 200, (audience, reply.text)
