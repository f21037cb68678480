"""The compiled reply check accepts and rejects exactly what Rasa's own does."""
from __future__ import annotations

import asyncio
import gc

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

import bot.rasa_speedups  # noqa: F401

VALID = {"events": [{"event": "slot", "name": "pain_type", "value": "sharp"}], "responses": [{"text": "hi"}]}
INVALID = {"events": [{"event": "slot", "name": 5}], "responses": "not a list"}


@pytest.mark.parametrize("reply", [VALID, {"events": [], "responses": []}])
def test_valid_replies_pass(reply):
    assert RemoteAction("x", None)._validate_action_result(reply) is True


def test_invalid_replies_raise_like_rasas_own_check():
    with pytest.raises(ValidationError):
        validate(INVALID, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("x", None)._validate_action_result(INVALID)


def test_event_classes_are_found_as_rasa_finds_them():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name).type_name == cls.type_name
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("slot") is SlotSet and Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("no such event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no such event")


def test_sqlite_tracker_stores_use_the_write_ahead_log(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "trackers.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    tracker = DialogueStateTracker.from_events("runner", [UserUttered("hello")])
    asyncio.run(store.save(tracker))
    reopened = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "trackers.db"))
    assert asyncio.run(reopened.retrieve("runner")).latest_message.text == "hello"


def test_start_up_objects_are_frozen_once_the_rest_channel_starts():
    from bot.channels.rest import SafeRestInput, freeze_start_up_objects

    blueprint = SafeRestInput().blueprint(lambda message: None)
    assert freeze_start_up_objects in [listener.listener for listener in blueprint._future_listeners]
    try:
        asyncio.run(freeze_start_up_objects(None, None))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
