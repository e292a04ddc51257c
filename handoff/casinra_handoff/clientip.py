"""The client's address: the peer's, or — only when the peer is one of `CASINRA_TRUSTED_PROXIES` —
the right-most address of `X-Forwarded-For` that is not itself a trusted proxy. A client that
sends its own `X-Forwarded-For` to the gateway directly changes nothing."""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from starlette.requests import HTTPConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def parse_proxies(spec: str) -> tuple[Network, ...]:
    """`"127.0.0.1, 10.0.0.0/8"` → networks; raises ValueError on a bad entry (the settings check it)."""
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in spec.split(",") if p.strip())


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_ip(conn: HTTPConnection, trusted_proxies: str) -> str:
    peer = conn.client.host if conn.client else "unknown"
    proxies = parse_proxies(trusted_proxies)
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in conn.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # garbage written by the client: the last proxy's view is all we know
                return peer
    return peer
