"""The real PostgreSQL and Redis the replica tests run against.

Where one is missing the tests skip with a plain message, except under CI
(the CI variable set), where its absence is a failure: CI must run them.
Addresses: TEST_POSTGRES_URL and TEST_REDIS_URL, by default the local ones.
"""
from __future__ import annotations

import os
import shutil
import uuid
from urllib.parse import urlsplit

import pytest

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def missing(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)")
    pytest.skip(message)


def postgres_connection(database: str | None = None):
    """An autocommit connection to the test PostgreSQL (or to `database` on it), or a skip."""
    import psycopg2

    parts = urlsplit(POSTGRES_URL)
    try:
        connection = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                                      password=parts.password, dbname=database or parts.path.lstrip("/"),
                                      connect_timeout=3)
    except psycopg2.Error as error:
        missing(f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({error}); set TEST_POSTGRES_URL")
    connection.autocommit = True
    return connection


def redis_client():
    """A client of the test Redis, or a skip."""
    import redis

    parts = urlsplit(REDIS_URL)
    client = redis.Redis(host=parts.hostname, port=parts.port or 6379, db=int(parts.path.lstrip("/") or 0),
                         socket_timeout=3, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        missing(f"Redis is not reachable at {parts.hostname}:{parts.port or 6379} ({error}); set TEST_REDIS_URL")
    return client


def require_haproxy() -> None:
    if not shutil.which("haproxy") and not os.path.exists("/usr/sbin/haproxy"):
        missing("HAProxy is not installed (make haproxy)")


def fresh_name(prefix: str) -> str:
    """A database name or key prefix of this run alone, so the tests are repeatable."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def stored_events(connection, sender: str) -> list[dict]:
    """One conversation's events in Rasa's SQL tracker store, in order, straight from PostgreSQL."""
    import json

    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [json.loads(data) for (data,) in cursor.fetchall()]


def user_texts(stored: list[dict]) -> list[str]:
    """What the runner typed, as stored."""
    return [event["text"] for event in stored if event["event"] == "user"]
