"""Which platform deliveries the bot has already taken, so a repeat is answered once.

Platforms deliver again when they are not sure the first delivery arrived:
Slack retries a slow answer, Telegram and Messenger retry after an error or
a connection that failed, Twilio with its connection overrides. A repeat
carries the delivery's id (Slack event ids, Telegram update ids, Messenger
message ids, Twilio message SIDs); the first time an id is seen it is
recorded, and any later delivery with that id gets a 200 and no answer.

The record must outlive the Rasa server: under `make run` a crashed server
is started again (bot/supervisor.py), and a platform retrying across that
gap must not get a second answer. So the channels use SqliteDeliveryLog, a
small table in a database beside the conversations (TRACKER_DB's folder),
where ids older than a TTL are dropped. An id is recorded when it arrives,
before its turn runs: a crash in the middle of a turn loses that message
(the runner sends it again) rather than answering it twice.

With LOCK_STORE_URL set (Redis; required for more than one Rasa server), the
log is RedisDeliveryLog instead: one key per delivery, set only if absent and
with the TTL, so a retry that lands on another replica, on another machine
or after a restart, is still answered once.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections import OrderedDict
from contextlib import closing
from pathlib import Path
from threading import Lock
from typing import Callable, Optional, Protocol

logger = logging.getLogger(__name__)

# Telegram keeps an undelivered update for 24 hours, and the others retry for
# less; two days covers every platform's retries with room to spare.
DELIVERY_TTL_S = 2 * 24 * 3600
DATABASE_NAME = "deliveries.db"


class DeliveryLog(Protocol):
    def first_time(self, delivery_id: Optional[str]) -> bool:
        """True the first time an id is seen (and records it); an empty id is always new."""


class MemoryDeliveryLog:
    """In memory and bounded (least recently seen dropped first): for tests and
    for a bot without a conversation database. A restart forgets it."""

    def __init__(self, capacity: int = 5000):
        self.capacity = capacity
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = Lock()

    def first_time(self, delivery_id: Optional[str]) -> bool:
        if not delivery_id:
            return True
        with self._lock:
            if delivery_id in self._seen:
                self._seen.move_to_end(delivery_id)
                return False
            self._seen[delivery_id] = None
            if len(self._seen) > self.capacity:
                self._seen.popitem(last=False)
            return True


class SqliteDeliveryLog:
    """One SQLite table of (platform, hashed id, when seen); ids expire after `ttl_s`.

    Ids are stored hashed: some carry a runner's platform id (Messenger's
    fallback is sender and time), and a hash is enough to spot a repeat.
    Each call opens its own connection (a webhook is rare next to a turn's
    work), so the log is safe from any thread.
    """

    def __init__(self, path: Path, platform: str, ttl_s: float = DELIVERY_TTL_S,
                 clock: Callable[[], float] = time.time):
        self.path, self.platform, self.ttl_s, self.clock = Path(path), platform, ttl_s, clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            db.execute("PRAGMA journal_mode=WAL")  # kept by the file: readers never wait for a writer
            db.execute("CREATE TABLE IF NOT EXISTS deliveries (platform TEXT NOT NULL, id TEXT NOT NULL, "
                       "seen_at REAL NOT NULL, PRIMARY KEY (platform, id))")
            db.execute("CREATE INDEX IF NOT EXISTS deliveries_seen_at ON deliveries (seen_at)")

    def first_time(self, delivery_id: Optional[str]) -> bool:
        if not delivery_id:
            return True
        now = self.clock()
        key = _hashed(delivery_id)
        # closing() closes; the connection's own `with` commits the transaction.
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            db.execute("DELETE FROM deliveries WHERE seen_at < ?", (now - self.ttl_s,))
            # One statement decides and records, so two copies arriving together
            # cannot both be "first".
            inserted = db.execute("INSERT OR IGNORE INTO deliveries (platform, id, seen_at) VALUES (?, ?, ?)",
                                  (self.platform, key, now)).rowcount
        return inserted == 1


def _hashed(delivery_id: str) -> str:
    return hashlib.sha256(delivery_id.encode("utf-8", "surrogateescape")).hexdigest()


class RedisDeliveryLog:
    """One Redis key per delivery, `<prefix>:delivery:<platform>:<hashed id>`,
    expiring after `ttl_s`: Redis drops old ids by itself.

    When Redis does not answer, the delivery counts as new: a rare second answer
    beats a runner left without one (their turn then gets the safe reply anyway,
    since Rasa's lock store is the same Redis).
    """

    def __init__(self, client, platform: str, prefix: str = "bot", ttl_s: float = DELIVERY_TTL_S):
        self.client, self.platform, self.prefix, self.ttl_s = client, platform, prefix, int(ttl_s)

    def key(self, delivery_id: str) -> str:
        return f"{self.prefix}:delivery:{self.platform}:{_hashed(delivery_id)}"

    def first_time(self, delivery_id: Optional[str]) -> bool:
        if not delivery_id:
            return True
        import redis

        try:
            # SET NX decides and records in one step: two copies arriving at two
            # replicas together cannot both be "first".
            return bool(self.client.set(self.key(delivery_id), "1", nx=True, ex=self.ttl_s))
        except redis.RedisError:
            logger.exception("The delivery log (Redis) did not answer; taking delivery %s as new", self.platform)
            return True


def open_delivery_log(platform: str) -> DeliveryLog:
    """The log a channel uses: Redis when LOCK_STORE_URL is set (shared by every
    replica), else SQLite beside the conversations (TRACKER_DB, which
    bot/settings.py always sets for the servers), else memory."""
    lock_store_url = os.environ.get("LOCK_STORE_URL")
    if lock_store_url:
        from bot.stores import redis_client, redis_location

        location = redis_location(lock_store_url)
        return RedisDeliveryLog(redis_client(location), platform, prefix=location.key_prefix or "bot")
    tracker_db = os.environ.get("TRACKER_DB")
    if not tracker_db:
        return MemoryDeliveryLog()
    return SqliteDeliveryLog(Path(tracker_db).parent / DATABASE_NAME, platform)
