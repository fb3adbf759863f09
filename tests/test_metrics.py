"""/metrics: Prometheus text with aggregate counts only."""
import re


def value(text, name):
    match = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_urgent_replies_and_never_hold_text(client, chat):
    before = value(client.get("/metrics").text, "signpost_chat_urgent_total")
    reply = chat("i want to end my life tonight")
    text = client.get("/metrics").text
    assert value(text, "signpost_chat_urgent_total") == before + 1
    assert 'signpost_chat_topic_total{topic="self_harm"}' in text
    assert 'signpost_http_requests_total{method="POST",route="/api/v1/chat",status="200"}' in text
    assert "signpost_http_request_duration_seconds_bucket" in text
    assert "end my life" not in text and reply["session_id"] not in text
