"""Reading the runner's facts out of a Rasa tracker (slots and the latest message)."""
from __future__ import annotations

import re
from typing import Any, Optional

from rasa_sdk import Tracker

from triage.durations import pain_age_hours
from triage.extract import THEIRS
from triage.facts import Facts
from triage.phrasing import speaks_of_themself

FACT_SLOTS = ("pain_type", "onset", "location", "spread", "duration")


def facts_from_tracker(tracker: Tracker, extra_signs: dict[str, bool] | None = None) -> Facts:
    values: dict[str, Any] = {slot: tracker.get_slot(slot) for slot in FACT_SLOTS}
    values["duration"] = _pain_age(tracker)
    values["signs"] = {**(tracker.get_slot("signs") or {}), **(extra_signs or {})}
    return Facts.from_dict(values)


def _pain_age(tracker: Tracker) -> Any:
    """The duration slot, or, when the runner dated only the run (or gave no
    duration at all), the pain's age from the run's and the onset
    (triage.durations.pain_age_hours)."""
    duration = _hours(tracker.get_slot("duration"))
    run_age = _hours(tracker.get_slot("run_age"))
    onset = tracker.get_slot("onset")
    if duration is None and run_age is not None:
        # Not said, or "not sure": the run's date and the onset are all there is.
        return pain_age_hours(run_age, run_age, onset)
    if duration is None:
        return tracker.get_slot("duration")  # None or "unknown"
    if not _set_together(tracker.events, "duration", "run_age"):
        return duration  # the runner dated the pain itself
    return pain_age_hours(duration, run_age, onset)


def only_the_run_was_dated(tracker: Tracker) -> bool:
    """True while the duration slot holds only the run's age ("after my run
    yesterday"): the pain's own age, said later, may then replace it."""
    return _set_together(_events_before_latest_message(tracker), "duration", "run_age")


def _set_together(events: list, slot: str, other: str) -> bool:
    """Both slots hold a value that the same message of the runner gave.

    Provenance, not equal numbers: "sore for 4 days", then "I ran 4 days ago",
    gives equal numbers from two messages, and the first one dated the pain."""
    origin = _message_that_set(events, slot)
    return origin is not None and origin == _message_that_set(events, other)


def _message_that_set(events: list, slot: str) -> int | None:
    """The index of the runner's message after which the slot took its current
    value (re-setting the same value, as validation does, keeps the origin)."""
    latest_user = origin = value = None
    for index, event in enumerate(events):
        if event.get("event") == "user":
            latest_user = index
        elif event.get("event") == "slot" and event.get("name") == slot and event.get("value") != value:
            value, origin = event.get("value"), latest_user
    return origin if value is not None else None


def _events_before_latest_message(tracker: Tracker) -> list:
    events = list(tracker.events)
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    return events[: users[-1]] if users else events


