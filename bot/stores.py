"""Where the Rasa servers keep conversations and take their per-conversation locks.

Two environment variables choose (README, "Configuration"):

- TRACKER_STORE_URL: empty, the SQLite file TRACKER_DB (one machine, one Rasa
  server); `postgresql://user:password@host:5432/db`, Rasa's SQL tracker
  store on PostgreSQL, which every replica reads and writes.
- LOCK_STORE_URL: empty, Rasa's in-memory lock (one Rasa server);
  `redis://[:password@]host:6379/db[?key_prefix=name]`, Rasa's Redis lock
  store (with its tickets made atomic: bot/lock_store.py), so two replicas
  never run turns of one conversation at once. The
  platforms' delivery log lives there too (bot/channels/deliveries.py).

The endpoints file Rasa reads is generated from these at start
(var/endpoints.yml): Rasa's ${ENV} substitution cannot switch a whole store
on or off. The parsing and the file's content are pure; `check_stores`
connects, so `python -m bot run` can say plainly what is unreachable before
starting anything (Rasa itself waits forever for a database that is down).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from bot.settings import Settings

# A store that does not answer in this long counts as unreachable: at start,
# and for the delivery log in the middle of a turn.
CONNECT_TIMEOUT_S = 3


class StoreConfigError(ValueError):
    """A store URL that cannot be used, or a store that does not answer; the message says which."""


@dataclass(frozen=True)
class Location:
    scheme: str
    host: str
    port: Optional[int]
    username: Optional[str]
    password: Optional[str]
    name: str  # the database name (PostgreSQL) or number (Redis)
    key_prefix: Optional[str] = None


def parse_url(url: str, schemes: tuple[str, ...], variable: str) -> Location:
    parts = urlsplit(url)
    if parts.scheme not in schemes or not parts.hostname:
        raise StoreConfigError(f"{variable} must look like {schemes[0]}://host:port/..., not {url!r}.")
    query = parse_qs(parts.query)
    return Location(
        scheme=parts.scheme, host=parts.hostname, port=parts.port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        name=parts.path.lstrip("/"), key_prefix=(query.get("key_prefix") or [None])[0],
    )


def postgres_location(url: str) -> Location:
    location = parse_url(url, ("postgresql", "postgres"), "TRACKER_STORE_URL")
    if not location.name:
        raise StoreConfigError("TRACKER_STORE_URL must name the database: postgresql://user@host:5432/<database>.")
    return location


def redis_location(url: str) -> Location:
    location = parse_url(url, ("redis",), "LOCK_STORE_URL")
    if location.name and not location.name.isdigit():
        raise StoreConfigError("LOCK_STORE_URL's path is the Redis database number: redis://host:6379/0.")
    if location.key_prefix and not location.key_prefix.isalnum():
        raise StoreConfigError("LOCK_STORE_URL's key_prefix must be letters and digits only (Rasa's rule).")
    return location


def tracker_store_config(settings: Settings) -> dict:
    if not settings.tracker_store_url:
        return {"type": "SQL", "dialect": "sqlite", "db": str(settings.tracker_db)}
    pg = postgres_location(settings.tracker_store_url)
    config = {"type": "SQL", "dialect": "postgresql", "url": pg.host, "port": pg.port or 5432, "db": pg.name,
              "username": pg.username, "password": pg.password}
    return {key: value for key, value in config.items() if value is not None}


def lock_store_config(settings: Settings) -> Optional[dict]:
    if not settings.lock_store_url:
        return None  # Rasa's in-memory lock store
    redis = redis_location(settings.lock_store_url)
    # Rasa's Redis lock store, made atomic across replicas (bot/lock_store.py).
    config = {"type": "bot.lock_store.AtomicRedisLockStore", "url": redis.host, "port": redis.port or 6379, "db": int(redis.name or 0),
              "username": redis.username, "password": redis.password, "key_prefix": redis.key_prefix}
    return {key: value for key, value in config.items() if value is not None}


def endpoints_config(settings: Settings) -> dict:
    """The content of the endpoints file the Rasa servers read (pure)."""
    config = {
        "action_endpoint": {
            "url": f"{settings.action_url}/webhook",
            # Send the domain only to the actions that read it (bot/domain.yml,
            # send_domain): serialising it for every call costs time on every turn.
            "enable_selective_domain": True,
        },
        "tracker_store": tracker_store_config(settings),
    }
    lock_store = lock_store_config(settings)
    if lock_store:
        config["lock_store"] = lock_store
    return config


def replica_problem(settings: Settings) -> Optional[str]:
    """Why these settings cannot run several Rasa servers, or None (pure)."""
    if settings.replicas <= 1:
        return None
    missing = [name for name, value in (("TRACKER_STORE_URL (postgresql://...)", settings.tracker_store_url),
                                        ("LOCK_STORE_URL (redis://...)", settings.lock_store_url)) if not value]
    if not missing:
        return None
    return (f"{settings.replicas} replicas need conversations and locks every replica shares: set "
            f"{' and '.join(missing)}. The SQLite file and the in-memory lock serve one Rasa server only.")


def write_endpoints(settings: Settings) -> Path:
    """Written readable by its owner only: it may hold the stores' passwords."""
    path = settings.endpoints_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(yaml.safe_dump(endpoints_config(settings), sort_keys=False), encoding="utf-8")
    return path


def check_stores(settings: Settings) -> None:
    """Raise StoreConfigError naming the store that is misconfigured or does not answer."""
    if settings.tracker_store_url:
        _check_postgres(postgres_location(settings.tracker_store_url))
    if settings.lock_store_url:
        _check_redis(redis_location(settings.lock_store_url))


def _check_postgres(pg: Location) -> None:
    import psycopg2

    try:
        psycopg2.connect(host=pg.host, port=pg.port or 5432, dbname=pg.name, user=pg.username,
                         password=pg.password, connect_timeout=CONNECT_TIMEOUT_S).close()
    except psycopg2.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StoreConfigError(f"PostgreSQL (TRACKER_STORE_URL) at {pg.host}:{pg.port or 5432} does not answer: "
                               f"{first_line}") from error


def _check_redis(location: Location) -> None:
    import redis

    try:
        redis_client(location).ping()
    except redis.RedisError as error:
        raise StoreConfigError(f"Redis (LOCK_STORE_URL) at {location.host}:{location.port or 6379} does not answer: "
                               f"{error}") from error


def redis_client(location: Location):
    import redis

    return redis.Redis(host=location.host, port=location.port or 6379, db=int(location.name or 0),
                       username=location.username, password=location.password,
                       socket_timeout=CONNECT_TIMEOUT_S, socket_connect_timeout=CONNECT_TIMEOUT_S)
