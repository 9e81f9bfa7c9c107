"""Which Host names the app answers to, and which address a request comes from.

DNS rebinding: a web page on ``evil.example`` can make its name resolve to 127.0.0.1, and the
browser then sends that page's requests to recoup with ``Host: evil.example`` and treats the
answers as the page's own. Refusing every Host that is not ours stops that: single-user mode
answers only to loopback names (``127.0.0.1``, ``localhost``, ``[::1]``, with the port when the
server knows it); multi-user mode answers to the names it is configured with
(``recoup serve --allowed-host``), and to loopback names when none are configured.

Client address: the socket's peer, unless that peer is a configured reverse proxy
(``--trusted-proxy``); then the right-most ``X-Forwarded-For`` entry that is not itself a
trusted proxy. A header from anyone else is ignored, so a client cannot pick the address that
the sign-in limits count.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["LOOPBACK_NAMES", "HostPolicy", "ProxyPolicy", "normal_host"]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def normal_host(value: str) -> tuple[str, int | None] | None:
    """``(name, port)`` of a Host header value, lower-cased; None when it is malformed."""
    value = value.strip().lower()
    if not value or any(ch in value for ch in "/\\@ \t?#"):
        return None
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[: end + 1], value[end + 1 :]
    else:
        name, colon, port_text = value.partition(":")
        rest = f":{port_text}" if colon else ""
    if rest:
        if not rest.startswith(":") or not rest[1:].isdigit() or len(rest) > 6:
            return None
        return name.rstrip("."), int(rest[1:])
    return name.rstrip("."), None


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """The Host names accepted; each entry a name with a port, or a name for any port."""

    entries: frozenset[tuple[str, int | None]]

    @classmethod
    def loopback(cls, port: int | None = None) -> HostPolicy:
        return cls(frozenset((name, port) for name in LOOPBACK_NAMES))

    @classmethod
    def configured(cls, hosts: Iterable[str]) -> HostPolicy:
        """From ``name`` or ``name:port`` strings; raises ValueError on a malformed one."""
        entries = set()
        for host in hosts:
            parsed = normal_host(host)
            if parsed is None or not parsed[0] or parsed[0] == "*":
                raise ValueError(f"not a host name (expected name or name:port): {host!r}")
            entries.add(parsed)
        if not entries:
            raise ValueError("at least one allowed host is needed")
        return cls(frozenset(entries))

    def allows(self, header: str | None) -> bool:
        if header is None:
            return False
        parsed = normal_host(header)
        if parsed is None:
            return False
        return parsed in self.entries or (parsed[0], None) in self.entries

    def names(self) -> list[str]:
        return sorted(n if p is None else f"{n}:{p}" for n, p in self.entries)


def _networks(values: Iterable[str]) -> tuple[Network, ...]:
    found = []
    for value in values:
        try:
            found.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or network: {value!r}") from None
    return tuple(found)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip("[]")
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class ProxyPolicy:
    """The reverse proxies whose ``X-Forwarded-For`` header is believed."""

    trusted: tuple[Network, ...] = ()

    @classmethod
    def of(cls, values: Sequence[str]) -> ProxyPolicy:
        return cls(_networks(values))

    def _is_trusted(self, text: str) -> bool:
        address = _address(text)
        return address is not None and any(address in net for net in self.trusted)

    def client(self, peer: str | None, forwarded_for: str | None) -> str:
        """The address that sent the request, as far as we can trust what we were told."""
        if not peer:
            return "unknown"
        if not forwarded_for or not self._is_trusted(peer):
            return peer
        # each proxy appends the address it heard from: walk from the right past our own proxies
        for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
            if not hop:
                continue
            if not self._is_trusted(hop):
                return str(_address(hop) or "unknown")[:64]
        return peer
