"""Prometheus metrics: aggregate counts only, never text or ids."""
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, disable_created_metrics, generate_latest

# No `*_created` series: they time-stamp the first use of each label (e.g. each topic) to the
# microsecond, which can tie a metric to one person's message.
disable_created_metrics()

REQUESTS = Counter("signpost_http_requests_total", "HTTP requests", ["route", "method", "status"])
LATENCY = Histogram(
    "signpost_http_request_duration_seconds", "HTTP request latency", ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TOPICS = Counter("signpost_chat_topic_total", "Chat replies by topic", ["topic"])
URGENT = Counter("signpost_chat_urgent_total", "Chat replies that led with the emergency route")
DEGRADED = Counter("signpost_chat_degraded_total", "Chat replies made without the assistant")
# Messages not in English, by language (issue 10): to see the demand. A fixed list of names from
# bot/nlu/language.py, never text.
LANGUAGES = Counter("signpost_chat_language_total", "Chat messages not in English, by language", ["language"])
RATE_LIMITED = Counter("signpost_rate_limited_total", "Requests refused by a rate limit", ["limit"])


def record_reply(topic, urgent: bool, degraded: bool, language=None) -> None:
    TOPICS.labels(topic or "none").inc()
    if language:
        LANGUAGES.labels(language).inc()
    if urgent:
        URGENT.inc()
    if degraded:
        DEGRADED.inc()


def exposition() -> bytes:
    return generate_latest()


__all__ = ["CONTENT_TYPE_LATEST", "exposition", "record_reply", "REQUESTS", "LATENCY", "RATE_LIMITED"]
