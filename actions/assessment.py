"""The assessment form: slot extraction, validation and the questions."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker, ValidationAction
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.interfaces import ActionExecutionRejection
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answer import answer_what_the_report_asks
from actions.messages import checklist_buttons, checklist_signs, questions, triage_text
from actions.tracker_facts import (
    FACT_SLOTS,
    already_handled,
    is_correction,
    only_the_run_was_dated,
    slot_value_before_latest_message,
    facts_from_tracker,
    latest_answer,
    last_question_asked,
    latest_entities,
    signs_in_latest_message,
    times_asked_in_a_row,
)
from triage.durations import dates_the_pain
from triage.engine import assess
from triage.extract import more_telling
from triage.facts import UNKNOWN

FORM_SLOTS = (*FACT_SLOTS, "warning_signs")
# Once the signs already point to urgent care or worse, further checklist
# questions would only delay the advice.
LEVELS_THAT_END_CHECKLIST = ("emergency", "urgent")
# Intents that leave the form's questions to a rule of their own.
INTERRUPTIONS = {"stop", "ask_question", "out_of_scope", "emergency"}
MAX_ASKS = 2  # a question and one re-ask; then the fact stays unknown


class ValidateSlotMappings(ValidationAction):
    """Runs after every user message: merges reported signs into `signs`, and
    keeps a fact the runner gave earlier unless this message corrects it."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def validate_pain_type(self, value, dispatcher, tracker, domain):
        kept = keep_earlier_unless_corrected("pain_type", value, tracker)
        if isinstance(value, str) and more_telling("pain_type", value, kept["pain_type"]):
            # "hammy feels sore", then "felt it go twang": the sharper pain said in
            # passing counts, or rules U4 and S4 would never see it.
            return {"pain_type": value}
        return kept

    async def validate_onset(self, value, dispatcher, tracker, domain):
        return keep_earlier_unless_corrected("onset", value, tracker)

    async def validate_location(self, value, dispatcher, tracker, domain):
        return keep_earlier_unless_corrected("location", value, tracker)

    async def validate_spread(self, value, dispatcher, tracker, domain):
        return keep_earlier_unless_corrected("spread", value, tracker)

    async def validate_duration(self, value, dispatcher, tracker, domain):
        text = tracker.latest_message.get("text") or ""
        if only_the_run_was_dated(tracker) and dates_the_pain(text) and not latest_entities(tracker, "run_age"):
            return {"duration": value}  # "noticed it this morning" dates the pain itself
        return keep_earlier_unless_corrected("duration", value, tracker)

    async def extract_signs(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        reported = signs_in_latest_message(tracker)
        if not reported:
            return {}
        return {"signs": merge_signs(tracker.get_slot("signs") or {}, reported, tracker)}


def merge_signs(earlier: Dict[str, bool], reported: Dict[str, bool], tracker: Tracker) -> Dict[str, bool]:
    """A red flag once reported stays reported unless the runner corrects it:
    a passing "no swelling" must not erase an earlier "my calf is swollen"."""
    correcting = is_correction(tracker.latest_message.get("text") or "")
    kept = {sign for sign, present in earlier.items() if present and not correcting}
    return {**earlier, **{sign: value for sign, value in reported.items() if sign not in kept}}


def keep_earlier_unless_corrected(slot: str, value: Any, tracker: Tracker) -> Dict[Text, Any]:
    """A fact mentioned in passing does not replace one the runner already gave.

    "just sore" in the warning-sign answer must not turn an earlier "sharp"
    into a dull ache (that would hide rule U4). The value changes when it
    answers this slot's question, or when the runner corrects it ("actually
    it started on Monday").
    """
    earlier = slot_value_before_latest_message(tracker, slot)
    asked_now = tracker.get_slot("requested_slot") == slot
    if earlier in (None, UNKNOWN) or asked_now or is_correction(tracker.latest_message.get("text") or ""):
        return {slot: value}
    return {slot: earlier}


class ValidateAssessmentForm(FormValidationAction):
    """'Not sure' answers, and the warning-sign checklist."""

    def name(self) -> Text:
        return "validate_assessment_form"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in INTERRUPTIONS and not already_handled(tracker):
            # Rejecting hands the turn to the rules for this intent (data/rules.yml);
            # a form that never rejects would swallow "stop" and questions.
            raise ActionExecutionRejection(self.name(), f"'{intent}' interrupts the assessment")
        events = await super().run(dispatcher, tracker, domain)
        if _answered_none_of_these(tracker):
            events.append(SlotSet("signs", _with_checklist_denied(tracker.get_slot("signs") or {})))
        return events

    async def extract_pain_type(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("pain_type", tracker)

    async def extract_onset(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("onset", tracker)

    async def extract_location(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("location", tracker)

    async def extract_spread(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("spread", tracker)

    async def extract_duration(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("duration", tracker)

    async def extract_warning_signs(self, dispatcher, tracker, domain):
        if tracker.get_slot("requested_slot") != "warning_signs":
            return {}
        answer = latest_answer(tracker)
        if answer == "none":
            return {"warning_signs": "done"}
        if answer == "unsure":
            return {"warning_signs": UNKNOWN}
        if signs_in_latest_message(tracker):
            level = assess(facts_from_tracker(tracker)).level
            return {"warning_signs": "done" if level in LEVELS_THAT_END_CHECKLIST else None}
        return {"warning_signs": UNKNOWN if times_asked_in_a_row(tracker, "warning_signs") >= MAX_ASKS else None}


def _facts_in_latest_message(tracker: Tracker) -> bool:
    return any(e.get("entity") in (*FACT_SLOTS, "sign") for e in tracker.latest_message.get("entities", []))


def _answered_none_of_these(tracker: Tracker) -> bool:
    return tracker.get_slot("requested_slot") == "warning_signs" and latest_answer(tracker) == "none"


def _with_checklist_denied(signs: Dict[str, bool]) -> Dict[str, bool]:
    """'None of these' denies every checklist sign not already answered; other signs stay unknown."""
    return {**{sign: False for sign in checklist_signs()}, **signs}


def _unsure_or_nothing(slot: str, tracker: Tracker) -> Dict[Text, Any]:
    """'Not sure' to this slot's question leaves the fact unknown, and moves on.

    An answer the bot did not understand is returned as an explicit None so
    that the form asks again instead of being rejected; after one re-ask the
    fact is left unknown, so a runner is never stuck on a question.
    """
    if tracker.get_slot("requested_slot") != slot:
        return {}
    if latest_answer(tracker) == "unsure":
        return {slot: UNKNOWN}
    if tracker.get_slot(slot) is None and not latest_entities(tracker, slot):
        return {slot: UNKNOWN if times_asked_in_a_row(tracker, slot) >= MAX_ASKS else None}
    return {}


class ActionStartAssessment(Action):
    """A new assessment: forget the last one, keep what this message says."""

    def name(self) -> Text:
        return "action_start_assessment"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        events: List[EventType] = [SlotSet("assessment_done", False), SlotSet("warning_signs", None)]
        for slot in (*FACT_SLOTS, "run_age"):
            said_now = latest_entities(tracker, slot)
            events.append(SlotSet(slot, said_now[-1]["value"] if said_now else None))
        events.append(SlotSet("signs", signs_in_latest_message(tracker) or None))
        answer_what_the_report_asks(dispatcher, tracker.latest_message.get("text") or "")
        dispatcher.utter_message(text="I'm sorry your legs hurt. I'll ask a few quick questions, then tell you what I think you should do. You can say \"not sure\" to any question, or \"stop\" at any time.")
        return events


class AskQuestion(Action, ABC):
    """Asks for one slot; before that, ends the form if the facts so far are an emergency."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this action asks for (abstract, so rasa_sdk registers only the subclasses)."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        if assess(facts_from_tracker(tracker)).level == "emergency":
            # End the form; the "assessment is complete" rule then runs
            # action_triage, which sends the emergency result once.
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        spec = questions()[self.slot]
        asked_again = last_question_asked(tracker) == self.slot
        dispatcher.utter_message(
            text=self._text(spec, asked_again, tracker),
            buttons=self._buttons(spec, tracker),
            json_message={"ask": self.slot},
        )
        return []

    def _text(self, spec: dict, asked_again: bool, tracker: Tracker) -> str:
        if self.slot == "warning_signs" and asked_again and signs_in_latest_message(tracker):
            return spec["again"]
        if asked_again and _facts_in_latest_message(tracker):
            return "Thanks, noted. " + spec["text"]  # they told us something else
        if asked_again:
            return "Sorry, I didn't quite get that. " + spec["text"] + " You can also say \"not sure\"."
        return spec["text"]

    def _buttons(self, spec: dict, tracker: Tracker) -> list[dict]:
        if self.slot == "warning_signs":
            return checklist_buttons(tracker.get_slot("signs") or {})
        return spec["buttons"]


# One ask action per form slot, named action_ask_<slot> as Rasa expects. Bound to a
# module name: a class only Action.__subclasses__() knows (a weak reference) is
# garbage-collected, and rasa_sdk would then not register it.
ASK_ACTIONS = tuple(type(f"Ask_{_slot}", (AskQuestion,), {"slot": _slot, "__module__": __name__}) for _slot in FORM_SLOTS)
