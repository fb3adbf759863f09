"""X-Forwarded-For counts only from proxies named in SIGNPOST_TRUSTED_PROXIES (issue 12, item 5)."""
import httpx

from api.main import create_app
from bot.runtime.settings import Settings
from tests.live import live_server


def codes(base: str, forwarded_for: list) -> list:
    with httpx.Client(base_url=base, timeout=10) as http:
        return [http.post("/api/v1/chat", json={"message": "hi"}, headers={"X-Forwarded-For": address}).status_code
                for address in forwarded_for]


ROTATING = [f"203.0.113.{i}" for i in range(1, 6)]


def test_forwarded_for_from_an_untrusted_peer_is_ignored():
    """By default no proxy is trusted: a local client rotating X-Forwarded-For is still one client."""
    app = create_app(Settings(rate_limit_per_client=3, rate_limit_per_session=0))
    with live_server(app) as (base, _):
        assert codes(base, ROTATING) == [200, 200, 200, 429, 429]


def test_forwarded_for_from_a_named_proxy_is_used():
    app = create_app(Settings(rate_limit_per_client=3, rate_limit_per_session=0, trusted_proxies="127.0.0.1"))
    with live_server(app) as (base, _):
        # Five different clients behind the proxy: none is over its own limit ...
        assert codes(base, ROTATING) == [200] * 5
        # ... and one client is still limited.
        assert codes(base, ["198.51.100.7"] * 4) == [200, 200, 200, 429]


def test_trusted_proxies_setting_is_a_list():
    assert Settings().trusted_proxies == []
    assert Settings(trusted_proxies="10.0.0.2, 10.0.1.0/24").trusted_proxies == ["10.0.0.2", "10.0.1.0/24"]
