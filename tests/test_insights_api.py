"""Through the real API with the trained model: a conversation started on a listed
school's site is counted under that school when it ends; a card opened is counted; a deleted one
counts only as an exit; nothing of the text, the session id or the time is stored."""
import time

from tests.support import SCHOOL_TOKEN

ORIGIN = {"Origin": "https://school.example.org"}


def rows(client):
    return client.app.state.insights.store.rows()


def measure(client, school, *key):
    return sum(n for s, week, m, v, n in rows(client)[1:] if s == school and (m, v) == key)


def test_a_conversation_is_counted_under_its_school_when_it_ends(client):
    before = {key: measure(client, "test-school", *key) for key in
              (("conversations", ""), ("topic", "image_sharing"), ("opened", "service"), ("exits", ""),
               ("age", "13_15"), ("risk", "urgent"))}
    first = client.post("/api/v1/chat", json={"message": "someone is sharing my nudes im 14"}, headers=ORIGIN).json()
    sid = first["session_id"]
    assert first["topic"] == "image_sharing"
    client.post("/api/v1/chat", json={"session_id": sid, "message": "what can i do"}, headers=ORIGIN)
    assert client.post(f"/api/v1/sessions/{sid}/opened", headers=ORIGIN).status_code == 204
    assert client.post(f"/api/v1/sessions/{sid}/opened", headers=ORIGIN).status_code == 204  # once only
    gone = client.post("/api/v1/chat", json={"message": "someone keeps sending me hate on snap"}, headers=ORIGIN).json()
    assert client.delete(f"/api/v1/sessions/{gone['session_id']}", headers=ORIGIN).status_code == 204
    elsewhere = client.post("/api/v1/chat", json={"message": "my account got hacked"}).json()  # no listed origin
    stored = client.app.state.assistant.tracker_store
    assert stored.sweep(now=time.monotonic() + stored.ttl_seconds + 1) >= 2
    after = {key: measure(client, "test-school", *key) for key in before}
    assert after[("conversations", "")] == before[("conversations", "")] + 1
    assert after[("topic", "image_sharing")] == before[("topic", "image_sharing")] + 1
    assert after[("opened", "service")] == before[("opened", "service")] + 1
    assert after[("age", "13_15")] == before[("age", "13_15")] + 1
    assert after[("risk", "urgent")] >= before[("risk", "urgent")]
    assert after[("exits", "")] == before[("exits", "")] + 1
    stored_text = repr(rows(client))
    for secret in (sid, gone["session_id"], elsewhere["session_id"], "nudes", "snap", "hacked", "school.example.org"):
        assert secret not in stored_text
    # The school's lead sees it on the page once the month is complete (not before).
    page = client.get("/insights", headers={"Authorization": f"Bearer {SCHOOL_TOKEN}"})
    assert page.status_code == 200 and "Test School" in page.text


def test_opened_for_an_unknown_or_invented_session_changes_nothing(client):
    assert client.post("/api/v1/sessions/" + "0" * 64 + "/opened").status_code == 204
    before = rows(client)
    assert client.post("/api/v1/sessions/not-an-id/opened").status_code in (204, 422)
    assert rows(client) == before
