"""Rasa's Redis lock store, with its tickets issued and returned atomically.

Rasa 3.6's RedisLockStore keeps one "ticket lock" per conversation as a JSON
value and changes it by reading, editing and writing it back. Two replicas
taking a ticket for the same conversation at the same moment can both read
the lock before either writes it: both get ticket 0, both run their turn at
once, and the SQL tracker store, which appends the events past the count it
finds stored, drops one turn's events (measured here: a runner's message sent
to two replicas at once vanished from the conversation).

Here every read-edit-write of a conversation's ticket lock runs under a short
Redis mutex (SET NX with expiry, redis-py's Lock), so tickets are unique and
turns of one conversation run one after the other, whichever replica takes
them. The mutex expires by itself if its holder dies.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# Held for a few Redis round trips; the expiry only matters if a replica dies holding it.
MUTEX_EXPIRY_S = 10
MUTEX_WAIT_S = 10


class AtomicRedisLockStore(RedisLockStore):
    """Configured like `lock_store: type: redis` (url, port, db, password, key_prefix)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    @contextmanager
    def _exclusive(self, conversation_id: str) -> Iterator[None]:
        with self.red.lock(f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_EXPIRY_S,
                           blocking_timeout=MUTEX_WAIT_S):
            yield

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._exclusive(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._exclusive(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # One mutex over both steps: a ticket issued between them would otherwise
        # see its lock deleted under it.
        with self._exclusive(conversation_id):
            super().cleanup(conversation_id, ticket_number)
