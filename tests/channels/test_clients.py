"""Who a request comes from: the peer, or the client a trusted proxy names."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sanic.compat import Header

from bot.channels.clients import SettingError, client_of, trusted_proxies

PROXY = trusted_proxies({"BOT_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})


@dataclass
class Request:
    """What client_of reads of a Sanic request: the peer address and the headers."""

    ip: str
    headers: Header


def request(ip: str, *headers: tuple[str, str]) -> Request:
    return Request(ip, Header(list(headers)))


def test_the_peer_is_the_client_without_a_proxy() -> None:
    assert client_of(request("127.0.0.1"), ()).local
    assert client_of(request("::1"), ()).local
    assert client_of(request("::ffff:127.0.0.1"), ()).local, "IPv4 on a dual-stack socket"
    remote = client_of(request("198.51.100.4"), ())
    assert not remote.local and remote.rate_sources == ("address:198.51.100.4",)
    assert client_of(request("127.0.0.1"), ()).rate_sources == ()


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_a_request_an_unnamed_proxy_forwarded_is_never_local(header: str) -> None:
    client = client_of(request("127.0.0.1", (header, "127.0.0.1")), ())
    assert not client.local and client.via_unknown_proxy


def test_a_trusted_proxy_names_the_client_in_its_last_entry() -> None:
    planted = request("127.0.0.1", ("X-Forwarded-For", "127.0.0.1, 203.0.113.9"))
    assert str(client_of(planted, PROXY).address) == "203.0.113.9"
    assert not client_of(planted, PROXY).local
    two_headers = request(
        "10.1.2.3", ("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-For", "[2001:db8::7]:4711")
    )
    assert str(client_of(two_headers, PROXY).address) == "2001:db8::7"
    assert client_of(request("127.0.0.1", ("X-Forwarded-For", "127.0.0.1")), PROXY).local
    garbage = client_of(request("127.0.0.1", ("X-Forwarded-For", "not-an-address")), PROXY)
    assert garbage.address is None and not garbage.local
    assert garbage.rate_sources == ("address:unknown",)


def test_proxies_are_checked_when_read() -> None:
    with pytest.raises(SettingError, match="BOT_TRUSTED_PROXIES"):
        trusted_proxies({"BOT_TRUSTED_PROXIES": "haproxy.local"})
    assert trusted_proxies({}) == ()
