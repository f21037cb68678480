"""A turn that failed leaves the conversation where it was.

When the action server is down, Rasa still runs the part of a turn it can do
alone: it records the runner's message and fills slots from the message's
entities *without* the validation action (Rasa takes a validation action it
cannot reach as "all valid"), and a rule may close the assessment before a
custom action fails. The runner gets the safe reply, which asks them to try
again; but the conversation would have moved: the pending question
silently answered, a fact said in passing put over an earlier one, or the
assessment closed.

So after a turn in which the bot said nothing, the channel puts back the
slots and the active form as they were before the message (new events at
the end: the record keeps the message). When the action server is back, the
pending question is still pending: the runner's next message is read as its
answer, and anything else brings the question back.

Rasa's own rewind event (UserUtteranceReverted) is not used: inside a form,
Rasa folds the earlier turns of the form away, and the rewind would undo the
whole assessment back to its first message.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.shared.core.events import ActiveLoop, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


def undo_events(before: DialogueStateTracker, after: DialogueStateTracker) -> list[Event]:
    """Events that bring `after`'s slots and active form back to `before`'s (pure)."""
    events: list[Event] = [
        SlotSet(name, value)
        for name, value in before.current_slot_values().items()
        if after.get_slot(name) != value
    ]
    if before.active_loop_name != after.active_loop_name:
        events.append(ActiveLoop(before.active_loop_name))
    return events


def failed_turn_start(events: list[Event], message_id: str) -> Optional[int]:
    """Where the turn of this message starts in the events, if the bot said
    nothing after it (pure); None when there is nothing to undo."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, UserUttered) and event.message_id == message_id:
            said = any(isinstance(later, BotUttered) for later in events[index + 1:])
            return None if said else index
    return None  # the message never reached the conversation (the turn failed before)


async def undo_failed_turn(app: Any, conversation_id: str, message_id: str) -> None:
    """Put the conversation back as it was before `message_id`, if the bot said
    nothing in that turn. Never raises: the runner's safe reply matters more."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is None or agent.tracker_store is None or agent.domain is None:
        return
    try:
        async with agent.lock_store.lock(conversation_id):
            tracker = await agent.tracker_store.retrieve(conversation_id)
            events = list(tracker.events) if tracker else []
            start = failed_turn_start(events, message_id)
            if start is None:
                return
            before = DialogueStateTracker.from_events(conversation_id, events[:start], slots=agent.domain.slots)
            undo = undo_events(before, tracker)
            if undo:
                for event in undo:
                    tracker.update(event)
                await agent.tracker_store.save(tracker)
                # No conversation id in the log: a platform's id is a phone number or an account.
                logger.info("A turn failed: slots and form put back as before the message")
    except Exception:  # the conversation may then have moved; the runner still gets the safe reply
        logger.exception("Could not undo a failed turn")