def _hours(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def latest_entities(tracker: Tracker, entity: str) -> list[dict]:
    """The latest message's entities of this type, without those said only of
    someone else (`their_entities`)."""
    return [e for e in tracker.latest_message.get("entities", [])
            if e.get("entity") == entity and e.get("role") != THEIRS]


def their_entities(tracker: Tracker, entity: str) -> list[dict]:
    """'he says friday morning when he got out of bed': facts said only of
    someone else, which answer a question about them."""
    return [e for e in tracker.latest_message.get("entities", [])
            if e.get("entity") == entity and e.get("role") == THEIRS]


SOMEONE_ELSE = "someone_else"  # the `subject` slot when the person assessed is not the writer
THE_WRITER = "the_writer"  # ... and when it is the writer


def about_them(tracker: Tracker) -> bool:
    """Is the person assessed someone other than the writer? Set when the
    assessment starts; an emergency in the very first message reads it there.
    Once the writer's own assessment has started, a reply that speaks of
    someone else ("none for me, my brother was short of breath") changes nothing."""
    subject = tracker.get_slot("subject")
    return subject == SOMEONE_ELSE or (subject != THE_WRITER and bool(latest_entities(tracker, "subject")))


def latest_answer(tracker: Tracker) -> str | None:
    """'unsure' or 'none' when the latest message is that whole answer."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    answers = [e.get("value") for e in latest_entities(tracker, "answer")]
    if "unsure" in answers or intent == "not_sure":
        return "unsure"
    if "none" in answers or intent == "deny":
        return "none"
    return None


def tells_of_someone_else(tracker: Tracker) -> bool:
    """Mid-way through the writer's own assessment, does the latest message
    tell only of someone else's pain, and of the writer too ("none of those
    for me, my running mate had chest pains last month")? Its signs are then
    not the writer's: they are asked back, never counted. Without a word of
    the writer ("he can't stand on tiptoe"), a parent whose first message did
    not say so is taken to speak of the one assessed."""
    return (_in_the_writers_own_assessment(tracker)
            and any(e.get("role") == "only" for e in latest_entities(tracker, "subject")))


def _in_the_writers_own_assessment(tracker: Tracker) -> bool:
    """Mid-way through the writer's own assessment, in a message where the
    writer also speaks of themself: what it says of someone else is theirs."""
    return (tracker.active_loop_name is not None and tracker.get_slot("subject") != SOMEONE_ELSE
            and speaks_of_themself(tracker.latest_message.get("text") or ""))


def _someone_elses(entity: dict, tracker: Tracker) -> bool:
    """A sign said of someone else ("shes the one whos swollen, im fine") in a
    reply to the writer's own questions."""
    return entity.get("said_of") == "other" and _in_the_writers_own_assessment(tracker)


def signs_in_latest_message(tracker: Tracker) -> dict[str, bool]:
    """Signs the latest message reports; a button's sign has no role and is present.
    A sign to check (the readers disagreed) is neither, until the runner answers."""
    signs: dict[str, bool] = {}
    if tells_of_someone_else(tracker):
        return signs
    for entity in latest_entities(tracker, "sign"):
        if entity.get("role") in (CHECK, ASIDE, ORDINARY, LEARNED) or _someone_elses(entity, tracker):
            continue
        present = entity.get("role", "present") != "absent"
        signs[entity["value"]] = signs.get(entity["value"], False) or present
    return signs


CHECK = "check"  # the role of a sign entity the two readers disagreed on
ASIDE = "aside"  # the role of a sign the sentence put elsewhere or on someone else
ORDINARY = "ordinary"  # the role of a sign named only as running talk or as long-standing
# The role of a sign only the learned reader found, sure of it, that cannot make
# the result urgent: it counts only in answer to the checklist (signs_in_checklist_reply
# hears the same reader there). Elsewhere, "my thigh hurts after my run" would
# become pain worse with movement on the model's word alone.
LEARNED = "learned"


def signs_to_check_in_latest_message(tracker: Tracker) -> list[str]:
    """Signs to ask back about, in the order the runner mentioned them."""
    of_another = tells_of_someone_else(tracker)
    return [e["value"] for e in latest_entities(tracker, "sign")
            if e.get("role") in (CHECK, ASIDE)
            or ((of_another or _someone_elses(e, tracker)) and e.get("role", "present") == "present")]


def set_aside_in_latest_message(tracker: Tracker) -> set[str]:
    """Signs the latest message names but puts elsewhere ("numb and blotchy in
    the ice bath, went once I warmed up"), on someone else, or in ordinary
    running talk ("out of breath at the end of the 400")."""
    if tells_of_someone_else(tracker):  # every sign it names is theirs, asides included
        return set(signs_to_check_in_latest_message(tracker))
    return {e["value"] for e in latest_entities(tracker, "sign") if e.get("role") in (ASIDE, ORDINARY)}


def asked_slot(bot_event: dict) -> str | None:
    """The slot a bot message asked for: its custom {"ask": slot}, if any."""
    return _custom(bot_event).get("ask")


def _custom(bot_event: dict) -> dict:
    return (bot_event.get("data") or {}).get("custom") or {}


def last_question_asked(tracker: Tracker) -> str | None:
    """The slot the bot asked for just before the runner's latest message.

    None when something else was said in between, or when the latest message
    already got a reply (a question answered mid-form), so that the question
    that follows is a plain re-ask, not "I didn't get that".
    """
    seen_user = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return None
            seen_user = True
        elif kind == "bot":
            return asked_slot(event) if seen_user else None
    return None


# Actions Rasa runs on every message before anything answers it.
BOOKKEEPING_ACTIONS = {"action_listen", "action_extract_slots", "assessment_form"}


def already_handled(tracker: Tracker) -> bool:
    """Whether an action other than Rasa's bookkeeping ran since the latest message.

    The form's validation sees the form's own execution as the latest action,
    so `tracker.latest_action_name` cannot tell a fresh message from one a
    rule has just answered.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in BOOKKEEPING_ACTIONS:
            return True
    return False


def times_asked(tracker: Tracker, slot: str, sign: str | None = None) -> int:
    """How often the bot has asked for `slot` (about `sign`, for a sign asked
    back) in this assessment, whatever the runner replied each time: the count
    behind the three-asks rule."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_start_assessment":
            break
        if event.get("event") == "bot" and asked_slot(event) == slot:
            count += sign is None or _custom(event).get("sign") == sign
    return count


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def answered(tracker: Tracker, value: str) -> bool:
    """Whether the latest message carries this whole answer ("stop", "nothing_else", ...)."""
    return any(e.get("value") == value for e in latest_entities(tracker, "answer"))


# Replies that are not an attempt at the pending question: the bot answered
# or declined them and asked the question again.
ASIDES = {"ask_question", "out_of_scope", "bot_challenge", "greet", "thank"}


def times_asked_in_a_row(tracker: Tracker, slot: str) -> int:
    """How many of the bot's latest questions in a row asked for `slot` and got
    a reply that tried to answer it. A question the runner asked in between
    ("what's the best way to foam roll?") is no failed answer: without this, a
    fact was left unknown after one question and one aside, never answered."""
    count = 0
    aside = False  # the reply to the question being counted was an aside
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            aside = ((event.get("parse_data") or {}).get("intent") or {}).get("name") in ASIDES
            continue
        if event.get("event") != "bot":
            continue
        asked = asked_slot(event)
        if asked is None:
            continue  # an answer to a question in between does not break the run
        if asked != slot:
            break
        count += 0 if aside else 1
        aside = False
    return count


CORRECTION = re.compile(
    r"\b(actually|sorry|i mean|i meant|correction|wait|instead|rather|changed my mind|scratch that|not .{1,30} but)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?;\n]")


def is_correction(text: str, at: Optional[int] = None) -> bool:
    """Does the runner correct something? With `at` (where a fact is named),
    only a cue before it in the same sentence corrects that fact: "actually
    it started on monday" does, "woke me up last night actually" (emphasis,
    after the fact) does not."""
    if at is None:
        return bool(CORRECTION.search(text))
    sentence_start = max((m.end() for m in SENTENCE_END.finditer(text, 0, at)), default=0)
    return any(m.start() < at for m in CORRECTION.finditer(text, sentence_start, at))


def corrects_slot(tracker: Tracker, slot: str) -> bool:
    """Does the latest message correct this slot's fact where it names it?"""
    text = tracker.latest_message.get("text") or ""
    places = [e["start"] for e in latest_entities(tracker, slot) if isinstance(e.get("start"), int)]
    if not places:
        return is_correction(text)
    return any(is_correction(text, at) for at in places)


def slot_value_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The slot's value as it stood when the runner sent the latest message."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None
