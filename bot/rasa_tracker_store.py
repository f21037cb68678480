"""Two changes to Rasa's tracker store, so an outage of the conversation
database (PostgreSQL shared by the replicas) costs one turn and nothing else.

1. A failure is a failure. Rasa 3.6 wraps every tracker store in
   FailSafeTrackerStore, which answers a failed read with "no such
   conversation" and a failed write by keeping the conversation in this
   server's memory. With PostgreSQL unreachable, a runner half-way through
   the assessment would be greeted as new, and what they said then would live
   on one replica only and be lost at its restart. Here reads and writes raise;
   the channels catch it, the runner gets the safe reply with the emergency
   advice, and the conversation stays where it was in the database.
2. Pooled PostgreSQL connections are checked before use (`pool_pre_ping`).
   After an outage every pooled connection is dead, and without the check
   each one would fail one more turn before SQLAlchemy noticed.

Imported by bot.channels.rest, which Rasa loads at start-up (credentials),
before it creates the tracker store.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import rasa.core.tracker_store as tracker_store
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

_rasa_engine_kwargs = tracker_store.create_engine_kwargs


def engine_kwargs(url) -> Dict[str, Any]:
    kwargs = _rasa_engine_kwargs(url)
    if tracker_store.is_postgresql_url(url):
        kwargs["pool_pre_ping"] = True
    return kwargs


async def _retrieve(self: FailSafeTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
    return await self._tracker_store.retrieve(sender_id)


async def _retrieve_full_tracker(self: FailSafeTrackerStore, sender_id: str) -> Optional[DialogueStateTracker]:
    return await self._tracker_store.retrieve_full_tracker(sender_id)


async def _save(self: FailSafeTrackerStore, tracker: DialogueStateTracker) -> None:
    await self._tracker_store.save(tracker)


tracker_store.create_engine_kwargs = engine_kwargs
FailSafeTrackerStore.retrieve = _retrieve
FailSafeTrackerStore.retrieve_full_tracker = _retrieve_full_tracker
FailSafeTrackerStore.save = _save
