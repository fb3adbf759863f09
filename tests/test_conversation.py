"""Multi-turn conversations through the real API, model and action server."""


def test_greeting_says_it_is_a_program_and_offers_topics(chat):
    reply = chat("hiya")
    assert reply["topic"] is None and reply["urgent"] is False
    assert "computer program" in reply["messages"][0]["text"]
    assert any(b["payload"] == "/bullying" for b in reply["messages"][0]["buttons"])


def test_session_remembers_audience_across_turns(chat):
    first = chat("someone keeps posting horrible stuff about my kid on insta")
    session = first["session_id"]
    second = chat(payload="/audience_parent", session_id=session)
    assert second["session_id"] == session
    assert second["topic"] == "bullying"
    assert second["services"][0]["id"] == "respectme"
    third = chat("they also hacked into his account", session_id=session)
    assert third["topic"] == "scams_hacking"
    assert "childline" not in [s["id"] for s in third["services"]]


def test_out_of_scope_is_never_a_dead_end(chat):
    reply = chat("what's the capital of france")
    assert reply["topic"] is None
    payloads = [b["payload"] for m in reply["messages"] for b in m["buttons"]]
    assert "/show_services" in payloads and "/grooming" in payloads


def test_is_this_anonymous(chat):
    reply = chat("is this anonymous? will anyone see what i write")
    assert "don't need to give your name" in reply["messages"][0]["text"]


def test_show_all_services_button(chat):
    reply = chat(payload="/show_services")
    assert [s["id"] for s in reply["services"]][:2] == ["childline", "police_scotland"]


def test_new_session_id_is_returned_and_forgettable(client, chat):
    reply = chat("hello")
    assert len(reply["session_id"]) >= 16
    assert client.delete(f"/api/v1/sessions/{reply['session_id']}").status_code == 204


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["action_server"] is True


def test_demo_page_embeds_the_widget(client):
    page = client.get("/")
    assert page.status_code == 200 and 'src="/widget/' in page.text
    widget = client.get("/widget.js")
    assert widget.status_code == 200 and "/api/v1/chat" in widget.text
    assert "innerHTML" not in widget.text


def test_follow_up_buttons_answer_for_the_last_topic(chat):
    first = chat("someone hacked my snapchat and changed the password")
    payloads = [b["payload"] for m in first["messages"] for b in m["buttons"]]
    assert {"/followup_steps", "/followup_report", "/followup_talk", "/something_else"} <= set(payloads)
    report = chat(payload="/followup_report", session_id=first["session_id"])
    assert report["topic"] == "scams_hacking" and "report" in report["messages"][0]["text"].lower()
    talk = chat(payload="/followup_talk", session_id=first["session_id"])
    assert talk["services"] and all(s["phone"] or s["text"] for s in talk["services"])
    menu = chat(payload="/something_else", session_id=first["session_id"])
    assert any(b["payload"] == "/grooming" for m in menu["messages"] for b in m["buttons"])


def test_audience_buttons_are_offered_once(chat):
    first = chat("people keep leaving me out of the group chat")
    offered = lambda r: any(b["payload"] == "/audience_parent" for m in r["messages"] for b in m["buttons"])
    assert offered(first)
    second = chat("they also made a fake account of me", session_id=first["session_id"])
    assert not offered(second)


def test_parent_recognised_from_text(chat):
    reply = chat("My 12 year old son is being picked on in a WhatsApp group")
    assert reply["topic"] == "bullying" and reply["services"][0]["id"] == "respectme"
