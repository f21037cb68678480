"""Rasa glue of the right to be forgotten (the logic: bot/privacy.py).

Every channel hands each runner message to `Agent.handle_message`; this wraps
it, so "delete my data" works the same on REST, the widget and every
messaging platform. A message about forgetting never reaches Rasa's
processor: the confirmation and the deletion are answered here.

Why here and not in a custom action: Rasa saves the tracker after the
actions of a turn run, so rows deleted by an action would be written back by
that save. Here the deletion runs under the conversation's lock, with no
turn of Rasa's around it, and nothing is saved after it: the events table
holds no row of that conversation once the reply is sent.

Rasa 3.6's tracker stores have no delete: for the SQL store (SQLite,
PostgreSQL) the conversation's rows are deleted from its `events` table; the
in-memory store drops its entry. Other stores are refused (the runner is told
the deletion failed, and no `forgotten` is sent).

Imported by bot.channels.rest, which Rasa loads at start-up.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore

from bot.privacy import (CONFIRM_BUTTONS, CONFIRM_QUESTION, FORGOTTEN_REPLY, KEPT_REPLY, NOT_DELETED_REPLY,
                         ForgetFlow, Step)

logger = logging.getLogger(__name__)

FLOW = ForgetFlow()


def delete_conversation(store: Any, sender_id: str) -> Optional[int]:
    """Delete every event of one conversation; how many rows went (None: the
    store cannot delete)."""
    store = getattr(store, "_tracker_store", store)  # Rasa wraps it in an AwaitableTrackerStore
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            deleted = session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete()
            session.commit()
            return deleted
    if isinstance(store, InMemoryTrackerStore):
        return 1 if store.store.pop(sender_id, None) is not None else 0
    return None


async def forget_step(agent: Agent, message: UserMessage) -> bool:
    """Answer the message if it is part of the forget flow; False: Rasa handles it."""
    step = FLOW.step(message.sender_id, message.text)
    if step is Step.PASS:
        return False
    out, sender = message.output_channel, message.sender_id
    if step is Step.ASK:
        await out.send_response(sender, {"text": CONFIRM_QUESTION, "buttons": [dict(b) for b in CONFIRM_BUTTONS]})
    elif step is Step.KEEP:
        await out.send_response(sender, {"text": KEPT_REPLY})
    else:
        await _forget(agent, message)
    return True


async def _forget(agent: Agent, message: UserMessage) -> None:
    out, sender = message.output_channel, message.sender_id
    try:
        async with agent.lock_store.lock(sender):  # no turn of this conversation runs meanwhile
            deleted = delete_conversation(agent.tracker_store, sender)
    except Exception:  # the message names no conversation: sender ids stay out of the logs
        logger.exception("Deleting a conversation failed")
        deleted = None
    if deleted is None:
        await out.send_response(sender, {"text": NOT_DELETED_REPLY})
        return
    logger.info("A conversation was deleted at the runner's request (%d rows)", deleted)
    await out.send_response(sender, {"text": FORGOTTEN_REPLY, "custom": {"forgotten": True}})


_original_handle_message = Agent.handle_message


async def handle_message(self: Agent, message: UserMessage):
    if self.is_ready() and await forget_step(self, message):
        return None
    return await _original_handle_message(self, message)


Agent.handle_message = handle_message
