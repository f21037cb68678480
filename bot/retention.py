"""`python -m bot forget --older-than 30d`: delete conversations idle longer than the retention period.

Works on the conversation store the bot is configured with: the SQLite file
(TRACKER_DB) or PostgreSQL (TRACKER_STORE_URL), both Rasa's SQL tracker store
with its `events` table, through SQLAlchemy (Rasa's own dependency). The Rasa
server may keep running meanwhile: an idle conversation has no turn in flight,
and each deletion is one transaction. It says how many conversations went,
never which: their ids are the runners'.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional, Union

from bot.privacy import idle_conversations


def store_url(database: Union[Path, str]) -> str:
    """An SQLAlchemy URL for a SQLite file or a postgres(ql):// URL."""
    text = str(database)
    if text.startswith("postgres://"):
        return "postgresql://" + text[len("postgres://"):]
    return text if text.startswith("postgresql://") else f"sqlite:///{text}"


def forget_idle(database: Union[Path, str], max_idle_s: float, now: Optional[float] = None) -> int:
    """Delete every event of the conversations whose last event is older than
    max_idle_s; how many conversations were deleted. `database` is the SQLite
    file or a PostgreSQL URL."""
    import sqlalchemy

    url = store_url(database)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return 0  # never written to: nothing to forget, and no empty file left behind
    now = time.time() if now is None else now
    engine = sqlalchemy.create_engine(url)
    try:
        if not sqlalchemy.inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            rows = connection.execute(sqlalchemy.text("SELECT sender_id, MAX(timestamp) FROM events GROUP BY sender_id"))
            idle = idle_conversations(dict(rows.fetchall()), now, max_idle_s)
            for sender in idle:
                connection.execute(sqlalchemy.text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender})
    finally:
        engine.dispose()
    return len(idle)
