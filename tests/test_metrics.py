"""/metrics: Prometheus text with aggregate counts only, for the scraper alone."""
import re


def value(text, name):
    match = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_urgent_replies_and_never_hold_text(chat, scrape):
    before = value(scrape(), "signpost_chat_urgent_total")
    reply = chat("i want to end my life tonight")
    text = scrape()
    assert value(text, "signpost_chat_urgent_total") == before + 1
    assert 'signpost_chat_topic_total{topic="self_harm"}' in text
    assert 'signpost_http_requests_total{method="POST",route="/api/v1/chat",status="200"}' in text
    assert "signpost_http_request_duration_seconds_bucket" in text
    assert "end my life" not in text and reply["session_id"] not in text


def test_metrics_are_not_public(client):
    """Without the token there is nothing at /metrics: a visitor cannot watch topics change."""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Basic x"}).status_code == 404


def test_no_created_timestamps(scrape):
    """`*_created` series would time-stamp each topic's first use to the microsecond."""
    assert "_created" not in scrape()


def test_metrics_off_when_no_token_is_set():
    from fastapi.testclient import TestClient

    from api.main import create_app
    from bot.runtime.settings import Settings

    app = create_app(Settings())
    assert TestClient(app).get("/metrics").status_code == 404
