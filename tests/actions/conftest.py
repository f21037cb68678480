"""Helpers for the action tests, after RasaHQ/financial-demo's tests/conftest.py.

A test builds a rasa_sdk Tracker from a plain dict (what Rasa sends the action
server), runs an action with a CollectingDispatcher and the real domain
(bot/domain.yml read with yaml), and asserts on the returned events and the
dispatched messages.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

REPO = Path(__file__).resolve().parents[2]
DOMAIN_PATH = REPO / "bot" / "domain.yml"


@pytest.fixture(scope="session")
def domain() -> dict:
    return yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


# --- building blocks ----------------------------------------------------------


def entity(name: str, value: Any, role: str | None = None) -> dict:
    """An entity as Rasa's parse data has it. A button payload's entity has no role."""
    found = {"entity": name, "value": value, "start": 0, "end": 0, "extractor": "FactExtractor"}
    if role is not None:
        found["role"] = role
    return found


def parse_data(intent: str | None = "inform", entities: Iterable[dict] = (), text: str = "") -> dict:
    intent_data = {"name": intent, "confidence": 1.0} if intent else {}
    return {"intent": intent_data, "entities": list(entities), "text": text}


def user_event(intent: str | None = "inform", entities: Iterable[dict] = (), text: str = "") -> dict:
    data = parse_data(intent, entities, text)
    return {"event": "user", "timestamp": None, "text": text, "parse_data": data, "input_channel": "rest"}


def bot_event(text: str = "", custom: dict | None = None, buttons: list | None = None) -> dict:
    """A bot message as it comes back in tracker.events: buttons and custom sit in `data`."""
    return {"event": "bot", "timestamp": None, "text": text, "data": {"buttons": buttons, "custom": custom}}


def bot_ask_event(slot: str) -> dict:
    return bot_event(text=f"(question for {slot})", custom={"ask": slot})


def action_event(name: str) -> dict:
    return ActionExecuted(name)


def slot_event(name: str, value: Any) -> dict:
    return SlotSet(name, value)


def all_slots(domain: dict, **values: Any) -> dict:
    """Every domain slot (as Rasa sends them), None unless given, plus requested_slot."""
    slots = {name: None for name in domain["slots"]}
    slots["assessment_done"] = False
    slots["requested_slot"] = None
    slots.update(values)
    return slots


def make_tracker(
    domain: dict,
    *,
    slots: dict | None = None,
    intent: str | None = "inform",
    entities: Iterable[dict] = (),
    text: str = "",
    events: list | None = None,
    active_loop: str | None = None,
    latest_action_name: str = "action_listen",
) -> Tracker:
    """A Tracker from a dict, like Tracker.from_dict(json) in financial-demo.

    Without `events`, the events end with the latest user message (as when an
    action runs right after it). Pass `events` to shape the history, for example
    bot questions asked before the latest message.
    """
    latest = parse_data(intent, entities, text)
    if events is None:
        events = [action_event("action_listen"), user_event(intent, entities, text)]
    state = {
        "sender_id": "test-runner",
        "slots": all_slots(domain, **(slots or {})),
        "latest_message": latest,
        "events": list(events),
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": latest_action_name,
    }
    return Tracker.from_dict(state)


def form_tracker(
    domain: dict,
    requested_slot: str,
    *,
    slots: dict | None = None,
    intent: str | None = "inform",
    entities: Iterable[dict] = (),
    text: str = "",
    candidates: dict | None = None,
) -> Tracker:
    """The temporary tracker Rasa's FormAction sends validate_<form>: the history,
    SlotSet(requested_slot), ActionExecuted(form), then the slot candidates
    (slots filled from the latest message), which the tracker's slots already hold."""
    candidates = candidates or {}
    events = [
        bot_ask_event(requested_slot),
        action_event("action_listen"),
        user_event(intent, entities, text),
        action_event("action_extract_slots"),
        slot_event("requested_slot", requested_slot),
        action_event("assessment_form"),
        *(slot_event(name, value) for name, value in candidates.items()),
    ]
    return make_tracker(
        domain,
        slots={**(slots or {}), **candidates, "requested_slot": requested_slot},
        intent=intent,
        entities=entities,
        text=text,
        events=events,
        active_loop="assessment_form",
    )


# --- reading results ----------------------------------------------------------


def slot_sets(events: list) -> dict:
    """{slot: value} of the SlotSet events, the last one winning."""
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def slot_set_names(events: list) -> list[str]:
    return [event["name"] for event in events if event.get("event") == "slot"]


def merged_custom(dispatcher: CollectingDispatcher) -> dict:
    """All `custom` objects of the turn merged, as the contract tells clients to do."""
    merged: dict = {}
    for message in dispatcher.messages:
        merged.update(message.get("custom") or {})
    return merged


def all_text(dispatcher: CollectingDispatcher) -> str:
    return "\n\n".join(message.get("text") or "" for message in dispatcher.messages)


def assert_contract_citation(citation: dict) -> None:
    """The contract's citation: exactly section, quote and references [{label, url}]."""
    assert set(citation) == {"section", "quote", "references"}, citation
    assert isinstance(citation["section"], str) and citation["section"].strip()
    assert isinstance(citation["quote"], str) and citation["quote"].strip()
    assert isinstance(citation["references"], list)
    for reference in citation["references"]:
        assert set(reference) == {"label", "url"}, reference
        assert reference["label"].strip()
        assert reference["url"].startswith("https://"), reference
