"""Stores and replicas from the environment: the pure parts, and the Redis delivery log on the real Redis."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.channels.deliveries import RedisDeliveryLog, SqliteDeliveryLog, open_delivery_log
from bot.replicas import haproxy_config
from bot.settings import load_settings
from bot.stores import StoreConfigError, endpoints_config, replica_problem
from tests.channels.test_channel_deliveries import first_times_at_once
from tests.shared_services import fresh_name, redis_client


def settings(**changes):
    return replace(load_settings(), var_dir=Path("/tmp/x"), tracker_db=Path("/tmp/x/c.db"), **changes)


def test_without_urls_conversations_stay_in_the_sqlite_file_and_locks_in_memory():
    config = endpoints_config(settings())
    assert config["tracker_store"] == {"type": "SQL", "dialect": "sqlite", "db": "/tmp/x/c.db"}
    assert "lock_store" not in config
    assert config["action_endpoint"]["url"].endswith("/webhook")


def test_postgres_url_becomes_rasas_sql_tracker_store():
    config = endpoints_config(settings(tracker_store_url="postgresql://bot:s%40cret@db.internal:5433/runners"))
    assert config["tracker_store"] == {"type": "SQL", "dialect": "postgresql", "url": "db.internal", "port": 5433,
                                       "db": "runners", "username": "bot", "password": "s@cret"}


def test_redis_url_becomes_the_atomic_redis_lock_store():
    config = endpoints_config(settings(lock_store_url="redis://:pw@cache:6380/2?key_prefix=legs"))
    assert config["lock_store"] == {"type": "bot.lock_store.AtomicRedisLockStore", "url": "cache", "port": 6380,
                                    "db": 2, "password": "pw", "key_prefix": "legs"}


@pytest.mark.parametrize("variable, url", [
    ("tracker_store_url", "mysql://db/runners"), ("tracker_store_url", "postgresql://db"),
    ("lock_store_url", "redis://cache/zero"), ("lock_store_url", "redis://cache/0?key_prefix=a-b")])
def test_postgres_and_redis_urls_that_cannot_work_are_refused_plainly(variable, url):
    with pytest.raises(StoreConfigError):
        endpoints_config(settings(**{variable: url}))


def test_replicas_need_both_postgres_and_redis():
    assert replica_problem(settings(replicas=1)) is None
    problem = replica_problem(settings(replicas=3, tracker_store_url="postgresql://db/x"))
    assert "3 replicas" in problem and "LOCK_STORE_URL" in problem and "TRACKER_STORE_URL" not in problem
    assert replica_problem(settings(replicas=2, tracker_store_url="postgresql://db/x", lock_store_url="redis://c")) is None


def test_replica_balancer_config_spreads_rest_and_pins_browsers():
    config = haproxy_config(settings(rasa_port=6105, replicas=2))
    assert "bind 127.0.0.1:6105" in config and "balance roundrobin" in config
    assert "server rasa-1 127.0.0.1:6106" in config and "server rasa-2 127.0.0.1:6107" in config
    assert "cookie SERVERID insert indirect nocache" in config and "option redispatch" in config


@pytest.fixture
def redis_prefix():
    client = redis_client()  # skips (fails under CI) without Redis
    prefix = fresh_name("deliveries")
    yield client, prefix
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_redis_delivery_log_is_shared_and_expires(redis_prefix):
    client, prefix = redis_prefix
    replica_1 = RedisDeliveryLog(client, "telegram", prefix=prefix, ttl_s=60)
    replica_2 = RedisDeliveryLog(redis_client(), "telegram", prefix=prefix, ttl_s=60)
    assert replica_1.first_time("update:41")
    assert not replica_2.first_time("update:41")  # a retry on the other replica
    assert RedisDeliveryLog(client, "twilio", prefix=prefix).first_time("update:41")  # platforms apart
    assert replica_2.first_time(None) and replica_2.first_time("")
    assert 0 < client.ttl(replica_1.key("update:41")) <= 60
    assert "41" not in replica_1.key("update:41")  # stored hashed


def test_redis_delivery_log_two_copies_at_once_are_first_only_once(redis_prefix):
    _, prefix = redis_prefix
    assert first_times_at_once(lambda: RedisDeliveryLog(redis_client(), "twilio", prefix=prefix)) == [False] * 7 + [True]


def test_redis_unreachable_a_delivery_counts_as_new():
    import redis

    log = RedisDeliveryLog(redis.Redis(port=6122, socket_connect_timeout=1), "slack")
    assert log.first_time("event:Ev1") and log.first_time("event:Ev1")


def test_channels_use_redis_when_lock_store_url_is_set(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "conversations.db"))
    monkeypatch.setenv("LOCK_STORE_URL", "redis://127.0.0.1:6379/0?key_prefix=legs")
    log = open_delivery_log("telegram")
    assert isinstance(log, RedisDeliveryLog) and log.prefix == "legs"
    monkeypatch.setenv("LOCK_STORE_URL", "")
    assert isinstance(open_delivery_log("telegram"), SqliteDeliveryLog)


def test_isolated_bots_never_use_the_postgres_or_redis_exported_for_make_run(monkeypatch, tmp_path):
    from bot.settings import isolated_settings

    monkeypatch.setenv("TRACKER_STORE_URL", "postgresql://prod/db")
    monkeypatch.setenv("LOCK_STORE_URL", "redis://prod/0")
    monkeypatch.setenv("REPLICAS", "3")
    isolated = isolated_settings(tmp_path, 6190, 6191)
    assert (isolated.tracker_store_url, isolated.lock_store_url, isolated.replicas) == (None, None, 1)
    assert load_settings().replicas == 3
