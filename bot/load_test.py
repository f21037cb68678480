"""A bounded load test: many runners at once for a fixed time, over REST.

`make bench` runs it on three set-ups (one Rasa server on SQLite, one on
PostgreSQL and Redis, two replicas behind HAProxy). Each of `concurrency`
runners goes through a whole assessment again and again, one turn after the
other, until `duration_s` is over. A turn counts as an error when it is not
a 200 with the bot's own reply (the safe reply is an error here); a turn is
lost when the bot answered it but the conversation store does not hold the
message. The figures are pure arithmetic (`summarize`); `run_load` is the
asyncio client.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import aiohttp

from bot.safety import SAFE_REPLY

CONVERSATION = [
    "my calves ache after my long run yesterday",
    "the next morning",
    "all over the muscle",
    "none of these",
]
TURN_TIMEOUT_S = 120


@dataclass
class LoadResult:
    duration_s: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    answered: Counter = field(default_factory=Counter)  # sender -> turns answered with the bot's reply


@dataclass(frozen=True)
class Figures:
    turns: int
    turns_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    lost: int

    def line(self) -> str:
        return (f"{self.turns} turns, {self.turns_per_s:.1f} turns/s, p50 {self.p50_ms:.0f} ms, "
                f"p99 {self.p99_ms:.0f} ms, {self.errors} errors, {self.lost} lost turns")


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def summarize(result: LoadResult, stored: dict[str, int]) -> Figures:
    """Figures from the client's record and the user messages stored per sender (pure)."""
    latencies = sorted(result.latencies_ms)
    lost = sum(max(0, answered - stored.get(sender, 0)) for sender, answered in result.answered.items())
    return Figures(
        turns=len(latencies), turns_per_s=len(latencies) / result.duration_s if result.duration_s else 0.0,
        p50_ms=statistics.median(latencies) if latencies else 0.0, p99_ms=percentile(latencies, 0.99),
        errors=result.errors, lost=lost,
    )


def is_answer(status: int, body: bytes) -> bool:
    """A 200 carrying the bot's own reply, not the safe reply."""
    if status != 200:
        return False
    try:
        messages = json.loads(body)
    except ValueError:
        return False
    return bool(messages) and not any(m.get("text") == SAFE_REPLY for m in messages if isinstance(m, dict))


async def _runner(session: aiohttp.ClientSession, url: str, deadline: float, result: LoadResult, tag: str) -> None:
    while time.monotonic() < deadline:
        sender = f"{tag}-{uuid.uuid4().hex[:10]}"
        for message in CONVERSATION:
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": message}) as reply:
                    body, status = await reply.read(), reply.status
            except (aiohttp.ClientError, asyncio.TimeoutError):
                body, status = b"", 0
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            if is_answer(status, body):
                result.answered[sender] += 1
            else:
                result.errors += 1


async def _load(base_url: str, concurrency: int, duration_s: float, tag: str) -> LoadResult:
    url = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
    result = LoadResult(duration_s)
    timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT_S)
    # No cookie jar: REST clients are spread over the replicas, as platforms are.
    async with aiohttp.ClientSession(timeout=timeout, cookie_jar=aiohttp.DummyCookieJar(),
                                     connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        started = time.monotonic()
        await asyncio.gather(*(_runner(session, url, started + duration_s, result, tag) for _ in range(concurrency)))
        result.duration_s = time.monotonic() - started  # the last turns end after the deadline
    return result


def run_load(base_url: str, concurrency: int, duration_s: float, tag: Optional[str] = None) -> LoadResult:
    return asyncio.run(_load(base_url, concurrency, duration_s, tag or f"load-{uuid.uuid4().hex[:6]}"))


def stored_user_messages(tracker_store_url: Optional[str], tracker_db: Path, tag: str) -> dict[str, int]:
    """User messages stored per sender whose id starts with `tag`, from PostgreSQL or the SQLite file."""
    query = "SELECT sender_id, COUNT(*) FROM events WHERE type_name = 'user' AND sender_id LIKE %s GROUP BY sender_id"
    if tracker_store_url:
        import psycopg2

        with psycopg2.connect(tracker_store_url) as connection, connection.cursor() as cursor:
            cursor.execute(query, (f"{tag}-%",))
            return dict(cursor.fetchall())
    import sqlite3

    with sqlite3.connect(tracker_db) as connection:
        return dict(connection.execute(query.replace("%s", "?"), (f"{tag}-%",)).fetchall())
