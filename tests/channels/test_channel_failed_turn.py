"""A turn in which the bot said nothing (the action server was down) is undone:
slots and the form go back to where they were before the message."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.failed_turn import failed_turn_start, undo_events, undo_failed_turn
from bot.channels.messaging import offered_buttons
from bot.settings import ROOT

SENDER = "runner-1"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain.yml"))


def asking_onset() -> list:
    """An assessment waiting for "When did it start?" (as the tracker store holds it)."""
    return [
        ActionExecuted("action_listen"),
        UserUttered("my calves ache after my long run", message_id="m1"),
        SlotSet("pain_type", "dull_ache"),
        SlotSet("location", "calf"),
        ActionExecuted("action_start_assessment"),
        ActionExecuted("assessment_form"),
        ActiveLoop("assessment_form"),
        SlotSet("requested_slot", "onset"),
        BotUttered("When did it start?", {"custom": {"ask": "onset"}}),
        ActionExecuted("action_listen"),
    ]


def failed_answer() -> list:
    """What Rasa records when the action server is down: the entity filled the
    slot without its validation action, then the form failed."""
    return [
        UserUttered("12 to 24 hours later", message_id="m2"),
        SlotSet("onset", "next_day"),
        ActionExecuted("assessment_form"),
        ActionExecuted("action_listen"),
    ]


def failed_emergency() -> list:
    """An emergency mid-assessment: action_emergency failed, then Rasa's own
    action_deactivate_loop closed the form."""
    return [
        UserUttered("my calf is swollen, hot and I can't breathe", message_id="m3"),
        ActionExecuted("action_emergency"),
        ActionExecuted("action_deactivate_loop"),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        ActionExecuted("action_listen"),
    ]


def tracker(domain, events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(SENDER, events, slots=domain.slots)


def test_the_failed_turn_is_found_only_when_the_bot_said_nothing():
    events = asking_onset() + failed_answer()
    assert failed_turn_start(events, "m2") == len(asking_onset())
    assert failed_turn_start(events, "m1") is None  # answered: "When did it start?"
    assert failed_turn_start(events, "never-arrived") is None


def test_undo_puts_back_the_slot_an_unvalidated_entity_filled(domain):
    before, after = tracker(domain, asking_onset()), tracker(domain, asking_onset() + failed_answer())
    assert after.get_slot("onset") == "next_day"
    undo = undo_events(before, after)
    assert undo == [SlotSet("onset", None)]
    for event in undo:
        after.update(event)
    assert after.current_slot_values() == before.current_slot_values()
    assert after.get_slot("requested_slot") == "onset"


def test_undo_reopens_a_form_a_rule_closed(domain):
    before, after = tracker(domain, asking_onset()), tracker(domain, asking_onset() + failed_emergency())
    assert after.active_loop_name is None
    undo = undo_events(before, after)
    assert ActiveLoop("assessment_form") in undo and SlotSet("requested_slot", "onset") in undo


def test_nothing_to_undo_when_nothing_moved(domain):
    assert undo_events(tracker(domain, asking_onset()), tracker(domain, asking_onset())) == []


async def test_the_stored_conversation_is_put_back_and_keeps_the_message(domain):
    store = InMemoryTrackerStore(domain)
    await store.save(tracker(domain, asking_onset() + failed_answer()))
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(
        tracker_store=store, lock_store=InMemoryLockStore(), domain=domain)))

    await undo_failed_turn(app, SENDER, "m2")

    stored = await store.retrieve(SENDER)
    assert stored.get_slot("onset") is None and stored.get_slot("requested_slot") == "onset"
    assert stored.active_loop_name == "assessment_form"
    assert any(isinstance(e, UserUttered) and e.text == "12 to 24 hours later" for e in stored.events)  # the record


async def test_without_a_loaded_model_there_is_nothing_to_undo():
    await undo_failed_turn(SimpleNamespace(ctx=SimpleNamespace()), SENDER, "m2")  # no error


async def test_a_numbered_answer_after_a_failed_turn_still_picks_from_the_question_before_it(domain):
    """On SMS, "2" means the second choice of the latest question; a turn the
    bot never answered must not hide that question's choices."""
    choices = [{"title": "During the run", "payload": "/inform"}, {"title": "Right after the run", "payload": "/inform2"}]
    events = asking_onset()[:-2] + [BotUttered("When did it start?", {"buttons": choices, "custom": {"ask": "onset"}}),
                                     ActionExecuted("action_listen")]
    store = InMemoryTrackerStore(domain)
    await store.save(DialogueStateTracker.from_events("twilio:+44", events + failed_answer(), slots=domain.slots))
    request = SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(tracker_store=store))))
    assert await offered_buttons(request, "twilio", "+44") == choices
