"""The bot's edge: who may send a turn, how big, and how often. Pure: no Rasa, no Sanic.

- `BOT_REST_TOKEN`: when set, a REST turn needs `Authorization: Bearer <token>`.
- A REST body over 64 KB is refused (413) before it is parsed; JSON nested
  deeper than a turn ever needs is refused (400), not a RecursionError (500).
- Rate limits, per conversation and per client address, on REST and the
  widget: a token bucket each, answered 429 with Retry-After. The client
  address is the connection's, or, when the connection comes from a proxy
  listed in `TRUSTED_PROXIES`, the address that proxy reports in
  X-Forwarded-For (a client cannot choose its own key by sending the header).
  Plain loopback traffic is not limited unless `RATE_LIMIT_LOOPBACK=true`:
  tests, `make eval` and `make bench` run from this machine at full speed,
  while traffic through a local reverse proxy is limited by its real client.
"""
from __future__ import annotations

import ipaddress
import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from bot.channels.security import same_secret

MAX_BODY_BYTES = 64 * 1024
MAX_JSON_DEPTH = 20  # {"sender", "message", "metadata": {...}}: a few levels at most
TOKEN_VARIABLE = "BOT_REST_TOKEN"


def bearer_ok(expected: str, authorization: Optional[str]) -> bool:
    """No token configured: open. Else "Bearer <token>", compared in constant time."""
    if not expected:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and bool(given) and same_secret(expected, given.strip())


def parse_json(raw: bytes) -> Any:
    """The body as JSON; ValueError when malformed or nested too deep."""
    try:
        value = json.loads(raw or b"")
    except RecursionError:  # json gives up around a thousand levels
        raise ValueError("nested too deeply")
    except UnicodeDecodeError as error:
        raise ValueError(str(error))
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError("nested too deeply")
    return value


def _depth(value: Any) -> int:
    """How deep containers nest, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


# --- Rate limits


def is_loopback_address(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def client_address(peer: str, forwarded_for: Optional[str], trusted_proxies: frozenset[str]) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy;
    then the nearest address in X-Forwarded-For that is not a trusted proxy
    (entries further left were written by the client and may be forged)."""
    if peer not in trusted_proxies or not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted_proxies:
            return hop
    return peer


@dataclass
class Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """A token bucket per key: `per_minute` turns a minute, up to `burst` at once."""

    per_minute: float
    burst: int
    buckets: dict[str, Bucket] = field(default_factory=dict)
    max_keys: int = 50_000

    def retry_after(self, key: str, now: float) -> Optional[int]:
        """None when the turn may go (and takes a token), else the seconds to wait."""
        if self.per_minute <= 0:
            return None  # a limit of 0 turns limiting off
        rate = self.per_minute / 60.0
        bucket = self.buckets.get(key) or Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        self.buckets[key] = bucket
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            self._prune(now)
            return None
        return max(1, math.ceil((1.0 - bucket.tokens) / rate))

    def _prune(self, now: float) -> None:
        # A full bucket is the same as no bucket: drop those when there are many keys.
        if len(self.buckets) > self.max_keys:
            full_after = self.burst / (self.per_minute / 60.0)
            self.buckets = {k: b for k, b in self.buckets.items() if now - b.updated < full_after}


@dataclass
class EdgeLimits:
    """The limits of one channel, from the environment."""

    per_sender: RateLimiter
    per_address: RateLimiter
    trusted_proxies: frozenset[str]
    limit_loopback: bool

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "EdgeLimits":
        sender_rate = float(env.get("RATE_LIMIT_PER_MINUTE", "30"))
        address_rate = float(env.get("RATE_LIMIT_IP_PER_MINUTE", "120"))
        proxies = frozenset(p.strip() for p in env.get("TRUSTED_PROXIES", "").split(",") if p.strip())
        return cls(
            RateLimiter(sender_rate, burst=max(1, int(sender_rate // 3))),
            RateLimiter(address_rate, burst=max(1, int(address_rate // 3))),
            proxies,
            env.get("RATE_LIMIT_LOOPBACK", "").lower() in ("1", "true", "yes"),
        )

    def retry_after(self, sender: str, peer: str, forwarded_for: Optional[str], now: float) -> Optional[int]:
        """None when this turn may go, else the seconds to wait (the Retry-After)."""
        address = client_address(peer, forwarded_for, self.trusted_proxies)
        if is_loopback_address(address) and not self.limit_loopback:
            return None
        # The address first: an address over its limit does not use up its conversations' turns.
        wait = self.per_address.retry_after("ip:" + address, now)
        if wait is not None:
            return wait
        return self.per_sender.retry_after("sender:" + sender, now)
