"""Sending the triage result, and the emergency short-circuit."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType, SlotSet

from actions.messages import triage_text
from actions.tracker_facts import about_them, facts_from_tracker, signs_in_latest_message
from triage.engine import Reason, TriageResult, assess
from triage.advice import load_advice

# When the classifier hears an emergency that no rule names ("I think this is
# an emergency"), the runner still gets the emergency advice.
STATED_EMERGENCY = Reason(
    rule="stated",
    text="You described something that sounds like an emergency",
    citation={},
)


class ActionTriage(Action):
    def name(self) -> Text:
        return "action_triage"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        result = assess(facts_from_tracker(tracker))
        dispatcher.utter_message(text=triage_text(result, about_them(tracker)), json_message=result.to_payload())
        return [SlotSet("assessment_done", True)]


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        result = assess(facts_from_tracker(tracker, signs_in_latest_message(tracker)))
        if result.level != "emergency":
            result = _stated_emergency(result)
        dispatcher.utter_message(text=triage_text(result, about_them(tracker)), json_message=result.to_payload())
        return [SlotSet("assessment_done", True), SlotSet("requested_slot", None)]


def _stated_emergency(result: TriageResult) -> TriageResult:
    return TriageResult(
        level="emergency",
        reasons=(STATED_EMERGENCY, *result.reasons),
        unknown=result.unknown,
        advice=load_advice()["emergency"],
        facts=result.facts,
    )
