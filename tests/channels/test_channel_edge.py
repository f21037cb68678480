"""The edge's pure rules: the bearer token, body shape, client address and rate limits."""
from __future__ import annotations

import json

import pytest

from bot.channels.edge import EdgeLimits, RateLimiter, bearer_ok, client_address, parse_json
from bot.channels.rest import parse_turn


def test_bearer_token():
    assert bearer_ok("", None)  # no token set: open
    assert bearer_ok("s3cret", "Bearer s3cret")
    assert bearer_ok("s3cret", "bearer s3cret")
    for header in (None, "", "Bearer", "Bearer wrong", "Basic s3cret", "s3cret", "Bearer s3cret2", "Bearer sécret"):
        assert not bearer_ok("s3cret", header)


def test_deep_json_is_a_400_not_a_crash():
    for raw in (b"[" * 5000 + b"]" * 5000, json.dumps({"sender": "a", "message": "b", "metadata": [[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]}).encode()):
        with pytest.raises(ValueError):
            parse_json(raw)
        _, problem = parse_turn(raw)
        assert problem.status == 400
    assert parse_json(b'{"sender": "a", "message": "b", "metadata": {"x": [1]}}')["sender"] == "a"


def test_a_body_over_64_kb_is_413():
    _, problem = parse_turn(json.dumps({"sender": "a", "message": "b", "pad": "x" * 70_000}).encode())
    assert problem.status == 413


def test_client_address_trusts_only_listed_proxies():
    proxies = frozenset({"10.0.0.2"})
    assert client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"  # not a proxy: header ignored
    assert client_address("10.0.0.2", "1.2.3.4", proxies) == "1.2.3.4"
    # the left entry was written by the client: the proxy's own entry wins
    assert client_address("10.0.0.2", "6.6.6.6, 198.51.100.7", proxies) == "198.51.100.7"
    assert client_address("10.0.0.2", None, proxies) == "10.0.0.2"


def test_token_bucket_refuses_then_refills():
    limiter = RateLimiter(per_minute=6, burst=2)  # one token every 10 s
    assert limiter.retry_after("k", 0) is None
    assert limiter.retry_after("k", 0) is None
    assert limiter.retry_after("k", 0) == 10
    assert limiter.retry_after("other", 0) is None  # keys are separate
    assert limiter.retry_after("k", 10) is None


def test_loopback_is_unthrottled_unless_asked_and_a_proxied_client_is_limited():
    limits = EdgeLimits.from_env({"RATE_LIMIT_PER_MINUTE": "3", "TRUSTED_PROXIES": "127.0.0.1"})
    assert all(limits.retry_after("s", "127.0.0.1", None, 0) is None for _ in range(50))
    waits = [limits.retry_after("s", "127.0.0.1", "203.0.113.5", 0) for _ in range(3)]
    assert waits[0] is None and waits[-1] is not None and waits[-1] >= 1
    strict = EdgeLimits.from_env({"RATE_LIMIT_PER_MINUTE": "3", "RATE_LIMIT_LOOPBACK": "true"})
    assert [strict.retry_after("s", "127.0.0.1", None, 0) for _ in range(2)][-1] is not None


def test_per_address_limit_spans_conversations():
    limits = EdgeLimits.from_env({"RATE_LIMIT_PER_MINUTE": "300", "RATE_LIMIT_IP_PER_MINUTE": "6"})
    waits = [limits.retry_after(f"s{n}", "198.51.100.1", None, 0) for n in range(3)]
    assert waits[:2] == [None, None] and waits[2] is not None
