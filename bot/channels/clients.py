"""Who is on the other end of a request: the client's address, as far as it can be trusted.

The peer of the connection is the client unless it is a proxy the operator named in
`BOT_TRUSTED_PROXIES` (comma-separated addresses or networks; `make cluster` names its HAProxy on
loopback): then the client is the last address that proxy wrote into `X-Forwarded-For` (HAProxy
replaces the header, so a client cannot plant one). A request that names a forwarding proxy the
operator did not list is treated as coming from elsewhere, never as local: a reverse proxy on the
same machine would otherwise make every visitor look like loopback.

Sanic's own `PROXIES_COUNT`/`REAL_IP_HEADER` settings are global to Rasa's app and trust the
header by count, not by the peer it came from; this reads both explicitly.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from sanic.request import Request

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

TRUSTED_PROXIES_ENV = "BOT_TRUSTED_PROXIES"
_FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


class SettingError(ValueError):
    pass


def trusted_proxies(env: Mapping[str, str] | None = None) -> tuple[Network, ...]:
    raw = ((os.environ if env is None else env).get(TRUSTED_PROXIES_ENV) or "").strip()
    return _parse_networks(raw)


@lru_cache(maxsize=8)
def _parse_networks(raw: str) -> tuple[Network, ...]:
    networks = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as error:
            raise SettingError(f"{TRUSTED_PROXIES_ENV}: {part!r} is not an address") from error
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


@dataclass(frozen=True)
class Client:
    # None where no address could be read (then it is not local either).
    address: Address | None
    # Forwarded by a proxy the operator did not name: the real client is unknown.
    via_unknown_proxy: bool = False

    @property
    def local(self) -> bool:
        """On this machine: the operator's own tools, tests and integrations."""
        return self.address is not None and self.address.is_loopback and not self.via_unknown_proxy

    @property
    def rate_sources(self) -> tuple[str, ...]:
        """The keys its address is rate-limited under: none on this machine, whose callers (an
        integration, the operator's tools) speak for many users."""
        if self.local:
            return ()
        return (f"address:{self.address}" if self.address else "address:unknown",)


def client_of(request: Request, proxies: tuple[Network, ...] | None = None) -> Client:
    proxies = trusted_proxies() if proxies is None else proxies
    peer = _address(request.ip or "")
    forwarded = [
        value for name in _FORWARDING_HEADERS for value in request.headers.getall(name, [])
    ]
    if not forwarded:
        return Client(peer)
    if peer is None or not any(peer in network for network in proxies):
        return Client(peer, via_unknown_proxy=True)
    # The nearest proxy's entry is the last: earlier ones are whatever the client sent along.
    chain = ",".join(request.headers.getall("x-forwarded-for", [])).split(",")
    return Client(_address(chain[-1]) if chain[-1].strip() else None)
