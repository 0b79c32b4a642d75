"""channels.kakao.callback: a late answer is POSTed only to Kakao's callback host, over https."""

from __future__ import annotations

import pytest

from channels.kakao.callback import callback_allowed

KAKAO = ("bot-api.kakao.com",)


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("https://bot-api.kakao.com/v1/bots/5cdf!/callback/one-time-token", True),
        ("https://BOT-API.kakao.com/v1/bots/x/callback/y", True),
        ("http://bot-api.kakao.com/v1/bots/x/callback/y", False),
        ("https://bot-api.kakao.com.evil.example/callback", False),
        ("https://evil.example/?host=bot-api.kakao.com", False),
        ("https://user:secret@bot-api.kakao.com/callback", False),
        ("https://169.254.169.254/latest/meta-data", False),
        ("https://bot-api.kakao.com:99999/x", False),
        ("ftp://bot-api.kakao.com/x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_kakaos_host_over_https(url: str, allowed: bool) -> None:
    """Lookalike hosts, credentials, internal addresses, plain http and broken ports are refused."""
    assert callback_allowed(url, KAKAO) is allowed


def test_loopback_http_only_when_allowed_for_tests() -> None:
    """Tests stand up their own receiver on 127.0.0.1 over http; only with the test switch, only there."""
    url = "http://127.0.0.1:8443/callback/x"
    assert callback_allowed(url, ["127.0.0.1"]) is False
    assert callback_allowed(url, ["127.0.0.1"], allow_http=True) is True
    assert callback_allowed("http://10.0.0.5/callback", ["10.0.0.5"], allow_http=True) is False


def test_an_entry_with_a_port_allows_that_port_only() -> None:
    """"host:port" narrows the allow-list to one port; a bare host allows any."""
    assert callback_allowed("https://hooks.example:8443/cb", ["hooks.example:8443"]) is True
    assert callback_allowed("https://hooks.example:9443/cb", ["hooks.example:8443"]) is False
    assert callback_allowed("https://hooks.example:9443/cb", ["hooks.example"]) is True


def test_no_hosts_means_no_callbacks() -> None:
    """An empty KAKAO_CALLBACK_HOSTS: the channel never posts anywhere."""
    assert callback_allowed("https://bot-api.kakao.com/x", []) is False
