"""Issue 21, item 4: a button press is accepted only when that button was offered in the
conversation (or is always offered: the topic menu, who is asking, "I need help now").
"{"payload": "/safe_now"}" must not clear an urgent conversation's urgency unless offered."""
from api.schemas import always_offered_payloads, button_payloads


def press(client, payload, session_id=None):
    body = {"payload": payload, **({"session_id": session_id} if session_id else {})}
    return client.post("/api/v1/chat", json=body)


def test_always_offered_is_the_topic_menu_the_audiences_and_help_now():
    from bot.domain import replies, taxonomy

    always = always_offered_payloads()
    assert {b["payload"] for b in replies.menu_buttons()} <= always
    assert {f"/{taxonomy.audience_intent(a)}" for a in taxonomy.AUDIENCES} <= always
    assert "/danger" in always and "/safe_now" not in always and always <= button_payloads()


def test_safe_now_cannot_clear_urgency_unless_it_was_offered(client, chat):
    urgent = chat("he says hes outside my house right now and hes going to hurt me")
    assert urgent["urgent"] is True
    offered = {b["payload"] for m in urgent["messages"] for b in m["buttons"]}
    assert "/safe_now" not in offered
    refused = press(client, "/safe_now", urgent["session_id"])
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "payload_not_offered"
    assert refused.headers["cache-control"] == "no-store"
    # Nothing was stored from it: the conversation is still urgent on its next turn.
    store = client.app.state.assistant.tracker_store
    assert "safe_now" not in store.serialised(urgent["session_id"])


def test_a_payload_never_offered_is_refused_on_a_first_turn(client):
    for payload in ("/safe_now", "/followup_talk", "/ask_privacy", "/add_detail"):
        response = press(client, payload)
        assert response.status_code == 422, (payload, response.text)
        assert response.json()["error"]["details"][0]["field"] == "payload"


def test_offered_buttons_are_accepted_and_menu_buttons_always(client, chat):
    assert press(client, "/grooming").status_code == 200
    assert press(client, "/audience_parent").status_code == 200
    first = chat("someone keeps sending me hate on snap")
    offered = [b["payload"] for m in first["messages"] for b in m["buttons"]]
    assert offered
    for payload in offered[:3]:
        response = press(client, payload, first["session_id"])
        assert response.status_code == 200, (payload, response.text)


def test_safe_now_is_accepted_once_offered(client, chat):
    asked = chat("i just feel really rubbish about everything all the time")
    offered = {b["payload"] for m in asked["messages"] for b in m["buttons"]}
    if "/safe_now" in offered:  # the risk step asked "Are you safe right now?"
        assert press(client, "/safe_now", asked["session_id"]).status_code == 200
