"""The assessment form: slot extraction, validation and the questions."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker, ValidationAction
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.interfaces import ActionExecutionRejection
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answer import answer_what_the_report_asks
from actions.messages import checklist_buttons, checklist_signs, of_them, questions, sign_check_question
from actions.readers import leans_to, reply_as_answer, signs_leaned_to
from triage.answer_reader import check_slot
from actions.tracker_facts import (
    FACT_SLOTS,
    already_handled,
    answered,
    latest_intent,
    times_asked,
    corrects_slot,
    is_correction,
    only_the_run_was_dated,
    slot_value_before_latest_message,
    facts_from_tracker,
    latest_answer,
    about_them,
    last_question_asked,
    latest_entities,
    their_entities,
    set_aside_in_latest_message,
    tells_of_someone_else,
    signs_in_latest_message,
    signs_to_check_in_latest_message,
    SOMEONE_ELSE,
    THE_WRITER,
    times_asked_in_a_row,
)
from triage.durations import dates_the_pain, onset_from_ages
from triage.engine import assess
from triage.rules import urgency
from triage.sign_reader import signs_in_rules
from triage.extract import ANSWER_ONLY, more_telling, opens_with_no
from triage.facts import UNKNOWN
from triage.phrasing import asks_something

FORM_SLOTS = (*FACT_SLOTS, "warning_signs")
# Once the signs already point to urgent care or worse, further checklist
# questions would only delay the advice.
LEVELS_THAT_END_CHECKLIST = ("emergency", "urgent")
# Intents that leave the form's questions to a rule of their own.
INTERRUPTIONS = {"stop", "ask_question", "out_of_scope", "emergency"}
# Of those, the ones a reply to a pending question may be misread as: the
# reply is first read as the question's answer ("at the start of the session").
MISREADINGS = {"stop", "ask_question", "out_of_scope"}
# The three-asks rule (docs/CONTRACT.md): a question is asked at most three
# times, whatever each reply was; then the fact is unknown and the assessment
# moves on. A reply not understood gets one re-ask: two failed answers are enough.
MAX_ASKS = 3
MAX_FAILED_ANSWERS = 2
# The sign the bot asks back about when its two readers disagree.
SIGN_CHECK = "sign_check"
# Signs that could make the result urgent or an emergency: asked back, never taken on a leaning.
CHECKABLE = signs_in_rules()


class ValidateSlotMappings(ValidationAction):
    """Runs after every user message: merges reported signs into `signs`, and
    keeps a fact the runner gave earlier unless this message corrects it."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    async def validate_pain_type(self, value, dispatcher, tracker, domain):
        kept = keep_earlier_unless_corrected("pain_type", value, tracker)
        if (isinstance(value, str) and more_telling("pain_type", value, kept["pain_type"])
                and _raises_the_level(tracker, kept["pain_type"], value)):
            # "hammy feels sore", then "felt it go twang": the sharper pain said in
            # passing counts, or rules U4 and S4 would never see it. Cramps that
            # wake them at night leave an achy pain achy: that is a sign of its own.
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
        # A time typed alone in reply to "When did it start?" ("monday morning") dates the pain.
        said = latest_entities(tracker, "duration")
        answers_when = tracker.get_slot("requested_slot") == "onset" and said and all(
            e.get("role") == ANSWER_ONLY for e in said)
        if only_the_run_was_dated(tracker) and (dates_the_pain(text) or answers_when) \
                and not latest_entities(tracker, "run_age"):
            return {"duration": value}  # "noticed it this morning" dates the pain itself
        return keep_earlier_unless_corrected("duration", value, tracker)

    async def extract_signs(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        reported = signs_in_checklist_reply(tracker)
        if not reported:
            return {}
        return {"signs": merge_signs(tracker.get_slot("signs") or {}, reported, tracker)}

    async def extract_signs_to_check(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """Signs to ask back about: new ones join the queue."""
        queue = list(tracker.get_slot("signs_to_check") or [])
        new = [s for s in worth_checking(tracker) if s not in queue]
        return {"signs_to_check": queue + new} if new else {}


def signs_in_checklist_reply(tracker: Tracker) -> Dict[str, bool]:
    """The signs the latest message reports. In answer to the checklist, a sign
    that cannot make the result urgent ("the more she walks the worse it
    gets") counts when the learned reader leans to it: the question is the
    context. Signs that could make it urgent are asked back instead (readers.py)."""
    reported = signs_in_latest_message(tracker)
    if tracker.get_slot("requested_slot") != "warning_signs" or tells_of_someone_else(tracker):
        return reported
    leaned = signs_leaned_to(tracker.latest_message.get("text") or "") - CHECKABLE - set_aside_in_latest_message(tracker)
    return {**{sign: True for sign in leaned}, **reported}


def worth_checking(tracker: Tracker) -> List[str]:
    """The signs to check, not settled yet, that if present would make the
    result urgent or an emergency given everything said so far: only those
    are asked back ("my knee hurts after my run" is no reason to ask about a fall)."""
    settled = tracker.get_slot("signs") or {}
    facts = facts_from_tracker(tracker)
    level_now = urgency(assess(facts).level)
    worth = []
    for sign in signs_to_check_in_latest_message(tracker):
        level = assess(facts_from_tracker(tracker, extra_signs={sign: True})).level
        if sign not in settled and level in LEVELS_THAT_END_CHECKLIST and urgency(level) < level_now:
            worth.append(sign)
    return worth


def merge_signs(earlier: Dict[str, bool], reported: Dict[str, bool], tracker: Tracker) -> Dict[str, bool]:
    """A red flag once reported stays reported unless the runner corrects it:
    a passing "no swelling" must not erase an earlier "my calf is swollen"."""
    correcting = is_correction(tracker.latest_message.get("text") or "")
    kept = {sign for sign, present in earlier.items() if present and not correcting}
    return {**earlier, **{sign: value for sign, value in reported.items() if sign not in kept}}


def _raises_the_level(tracker: Tracker, pain_type: Any, sharper: str) -> bool:
    facts = facts_from_tracker(tracker)
    level = assess(replace(facts, pain_type=pain_type)).level
    return urgency(assess(replace(facts, pain_type=sharper)).level) < urgency(level)  # smaller is more urgent


def keep_earlier_unless_corrected(slot: str, value: Any, tracker: Tracker) -> Dict[Text, Any]:
    """A fact mentioned in passing does not replace one the runner already gave.

    "just sore" in the warning-sign answer must not turn an earlier "sharp"
    into a dull ache (that would hide rule U4). The value changes when it
    answers this slot's question, or when the runner corrects it ("actually
    it started on Monday").
    """
    earlier = slot_value_before_latest_message(tracker, slot)
    asked_now = tracker.get_slot("requested_slot") == slot
    if earlier in (None, UNKNOWN) or asked_now or corrects_slot(tracker, slot):
        return {slot: value}
    return {slot: earlier}


class ValidateAssessmentForm(FormValidationAction):
    """'Not sure' answers, and the warning-sign checklist."""

    def name(self) -> Text:
        return "validate_assessment_form"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        intent = latest_intent(tracker)
        pending = tracker.get_slot("requested_slot")
        if not already_handled(tracker):
            if _ends_the_assessment(tracker, intent):
                # Rejecting hands the turn to the rules (data/rules.yml): an
                # explicit stop, a "yes" to "do you want to stop?", a question
                # or an emergency. A form that never rejects would swallow them.
                raise ActionExecutionRejection(self.name(), f"'{intent}' interrupts the assessment")
            if intent in INTERRUPTIONS and not _read_as_answer(tracker, pending, intent):
                if intent != "stop":
                    raise ActionExecutionRejection(self.name(), f"'{intent}' interrupts the assessment")
                return [SlotSet("confirm_stop", True)]  # the ask action asks "Do you want to stop?"
            if tracker.get_slot("confirm_stop") and (intent == "deny" or answered(tracker, "carry_on")):
                return [SlotSet("confirm_stop", False)]  # "No, carry on": the question again
        settled = _sign_check_answer(tracker) if pending == SIGN_CHECK else []
        tracker.add_slots(settled)  # so the next question is chosen from the queue as it now stands
        events = settled + await super().run(dispatcher, tracker, domain)
        if tracker.get_slot("confirm_stop"):
            events.append(SlotSet("confirm_stop", False))  # any other reply carries on
        if _answered_none_of_these(tracker):
            events.append(SlotSet("signs", _with_checklist_denied(tracker.get_slot("signs") or {})))
        return events

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        """A sign the two readers disagreed on is asked back first."""
        if tracker.get_slot("signs_to_check"):
            return [SIGN_CHECK, *domain_slots]
        return list(domain_slots)

    async def extract_pain_type(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("pain_type", tracker)

    async def extract_onset(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("onset", tracker)

    async def extract_location(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("location", tracker)

    async def extract_spread(self, dispatcher, tracker, domain):
        return _unsure_or_nothing("spread", tracker)

    async def extract_duration(self, dispatcher, tracker, domain):
        dated_run = latest_entities(tracker, "run_age")
        if tracker.get_slot("requested_slot") == "duration" and dated_run and not latest_entities(tracker, "duration"):
            # Asked how long, "since the race on sunday" dates the pain by its run.
            return {"duration": dated_run[-1]["value"]}
        return _unsure_or_nothing("duration", tracker)

    async def extract_warning_signs(self, dispatcher, tracker, domain):
        """The checklist ends on "none of these", on a reply that says nothing
        else applies ("hurts more on runs, none of the rest"), once the signs
        point to urgent care or worse, and after three asks in all."""
        if tracker.get_slot("requested_slot") != "warning_signs":
            return {}
        answer = latest_answer(tracker)
        if answer == "none" or answered(tracker, "nothing_else"):
            return {"warning_signs": "done"}
        if answer == "unsure":
            return {"warning_signs": UNKNOWN}
        if signs_in_checklist_reply(tracker):
            ends = assess(facts_from_tracker(tracker)).level in LEVELS_THAT_END_CHECKLIST
            return {"warning_signs": "done" if ends or times_asked(tracker, "warning_signs") >= MAX_ASKS else None}
        if reply_as_answer("warning_signs", tracker.latest_message.get("text") or "") == "done":
            return {"warning_signs": "done"}
        failed = times_asked_in_a_row(tracker, "warning_signs") >= MAX_FAILED_ANSWERS
        return {"warning_signs": UNKNOWN if failed or times_asked(tracker, "warning_signs") >= MAX_ASKS else None}


def _facts_in_latest_message(tracker: Tracker) -> bool:
    return any(e.get("entity") in (*FACT_SLOTS, "sign") for e in tracker.latest_message.get("entities", []))


def _answered_none_of_these(tracker: Tracker) -> bool:
    return tracker.get_slot("requested_slot") == "warning_signs" and latest_answer(tracker) == "none"


def _with_checklist_denied(signs: Dict[str, bool]) -> Dict[str, bool]:
    """'None of these' denies every checklist sign not already answered; other signs stay unknown."""
    return {**{sign: False for sign in checklist_signs()}, **signs}


def _unsure_or_nothing(slot: str, tracker: Tracker) -> Dict[Text, Any]:
    """The reply to this slot's question, read in its context.

    The lexicon's facts fill slots through their entities; when it found none
    for the pending question, the reply is matched to the question's options
    by the reader that learns from labelled answers (actions/readers.py).
    'Not sure' leaves the fact unknown. A reply still not understood is
    returned as an explicit None so that the form asks again; after one re-ask
    the fact is left unknown, so a runner is never stuck on a question.
    """
    if tracker.get_slot("requested_slot") != slot:
        return {}
    if latest_answer(tracker) == "unsure":
        return {slot: UNKNOWN}
    said = latest_entities(tracker, slot)
    if said and all(e.get("role") == ANSWER_ONLY for e in said):
        return {slot: said[-1]["value"]}  # "just sore": asked what the pain is like, a dull ache
    theirs = their_entities(tracker, slot)
    if not said and theirs and about_them(tracker):
        return {slot: theirs[-1]["value"]}  # asked about her: "she says friday morning when she got up"
    if tracker.get_slot(slot) is None and not said:
        value = _onset_from_times(tracker) if slot == "onset" else None
        # A long reply full of other facts may still answer this question
        # ("about 3k in, felt a stab and had to pull up"): the reader matches
        # it to this question's options only, with its threshold.
        value = value or reply_as_answer(slot, tracker.latest_message.get("text") or "")
        if value is not None:
            return {slot: value}
        return {slot: UNKNOWN if times_asked_in_a_row(tracker, slot) >= MAX_FAILED_ANSWERS else None}
    return {}


def _onset_from_times(tracker: Tracker) -> str | None:
    """'When did it start?' 'this morning': with the run dated earlier
    ("long run yesterday"), the time the pain began gives the onset."""
    said = [float(e["value"]) for e in latest_entities(tracker, "duration")]
    if latest_entities(tracker, "run_age") or not said:
        return None  # a reply that dates the run itself is read by the lexicon
    run_age = tracker.get_slot("run_age")
    return onset_from_ages(float(run_age) if run_age is not None else None, said[0])


def _ends_the_assessment(tracker: Tracker, intent: str | None) -> bool:
    """An explicit stop (a stop phrase, the stop button), a second stop, or a
    "yes" to "Do you want to stop the questions?"; a question or an emergency."""
    if intent == "stop":
        text = tracker.latest_message.get("text") or ""
        return answered(tracker, "stop") or text.startswith("/") or bool(tracker.get_slot("confirm_stop"))
    if intent == "affirm":
        return bool(tracker.get_slot("confirm_stop"))
    return intent == "emergency"


def _read_as_answer(tracker: Tracker, pending: str | None, intent: str | None) -> bool:
    """A reply the classifier took for a stop, a question or chit-chat that
    answers the pending question after all ("when i got up", "halfway round")."""
    if intent not in MISREADINGS or pending not in FORM_SLOTS:
        return False
    text = tracker.latest_message.get("text") or ""
    if intent != "stop" and not asks_something(text):
        # Asking nothing ("runs in a line from the bum down to the back of the
        # knee"), it is this question's answer, understood or not; it is never
        # sent to the article search.
        return True
    return pending != "warning_signs" and reply_as_answer(pending, text) is not None


def _sign_check_answer(tracker: Tracker) -> List[EventType]:
    """'Just to check: is your pee like tea or cola?' Yes, no or not sure
    settles that sign, and the next one in the queue is asked. A reply that
    answers none of these leaves the sign unknown at once: the check was the
    bot's doubt, not a question the runner must get past, and what the reply
    does say is read as usual. (Done here, not in an extract_ method: the
    form's validation drops slots that are not form slots.)"""
    queue = list(tracker.get_slot("signs_to_check") or [])
    if not queue:
        return [SlotSet(SIGN_CHECK, "done")]
    sign, answer = queue[0], _yes_no(tracker, queue[0])
    signs = dict(tracker.get_slot("signs") or {})
    if answer is not None:
        signs[sign] = answer
    return [SlotSet("signs", signs), *_next_sign_to_check(queue)]


def _sign_asked_back(tracker: Tracker) -> str | None:
    """The sign at the head of the queue: the one being asked back now. (The
    form asks sign_check only while the queue has one: see required_slots.)"""
    return (tracker.get_slot("signs_to_check") or [None])[0]


def _next_sign_to_check(queue: List[str]) -> List[EventType]:
    rest = queue[1:]
    return [SlotSet("signs_to_check", rest or None), SlotSet(SIGN_CHECK, None if rest else "done")]


def _yes_no(tracker: Tracker, sign: str) -> bool | None:
    """True, False or None (not said, or not sure) for a sign asked back:
    the sign named in the reply, a yes or no, or the nearest labelled replies
    to this sign's check ("colour of my foot is normal")."""
    said = signs_in_latest_message(tracker)
    if sign in said:
        return said[sign]
    if sign in set_aside_in_latest_message(tracker):
        # "white and numb in the ice bath, gone since", "cold feet my whole life",
        # "gasping at the top of the rep, fine a minute later": described, but
        # not of the leg now, or not new.
        return None
    text = tracker.latest_message.get("text") or ""
    if opens_with_no(text) or answered(tracker, "nothing_else"):
        # "no, none of those"; "my wee was dark yellow ... none of the rest":
        # a sign the reply does not name is one of "the rest".
        return False
    if leans_to(sign, text):
        # Asked about this very sign, the runner describes it in their own
        # words ("there was blood in the tissue twice"): in answer to the
        # question, that is a yes. ("The colour of my foot is normal" is not:
        # the reader gives it no more than a doubt.)
        return True
    intent, answer = latest_intent(tracker), latest_answer(tracker)
    if intent == "affirm":
        return True
    if intent == "deny" or answer == "none":
        return False
    if answer == "unsure":
        return None
    learned = reply_as_answer(check_slot(sign), text)
    return {"yes": True, "no": False}.get(learned or "")


INTRO = ("I'm sorry your legs hurt. I'll ask a few quick questions, then tell you what I think you should do. "
         "You can say \"not sure\" to any question, or \"stop\" at any time.")
INTRO_THEM = ("I'm sorry they're hurting. I'll ask a few quick questions about them; answer as best you can "
              "for them, then I'll tell you what I think they should do. You can say \"not sure\" to any "
              "question, or \"stop\" at any time.")


class ActionStartAssessment(Action):
    """A new assessment: forget the last one, keep what this message says."""

    def name(self) -> Text:
        return "action_start_assessment"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        events: List[EventType] = [SlotSet("assessment_done", False), SlotSet("warning_signs", None),
                                   SlotSet("confirm_stop", False), SlotSet(SIGN_CHECK, None),
                                   SlotSet("signs_to_check", worth_checking(tracker) or None)]
        for slot in (*FACT_SLOTS, "run_age"):
            said_now = [e for e in latest_entities(tracker, slot) if e.get("role") != ANSWER_ONLY]
            events.append(SlotSet(slot, said_now[-1]["value"] if said_now else None))
        events.append(SlotSet("signs", signs_in_latest_message(tracker) or None))
        about_them = bool(latest_entities(tracker, "subject"))
        events.append(SlotSet("subject", SOMEONE_ELSE if about_them else THE_WRITER))
        answer_what_the_report_asks(dispatcher, tracker.latest_message.get("text") or "")
        dispatcher.utter_message(text=INTRO_THEM if about_them else INTRO)
        return events


STOP_QUESTION = "Do you want to stop the questions?"
STOP_BUTTONS = [
    {"title": "Yes, stop", "payload": "/stop"},
    {"title": "No, carry on", "payload": '/inform{"answer": "carry_on"}'},
]


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
        if self._asked_enough(tracker):
            # Asked three times: the fact is unknown, and the form moves on.
            if self.slot == SIGN_CHECK:
                return [*_next_sign_to_check(list(tracker.get_slot("signs_to_check") or [])),
                        FollowupAction("assessment_form")]
            return [SlotSet(self.slot, UNKNOWN), FollowupAction("assessment_form")]
        if tracker.get_slot("confirm_stop"):
            dispatcher.utter_message(text=STOP_QUESTION, buttons=STOP_BUTTONS, json_message={"ask": self.slot})
            return []
        spec = self._spec(tracker)
        asked_again = last_question_asked(tracker) == self.slot
        dispatcher.utter_message(
            text=self._text(spec, asked_again, tracker),
            buttons=self._buttons(spec, tracker),
            json_message=self._payload(tracker),
        )
        return []

    def _payload(self, tracker: Tracker) -> dict:
        if self.slot == SIGN_CHECK:  # which sign: each one is a question of its own
            return {"ask": self.slot, "sign": _sign_asked_back(tracker)}
        return {"ask": self.slot}

    def _asked_enough(self, tracker: Tracker) -> bool:
        sign = _sign_asked_back(tracker) if self.slot == SIGN_CHECK else None
        return times_asked(tracker, self.slot, sign) >= MAX_ASKS

    def _spec(self, tracker: Tracker) -> dict:
        if self.slot == SIGN_CHECK:
            spec = sign_check_question(_sign_asked_back(tracker))
            if tracker.get_slot("subject") == SOMEONE_ELSE:
                return {**spec, "text": of_them(spec["text"])}  # "does their leg look out of shape?"
            return spec
        spec = questions()[self.slot]
        if tracker.get_slot("subject") == SOMEONE_ELSE and "them" in spec:
            return {**spec, "text": spec["them"]}  # "How long have they had it?"
        return spec

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
ASK_ACTIONS = tuple(type(f"Ask_{_slot}", (AskQuestion,), {"slot": _slot, "__module__": __name__})
                    for _slot in (*FORM_SLOTS, SIGN_CHECK))


class ActionStopAssessment(Action):
    """Leaves the questions: an explicit stop, or a yes to "Do you want to stop?"."""

    def name(self) -> Text:
        return "action_stop_assessment"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        dispatcher.utter_message(response="utter_assessment_stopped")
        return [SlotSet("confirm_stop", False), ActiveLoop(None), SlotSet("requested_slot", None)]
