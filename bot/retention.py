"""`python -m bot forget --older-than 30d`: delete conversations idle longer than the retention period.

Reads the SQLite conversation store directly (TRACKER_DB); the Rasa server
may keep running meanwhile (SQLite in write-ahead-log mode, and an idle
conversation has no turn in flight). It says how many conversations went,
never which: their ids are the runners'.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Optional

from bot.privacy import idle_conversations


def forget_idle(database: Path, max_idle_s: float, now: Optional[float] = None) -> int:
    """Delete every event of the conversations whose last event is older than
    max_idle_s; how many conversations were deleted."""
    if not database.exists():
        return 0
    now = time.time() if now is None else now
    with sqlite3.connect(database) as connection:
        last_seen = dict(connection.execute("SELECT sender_id, MAX(timestamp) FROM events GROUP BY sender_id"))
        idle = idle_conversations(last_seen, now, max_idle_s)
        connection.executemany("DELETE FROM events WHERE sender_id = ?", [(sender,) for sender in idle])
    return len(idle)
