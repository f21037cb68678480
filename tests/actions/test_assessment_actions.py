"""The assessment form's actions: slot mappings, validation, the questions, the start.

Each test builds the tracker Rasa would send, runs one action with a
CollectingDispatcher and the real domain, and checks the events and messages.
"""
from __future__ import annotations

import gc
import json

import pytest

from actions.tracker_facts import facts_from_tracker
from triage.engine import assess
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import ActionExecutor

from triage.extract import ANSWER_ONLY
from actions.assessment import (
    FORM_SLOTS,
    ActionStartAssessment,
    AskQuestion,
    ValidateAssessmentForm,
    ValidateSlotMappings,
)
from actions.messages import HEADLINES, checklist_signs, questions
from actions.tracker_facts import FACT_SLOTS
from tests.actions.conftest import (
    action_event,
    all_text,
    assert_contract_citation,
    bot_ask_event,
    bot_event,
    entity,
    form_tracker,
    make_tracker,
    slot_event,
    merged_custom,
    slot_set_names,
    slot_sets,
    user_event,
)
from triage.facts import UNKNOWN

CORE_SLOTS = ("pain_type", "onset", "location", "duration")
CHECKLIST = questions()["warning_signs"]["checklist"]
NONE_BUTTON = questions()["warning_signs"]["none_button"]
ITEM_TITLES = [item["title"] for item in CHECKLIST]


def ask_action(slot: str) -> AskQuestion:
    by_name = {cls().name(): cls for cls in AskQuestion.__subclasses__()}
    return by_name[f"action_ask_{slot}"]()


def button_titles(message: dict) -> list[str]:
    return [button["title"] for button in message.get("buttons") or []]


# --- registration -----------------------------------------------------------------


def test_every_form_slot_has_an_ask_action_registered_even_after_garbage_collection(domain):
    """The ask actions are made with type(); unbound, a GC pass made them vanish
    from Action.__subclasses__() and rasa_sdk registered none of them."""
    gc.collect()
    executor = ActionExecutor()
    executor.register_package("actions")
    gc.collect()
    registered = set(executor.actions)
    expected = {f"action_ask_{slot}" for slot in domain["forms"]["assessment_form"]["required_slots"]}
    assert expected <= registered
    # every action the domain names exists (an entry may carry options: {name: {send_domain: true}})
    named = {a if isinstance(a, str) else next(iter(a)) for a in domain["actions"]}
    assert named <= registered
    assert {cls.__module__ for cls in AskQuestion.__subclasses__()} == {"actions.assessment"}


def test_the_contract_core_slots_are_form_slots():
    assert set(CORE_SLOTS) <= set(FORM_SLOTS)
    assert FORM_SLOTS[-1] == "warning_signs"


# --- action_validate_slot_mappings: merging signs ---------------------------------


async def test_slot_mappings_merge_present_and_absent_signs_with_earlier_ones(dispatcher, domain):
    tracker = make_tracker(
        domain,
        slots={"signs": {"swelling": True, "fever": False}},
        entities=[entity("sign", "numbness", role="present"), entity("sign", "redness", role="absent")],
        text="my foot is numb, it's not red",
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {
        "signs": {"swelling": True, "fever": False, "numbness": True, "redness": False}
    }
    assert dispatcher.messages == []


async def test_slot_mappings_read_a_button_sign_without_role_as_present(dispatcher, domain):
    # '/inform{"sign": ["redness", "warmth"]}' gives one entity per sign, with no role.
    tracker = make_tracker(
        domain,
        slots={"signs": {"pain_at_rest": True}},
        entities=[entity("sign", "redness"), entity("sign", "warmth")],
        text='/inform{"sign": ["redness", "warmth"]}',
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert slot_sets(events)["signs"] == {"pain_at_rest": True, "redness": True, "warmth": True}


async def test_slot_mappings_start_signs_from_an_empty_slot(dispatcher, domain):
    tracker = make_tracker(domain, slots={"signs": None}, entities=[entity("sign", "chest_pain", role="present")])
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"signs": {"chest_pain": True}}


async def test_slot_mappings_let_a_later_statement_correct_a_sign(dispatcher, domain):
    tracker = make_tracker(
        domain,
        slots={"signs": {"swelling": True, "numbness": True}},
        entities=[entity("sign", "swelling", role="absent")],
        text="actually there's no swelling",
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert slot_sets(events)["signs"] == {"swelling": False, "numbness": True}


async def test_slot_mappings_present_wins_when_one_message_says_both(dispatcher, domain):
    tracker = make_tracker(
        domain,
        entities=[
            entity("sign", "swelling", role="present"),
            entity("sign", "swelling", role="absent"),
            entity("sign", "redness", role="absent"),
            entity("sign", "redness"),
        ],
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    # Over-triage beats a missed red flag, whatever the order.
    assert slot_sets(events)["signs"] == {"swelling": True, "redness": True}


async def test_slot_mappings_leave_signs_alone_without_sign_entities(dispatcher, domain):
    tracker = make_tracker(
        domain,
        slots={"signs": {"swelling": True}},
        entities=[entity("location", "calf")],
        text="it's my calf",
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert "signs" not in slot_set_names(events)


# --- validate_assessment_form: "not sure" and answers not understood --------------


@pytest.mark.parametrize("slot", FACT_SLOTS)
async def test_not_sure_intent_leaves_the_requested_fact_unknown(slot, dispatcher, domain):
    tracker = form_tracker(domain, slot, intent="not_sure", text="not sure")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {slot: UNKNOWN}


@pytest.mark.parametrize("slot", FACT_SLOTS)
async def test_unsure_answer_entity_leaves_the_requested_fact_unknown(slot, dispatcher, domain):
    tracker = form_tracker(domain, slot, intent="inform", entities=[entity("answer", "unsure")], text="no idea")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {slot: UNKNOWN}


async def test_not_sure_only_touches_the_requested_slot(dispatcher, domain):
    tracker = form_tracker(domain, "onset", slots={"pain_type": "sharp"}, intent="not_sure")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"onset": UNKNOWN}


@pytest.mark.parametrize("slot", FACT_SLOTS)
async def test_an_answer_not_understood_is_an_explicit_none_so_the_form_asks_again(slot, dispatcher, domain):
    tracker = form_tracker(domain, slot, intent="inform", text="purple monkey dishwasher")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    # An explicit SlotSet(slot, None): Rasa's FormAction then sees a validated slot
    # and asks again, instead of rejecting the form.
    assert SlotSet(slot, None) in events
    assert slot_sets(events) == {slot: None}


async def test_an_understood_answer_keeps_its_value(dispatcher, domain):
    tracker = form_tracker(
        domain,
        "pain_type",
        entities=[entity("pain_type", "sharp")],
        text="it's sharp",
        candidates={"pain_type": "sharp"},
    )
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"pain_type": "sharp"}
    assert SlotSet("pain_type", None) not in events


async def test_a_pain_merely_said_answers_its_question_but_never_skips_it(dispatcher, domain):
    # "calves sore after hill reps": "sore" says it hurts, not how; the pain type is still asked.
    said = entity("pain_type", "dull_ache", role=ANSWER_ONLY)
    opening = make_tracker(domain, intent="report_pain", entities=[said, entity("location", "calf")])
    assert slot_sets(await ActionStartAssessment().run(dispatcher, opening, domain))["pain_type"] is None
    # Asked what it feels like, "just sore" is a dull ache.
    reply = form_tracker(domain, "pain_type", entities=[said], text="just sore")
    assert slot_sets(await ValidateAssessmentForm().run(dispatcher, reply, domain))["pain_type"] == "dull_ache"
    # Said in another answer, it fills nothing.
    other = form_tracker(domain, "onset", entities=[said], text="sore the next day")
    assert "pain_type" not in slot_sets(await ValidateAssessmentForm().run(dispatcher, other, domain))


async def test_asked_how_long_a_dated_run_dates_the_pain(dispatcher, domain):
    # "How long have you had it?" "since the race on sunday": the run's date answers it.
    reply = form_tracker(domain, "duration", entities=[entity("run_age", "144")], text="since the race on sunday")
    assert slot_sets(await ValidateAssessmentForm().run(dispatcher, reply, domain))["duration"] == "144"


async def test_an_answer_for_another_slot_fills_it_and_asks_the_requested_one_again(dispatcher, domain):
    tracker = form_tracker(
        domain,
        "pain_type",
        entities=[entity("onset", "next_day")],
        text="it started the next day",
        candidates={"onset": "next_day"},
    )
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"onset": "next_day", "pain_type": None}


# --- validate_assessment_form: the warning-sign checklist --------------------------


@pytest.mark.parametrize(
    "intent, entities",
    [("deny", []), ("inform", [entity("answer", "none")])],
    ids=["intent deny", "entity answer=none"],
)
async def test_none_of_these_ends_the_checklist_and_denies_every_unanswered_sign(intent, entities, dispatcher, domain):
    earlier = {"pain_at_rest": True, "swelling": False, "fever": True}
    tracker = form_tracker(domain, "warning_signs", slots={"signs": earlier}, intent=intent, entities=entities, text="none of these")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    values = slot_sets(events)
    assert values["warning_signs"] == "done"
    signs = values["signs"]
    assert set(checklist_signs()) <= set(signs)
    # Earlier answers stay as they were, present signs stay present ...
    assert signs["pain_at_rest"] is True and signs["fever"] is True and signs["swelling"] is False
    # ... and every other checklist sign is now denied.
    assert all(signs[sign] is False for sign in checklist_signs() if sign not in earlier)


async def test_none_of_these_with_no_earlier_signs_denies_the_whole_checklist(dispatcher, domain):
    tracker = form_tracker(domain, "warning_signs", intent="deny", text="no")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events)["signs"] == {sign: False for sign in checklist_signs()}


async def test_no_to_a_fact_question_does_not_deny_the_checklist(dispatcher, domain):
    tracker = form_tracker(domain, "pain_type", intent="deny", text="no")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert "signs" not in slot_set_names(events)
    assert "warning_signs" not in slot_set_names(events)
    assert slot_sets(events) == {"pain_type": None}


async def test_not_sure_about_the_checklist_leaves_it_unknown_without_denying_signs(dispatcher, domain):
    tracker = form_tracker(domain, "warning_signs", intent="not_sure", text="not sure")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"warning_signs": UNKNOWN}


@pytest.mark.parametrize(
    "reported, signs_slot, level",
    [
        # "Redness or warmth" pressed after swelling was reported: U1.
        (["redness", "warmth"], {"swelling": True, "redness": True, "warmth": True}, "urgent"),
        (["chest_pain", "breathlessness", "coughing_blood"], {"chest_pain": True, "breathlessness": True, "coughing_blood": True}, "emergency"),
        (["cannot_bear_weight"], {"cannot_bear_weight": True}, "urgent"),
    ],
)
async def test_a_sign_that_makes_it_urgent_or_worse_ends_the_checklist(reported, signs_slot, level, dispatcher, domain):
    # action_validate_slot_mappings has already merged the button's signs into `signs`.
    tracker = form_tracker(
        domain,
        "warning_signs",
        slots={"signs": signs_slot},
        entities=[entity("sign", sign) for sign in reported],
        text="/inform",
    )
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"warning_signs": "done"}


@pytest.mark.parametrize(
    "reported, signs_slot",
    [
        (["pain_at_rest"], {"pain_at_rest": True}),  # S2: see_doctor
        (["swelling"], {"swelling": True}),  # swelling alone fires nothing
        (["redness"], {"redness": False}),  # "no redness": nothing new
    ],
)
async def test_a_sign_below_urgent_keeps_the_checklist_open(reported, signs_slot, dispatcher, domain):
    tracker = form_tracker(
        domain,
        "warning_signs",
        slots={"signs": signs_slot},
        entities=[entity("sign", sign, role="absent" if signs_slot[sign] is False else None) for sign in reported],
    )
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"warning_signs": None}
    assert SlotSet("warning_signs", None) in events


async def test_a_checklist_answer_not_understood_asks_again(dispatcher, domain):
    tracker = form_tracker(domain, "warning_signs", text="hmm what")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"warning_signs": None}


async def test_signs_said_before_the_checklist_do_not_fill_it(dispatcher, domain):
    tracker = form_tracker(
        domain,
        "onset",
        slots={"signs": {"pain_at_rest": True}},
        entities=[entity("sign", "pain_at_rest"), entity("onset", "right_after")],
        candidates={"onset": "right_after"},
    )
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {"onset": "right_after"}


# --- action_ask_<slot> ------------------------------------------------------------


@pytest.mark.parametrize("slot", FORM_SLOTS)
async def test_ask_sends_the_question_with_buttons_and_the_ask_payload(slot, dispatcher, domain):
    tracker = make_tracker(
        domain,
        slots={"requested_slot": slot},
        events=[action_event("action_listen"), user_event("report_pain", text="my legs hurt"), action_event("assessment_form")],
        intent="report_pain",
        active_loop="assessment_form",
        latest_action_name="assessment_form",
    )
    events = await ask_action(slot).run(dispatcher, tracker, domain)
    assert events == []
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["custom"] == {"ask": slot}
    assert message["text"] == questions()[slot]["text"]
    assert "didn't quite get that" not in message["text"]
    assert message["buttons"], "every question offers quick replies"
    for button in message["buttons"]:
        assert set(button) >= {"title", "payload"}
        assert button["payload"].startswith("/")


@pytest.mark.parametrize("slot", FACT_SLOTS)
async def test_fact_questions_offer_their_answers_and_not_sure(slot, dispatcher, domain):
    tracker = make_tracker(domain, slots={"requested_slot": slot})
    await ask_action(slot).run(dispatcher, tracker, domain)
    buttons = dispatcher.messages[0]["buttons"]
    assert buttons == questions()[slot]["buttons"]
    assert buttons[-1] == {"title": "Not sure", "payload": "/not_sure"}
    # Every other button's payload is /inform with this slot's entity.
    for button in buttons[:-1]:
        assert button["payload"].startswith("/inform{")
        assert slot in json.loads(button["payload"][len("/inform"):])


@pytest.mark.parametrize("slot", FORM_SLOTS)
async def test_the_same_question_a_second_time_says_it_did_not_understand(slot, dispatcher, domain):
    events = [
        bot_ask_event(slot),
        action_event("action_listen"),
        user_event("inform", text="purple monkey dishwasher"),
        action_event("action_extract_slots"),
        SlotSet("requested_slot", slot),
        action_event("assessment_form"),
        SlotSet(slot, None),
    ]
    tracker = make_tracker(
        domain,
        slots={"requested_slot": slot},
        events=events,
        text="purple monkey dishwasher",
        active_loop="assessment_form",
    )
    await ask_action(slot).run(dispatcher, tracker, domain)
    message = dispatcher.messages[0]
    assert message["text"].startswith("Sorry, I didn't quite get that.")
    assert questions()[slot]["text"] in message["text"]
    assert "not sure" in message["text"]
    assert message["custom"] == {"ask": slot}
    assert message["buttons"]


async def test_a_different_question_before_is_not_a_second_time(dispatcher, domain):
    events = [bot_ask_event("pain_type"), action_event("action_listen"), user_event("inform", [entity("pain_type", "sharp")])]
    tracker = make_tracker(domain, slots={"pain_type": "sharp", "requested_slot": "onset"}, events=events)
    await ask_action("onset").run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] == questions()["onset"]["text"]


async def test_only_the_question_before_the_latest_message_counts(dispatcher, domain):
    # Asked for pain_type two user messages ago, then something else happened.
    events = [
        bot_ask_event("pain_type"),
        user_event("stop", text="stop"),
        bot_event("OK, I've stopped the questions."),
        user_event("report_pain", text="my calf hurts"),
    ]
    tracker = make_tracker(domain, slots={"requested_slot": "pain_type"}, events=events, intent="report_pain")
    await ask_action("pain_type").run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["text"] == questions()["pain_type"]["text"]


async def test_re_asking_after_an_answered_article_question_does_not_say_it_did_not_understand(dispatcher, domain):
    events = [
        bot_ask_event("pain_type"),
        action_event("action_listen"),
        user_event("ask_question", text="what is DOMS?"),
        action_event("action_extract_slots"),
        action_event("action_answer_question"),
        bot_event("From the article, under **...**", custom={"answer": {"citations": [], "score": 0.9}}),
        SlotSet("requested_slot", "pain_type"),
        action_event("assessment_form"),
    ]
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "pain_type"},
        events=events,
        intent="ask_question",
        text="what is DOMS?",
        active_loop="assessment_form",
        latest_action_name="action_answer_question",
    )
    await ask_action("pain_type").run(dispatcher, tracker, domain)
    assert "didn't quite get that" not in dispatcher.messages[0]["text"]


async def test_checklist_again_after_a_sign_asks_for_anything_else(dispatcher, domain):
    events = [
        bot_ask_event("warning_signs"),
        action_event("action_listen"),
        user_event("inform", [entity("sign", "pain_at_rest")]),
    ]
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "warning_signs", "signs": {"pain_at_rest": True}},
        entities=[entity("sign", "pain_at_rest")],
        events=events,
    )
    await ask_action("warning_signs").run(dispatcher, tracker, domain)
    message = dispatcher.messages[0]
    assert message["text"] == questions()["warning_signs"]["again"]
    assert message["custom"] == {"ask": "warning_signs"}
    assert "Pain at rest or at night" not in button_titles(message)


async def test_checklist_offers_every_item_and_none_of_these_at_first(dispatcher, domain):
    tracker = make_tracker(domain, slots={"requested_slot": "warning_signs"})
    await ask_action("warning_signs").run(dispatcher, tracker, domain)
    message = dispatcher.messages[0]
    assert button_titles(message) == ITEM_TITLES + [NONE_BUTTON["title"]]
    assert message["buttons"][-1] == {"title": "None of these", "payload": "/deny"}


async def test_checklist_hides_items_whose_signs_are_all_answered(dispatcher, domain):
    signs = {"dark_urine": False, "pain_at_rest": True, "swelling": False, "numbness": False}
    tracker = make_tracker(domain, slots={"requested_slot": "warning_signs", "signs": signs})
    await ask_action("warning_signs").run(dispatcher, tracker, domain)
    titles = button_titles(dispatcher.messages[0])
    # Hidden: every sign of the item answered, yes or no.
    assert "Dark (cola-coloured) urine" not in titles
    assert "Pain at rest or at night" not in titles
    assert "Swelling" not in titles
    # Still offered: at least one of the item's signs is unanswered.
    assert "Very tight, hard, swollen muscle" in titles  # tight_hard_muscle unknown
    assert "Numbness or tingling" in titles  # tingling unknown
    assert "Chest pain, breathlessness or coughing up blood" in titles
    assert titles[-1] == "None of these"
    assert len(titles) == len(ITEM_TITLES) - 3 + 1


async def test_checklist_always_offers_none_of_these_even_when_all_is_answered(dispatcher, domain):
    signs = {sign: False for sign in checklist_signs()}
    tracker = make_tracker(domain, slots={"requested_slot": "warning_signs", "signs": signs})
    await ask_action("warning_signs").run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["buttons"] == [NONE_BUTTON]


async def test_checklist_button_payloads_report_their_signs_and_implied_facts(dispatcher, domain):
    tracker = make_tracker(domain, slots={"requested_slot": "warning_signs"})
    await ask_action("warning_signs").run(dispatcher, tracker, domain)
    payloads = {b["title"]: b["payload"] for b in dispatcher.messages[0]["buttons"]}
    for item in CHECKLIST:
        payload = payloads[item["title"]]
        assert payload.startswith("/inform{")
        entities = json.loads(payload[len("/inform"):])
        assert entities["sign"] == item["signs"]
    claudication = json.loads(payloads["Calf cramp on runs that eases with rest"][len("/inform"):])
    assert claudication == {"sign": ["eases_with_rest"], "pain_type": "cramping", "onset": "during_run"}


@pytest.mark.parametrize("slot", FORM_SLOTS)
@pytest.mark.parametrize(
    "signs, rule",
    [({"chest_pain": True}, "E1"), ({"cold_pale_leg": True}, "E2"), ({"dark_urine": True}, "E5")],
)
async def test_ask_ends_the_form_instead_of_asking_when_the_facts_are_an_emergency(slot, signs, rule, dispatcher, domain):
    # The form ends without a message: the "assessment is complete" rule then
    # runs action_triage, so the emergency result is sent exactly once.
    tracker = make_tracker(
        domain,
        slots={"requested_slot": slot, "signs": signs, "pain_type": "dull_ache"},
        active_loop="assessment_form",
    )
    events = await ask_action(slot).run(dispatcher, tracker, domain)
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert dispatcher.messages == []
    result = assess(facts_from_tracker(tracker))
    assert result.level == "emergency" and result.reasons[0].rule == rule


async def test_ask_goes_on_when_the_facts_are_urgent_but_not_an_emergency(dispatcher, domain):
    tracker = make_tracker(domain, slots={"requested_slot": "duration", "signs": {"numbness": True}})
    events = await ask_action("duration").run(dispatcher, tracker, domain)
    assert events == []
    assert dispatcher.messages[0]["custom"] == {"ask": "duration"}


# --- action_start_assessment ------------------------------------------------------


PREVIOUS_ASSESSMENT = {
    "pain_type": "sharp",
    "onset": "during_run",
    "location": "shin",
    "spread": "one_spot",
    "duration": "96",
    "warning_signs": "done",
    "signs": {"pain_at_rest": True, "swelling": False},
    "assessment_done": True,
}


async def test_start_assessment_forgets_the_last_one_and_keeps_what_this_message_says(dispatcher, domain):
    tracker = make_tracker(
        domain,
        slots=PREVIOUS_ASSESSMENT,
        intent="report_pain",
        entities=[
            entity("location", "calf"),
            entity("duration", "48"),
            entity("sign", "swelling", role="present"),
            entity("sign", "redness", role="absent"),
        ],
        text="my calf has been swollen for 2 days, not red",
    )
    events = await ActionStartAssessment().run(dispatcher, tracker, domain)
    assert slot_sets(events) == {
        "assessment_done": False,
        "warning_signs": None,
        "confirm_stop": False,
        "sign_check": None,
        "signs_to_check": None,
        "pain_type": None,
        "onset": None,
        "location": "calf",
        "spread": None,
        "duration": "48",
        "run_age": None,
        "signs": {"swelling": True, "redness": False},
        "subject": "the_writer",
    }
    assert len(dispatcher.messages) == 1
    assert "not sure" in dispatcher.messages[0]["text"] and "stop" in dispatcher.messages[0]["text"]


async def test_an_assessment_for_someone_else_says_so_and_asks_about_them(dispatcher, domain):
    tracker = make_tracker(domain, intent="report_pain", text="my son's calves ache since his race",
                           entities=[entity("location", "calf"), {"entity": "subject", "value": "someone_else"}])
    events = await ActionStartAssessment().run(dispatcher, tracker, domain)
    assert slot_sets(events)["subject"] == "someone_else"
    assert "about them" in dispatcher.messages[-1]["text"]
    dispatcher.messages.clear()
    asked = make_tracker(domain, slots={"subject": "someone_else"}, intent="inform", text="calves")
    await ask_action("duration").run(dispatcher, asked, domain)
    assert "How long have they had it?" in dispatcher.messages[-1]["text"]


async def test_start_assessment_without_details_resets_everything(dispatcher, domain):
    tracker = make_tracker(domain, slots=PREVIOUS_ASSESSMENT, intent="report_pain", text="my legs hurt")
    events = await ActionStartAssessment().run(dispatcher, tracker, domain)
    values = slot_sets(events)
    assert values["assessment_done"] is False
    assert all(values[slot] is None for slot in (*FACT_SLOTS, "warning_signs", "signs"))


async def test_start_assessment_keeps_the_last_value_of_a_repeated_entity(dispatcher, domain):
    tracker = make_tracker(
        domain,
        intent="inform",
        entities=[entity("onset", "during_run"), entity("onset", "next_day"), entity("pain_type", "dull_ache")],
    )
    events = await ActionStartAssessment().run(dispatcher, tracker, domain)
    values = slot_sets(events)
    assert values["onset"] == "next_day" and values["pain_type"] == "dull_ache"


async def test_a_sharper_pain_in_the_opening_is_kept(dispatcher, domain):
    tracker = make_tracker(domain, intent="report_pain", entities=[entity("pain_type", "shooting")])
    events = await ActionStartAssessment().run(dispatcher, tracker, domain)
    assert slot_sets(events)["pain_type"] == "shooting"


@pytest.fixture
def reader_reads_nothing(monkeypatch):
    """The learned answer reader finds no answer: the lexicon's reading alone."""
    monkeypatch.setattr("actions.assessment.reply_as_answer", lambda slot, text: None)


@pytest.mark.parametrize("latest_action", ["action_listen", "action_extract_slots", "assessment_form"])
@pytest.mark.parametrize("intent", ["stop", "ask_question", "out_of_scope", "emergency"])
async def test_form_validation_rejects_interruptions_so_their_rules_run(intent, latest_action, dispatcher, domain,
                                                                        reader_reads_nothing):
    from rasa_sdk.interfaces import ActionExecutionRejection

    explicit = [entity("answer", "stop")] if intent == "stop" else []  # "stop" itself, a stop phrase
    tracker = make_tracker(
        domain, slots={"requested_slot": "pain_type"}, intent=intent, entities=explicit,
        active_loop="assessment_form", latest_action_name=latest_action, text="is it bad to run on it?",
    )
    with pytest.raises(ActionExecutionRejection):
        await ValidateAssessmentForm().run(dispatcher, tracker, domain)


@pytest.mark.parametrize("intent", ["ask_question", "out_of_scope"])
async def test_a_reply_that_asks_nothing_is_the_pending_answer_whatever_its_intent(intent, dispatcher, domain,
                                                                                    reader_reads_nothing):
    tracker = make_tracker(domain, slots={"requested_slot": "spread"}, intent=intent,
                           text="runs in a line from the bum down to the back of the knee",
                           active_loop="assessment_form", latest_action_name="action_listen")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert SlotSet("spread", None) in events  # not understood: asked again, never sent to the article


async def test_a_reply_merely_classified_as_stop_is_confirmed_first(dispatcher, domain, reader_reads_nothing):
    tracker = make_tracker(domain, slots={"requested_slot": "onset"}, intent="stop", text="right at the end",
                           active_loop="assessment_form", latest_action_name="action_listen")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("confirm_stop", True)]


@pytest.mark.parametrize("intent, extra", [("affirm", []), ("stop", [])])
async def test_yes_or_stop_again_after_the_confirmation_stops(intent, extra, dispatcher, domain):
    from rasa_sdk.interfaces import ActionExecutionRejection

    tracker = make_tracker(domain, slots={"requested_slot": "onset", "confirm_stop": True}, intent=intent,
                           entities=extra, active_loop="assessment_form", latest_action_name="action_listen")
    with pytest.raises(ActionExecutionRejection):
        await ValidateAssessmentForm().run(dispatcher, tracker, domain)


async def test_no_after_the_confirmation_carries_on(dispatcher, domain):
    tracker = make_tracker(domain, slots={"requested_slot": "warning_signs", "confirm_stop": True}, intent="deny",
                           active_loop="assessment_form", latest_action_name="action_listen")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("confirm_stop", False)]  # not "none of these": the checklist is asked again


async def test_a_reply_misread_as_stop_is_first_read_as_the_answer(monkeypatch, dispatcher, domain):
    monkeypatch.setattr("actions.assessment.reply_as_answer",
                        lambda slot, text: "during_run" if slot == "onset" else None)
    tracker = make_tracker(domain, slots={"requested_slot": "onset"}, intent="stop", text="at the start of the session",
                           active_loop="assessment_form", latest_action_name="action_listen")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert SlotSet("onset", "during_run") in events


async def test_form_validation_goes_on_after_the_interruption_was_handled(dispatcher, domain):
    tracker = make_tracker(
        domain, slots={"requested_slot": "pain_type"}, intent="ask_question",
        active_loop="assessment_form", latest_action_name="assessment_form",
        events=[
            action_event("action_listen"), user_event("ask_question", text="what is doms"),
            action_event("action_extract_slots"), action_event("action_answer_question"),
            action_event("assessment_form"),
        ],
    )
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert SlotSet("pain_type", None) in events  # not rejected: the question is asked again


@pytest.mark.parametrize("slot", ["pain_type", "onset", "location", "spread", "duration", "warning_signs"])
async def test_an_answer_not_understood_twice_leaves_the_fact_unknown(slot, dispatcher, domain, reader_reads_nothing):
    tracker = form_tracker(domain, slot, text="hmm well you know")
    tracker.events.insert(0, bot_ask_event(slot))  # asked, not understood, asked again
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert SlotSet(slot, "unknown") in events


async def test_a_question_asked_in_between_is_not_a_failed_answer(dispatcher, domain, reader_reads_nothing):
    tracker = form_tracker(domain, "onset", text="hmm well you know")
    # asked, the runner asked about the article instead, asked again, not understood
    tracker.events[0:0] = [bot_ask_event("onset"), user_event("ask_question", text="how do i foam roll")]
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert SlotSet("onset", None) in events  # asked once more, not left unknown


async def test_an_answer_not_understood_once_is_asked_again(dispatcher, domain, reader_reads_nothing):
    tracker = form_tracker(domain, "onset", text="hmm well you know")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert SlotSet("onset", None) in events


def _tracker_with_earlier(domain, slot, earlier, text, requested="warning_signs"):
    events = [
        slot_event(slot, earlier),
        action_event("action_listen"),
        user_event("inform", [entity(slot, "dull_ache")], text),
        slot_event(slot, "dull_ache"),  # the candidate Rasa extracted from this message
    ]
    return make_tracker(domain, slots={slot: "dull_ache", "requested_slot": requested}, text=text, events=events)


async def test_a_fact_said_in_passing_does_not_replace_an_earlier_one(dispatcher, domain):
    tracker = _tracker_with_earlier(domain, "pain_type", "sharp", "not swollen, just sore")
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert SlotSet("pain_type", "sharp") in events


async def test_a_sharper_pain_said_in_passing_replaces_a_dull_one(dispatcher, domain):
    events = [
        slot_event("pain_type", "dull_ache"),
        action_event("action_listen"),
        user_event("inform", [entity("pain_type", "sharp")], "felt it go twang and had to pull up"),
        slot_event("pain_type", "sharp"),
    ]
    tracker = make_tracker(domain, slots={"pain_type": "sharp", "requested_slot": "onset"},
                           text="felt it go twang and had to pull up", events=events)
    assert SlotSet("pain_type", "sharp") in await ValidateSlotMappings().run(dispatcher, tracker, domain)


async def test_cramps_said_in_passing_leave_an_achy_pain_achy(dispatcher, domain):
    # "heavy, tired, achy", then "cramps have woken me at 3am": night cramps are a
    # sign of their own (S7); a cramping pain type would raise nothing more here.
    text = "none of those, but cramps have woken me at 3am twice"
    events = [
        slot_event("pain_type", "dull_ache"),
        action_event("action_listen"),
        user_event("inform", [entity("pain_type", "cramping")], text),
        slot_event("pain_type", "cramping"),
    ]
    tracker = make_tracker(domain, slots={"pain_type": "cramping", "requested_slot": "warning_signs",
                                          "signs": {"night_cramps": True, "heavy_legs": True}},
                           text=text, events=events)
    assert SlotSet("pain_type", "dull_ache") in await ValidateSlotMappings().run(dispatcher, tracker, domain)


async def test_a_correction_replaces_an_earlier_fact(dispatcher, domain):
    tracker = _tracker_with_earlier(domain, "pain_type", "sharp", "actually it's more of a dull ache")
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert SlotSet("pain_type", "dull_ache") in events


async def test_the_answer_to_the_question_replaces_an_earlier_fact(dispatcher, domain):
    tracker = _tracker_with_earlier(domain, "pain_type", "sharp", "dull ache", requested="pain_type")
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert SlotSet("pain_type", "dull_ache") in events


async def test_a_re_ask_after_other_facts_thanks_instead_of_apologising(dispatcher, domain):
    tracker = make_tracker(
        domain, slots={"requested_slot": "spread"}, entities=[entity("location", "calf")],
        events=[bot_ask_event("spread"), action_event("action_listen"),
                user_event("inform", [entity("location", "calf")], "right calf")],
    )
    await ask_action("spread").run(dispatcher, tracker, domain)
    assert all_text(dispatcher).startswith("Thanks, noted.")


async def test_a_sign_once_reported_is_not_erased_by_a_passing_denial(dispatcher, domain):
    tracker = make_tracker(
        domain, slots={"signs": {"swelling": True}},
        entities=[entity("sign", "swelling", "absent"), entity("sign", "redness", "absent")],
        text="no swelling or redness",
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert SlotSet("signs", {"swelling": True, "redness": False}) in events


async def test_a_corrected_sign_is_replaced(dispatcher, domain):
    tracker = make_tracker(
        domain, slots={"signs": {"swelling": True}},
        entities=[entity("sign", "swelling", "absent")], text="sorry, I meant no swelling",
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert SlotSet("signs", {"swelling": False}) in events


# --- the run's age and the pain's age ------------------------------------------


def _dated(domain, duration, run_age, onset, *, run_age_later=False):
    """A tracker whose first message gave the duration (and the run's age with
    it, unless `run_age_later`: then a second message gave the run's age)."""
    first = [action_event("action_listen"), user_event("report_pain", [], "first"), slot_event("duration", duration)]
    if not run_age_later:
        first.append(slot_event("run_age", run_age))
    later = [action_event("action_listen"), user_event("inform", [], "later"), slot_event("onset", onset)]
    if run_age_later:
        later.append(slot_event("run_age", run_age))
    return make_tracker(domain, slots={"duration": duration, "run_age": run_age, "onset": onset}, events=first + later)


def test_a_pain_dated_only_by_its_run_is_aged_from_its_onset(domain):
    # "hill reps yesterday" (24 h), then "woke up with it this morning" (next day).
    assert facts_from_tracker(_dated(domain, "24", "24", "next_day")).duration_hours < 24
    assert facts_from_tracker(_dated(domain, "48", "48", "next_day")).duration_hours == 24


def test_a_pain_dated_by_the_runner_keeps_its_age(domain):
    assert facts_from_tracker(_dated(domain, "72", "96", "next_day")).duration_hours == 72


def test_without_a_duration_the_dated_run_and_the_onset_age_the_pain(domain):
    # "parkrun 5 days ago", "came on the next day", then "not sure" how long: about 4 days, so S1 can fire.
    assert facts_from_tracker(_dated(domain, "unknown", "120", "next_day")).duration_hours == 96
    assert facts_from_tracker(_dated(domain, None, "120", "next_day")).duration_hours == 96


def test_equal_numbers_from_two_messages_are_not_the_runs_age(domain):
    # "sore for 4 days", then "I ran 4 days ago": the pain was dated first; S1 must still fire.
    tracker = _dated(domain, "96", "96", "next_day", run_age_later=True)
    assert facts_from_tracker(tracker).duration_hours == 96


@pytest.mark.parametrize(
    "run_age, text, expected",
    [
        ("24", "noticed it this morning", "6"),  # dates the pain: replaces the run's age
        (None, "noticed it this morning", "24"),  # the 24 dated the pain: kept
        ("24", "i tried to jog today and it hurt", "24"),  # a time in passing: kept
        ("24", "this morning", "6"),  # typed alone in reply to "When did it start?": dates the pain
    ],
)
async def test_the_pains_own_age_replaces_the_runs_but_nothing_else_does(run_age, text, expected, dispatcher, domain):
    events = [
        action_event("action_listen"),
        user_event("report_pain", [], "hill reps yesterday"),
        slot_event("duration", "24"),
        slot_event("run_age", run_age),
        action_event("action_listen"),
        user_event("inform", [entity("duration", "6")], text),
        slot_event("duration", "6"),  # the candidate Rasa extracted from this message
    ]
    alone = {"role": ANSWER_ONLY} if text == "this morning" else {}
    tracker = make_tracker(
        domain, slots={"duration": "6", "run_age": run_age, "requested_slot": "onset"}, text=text, events=events,
        entities=[{**entity("duration", "6"), **alone}],
    )
    events = await ValidateSlotMappings().run(dispatcher, tracker, domain)
    assert SlotSet("duration", expected) in events


def test_a_sign_asked_back_and_described_again_in_the_reply_counts(domain):
    from actions.assessment import _sign_check_answer

    def reply(sign, text, entities=()):
        tracker = make_tracker(domain, slots={"signs_to_check": [sign], "requested_slot": "sign_check"},
                               intent="inform", text=text, entities=list(entities))
        return slot_sets(_sign_check_answer(tracker))["signs"] or {}

    assert reply("coughing_blood", "hes been coughing and theres been blood in the tissue twice") == {
        "coughing_blood": True}
    assert reply("dark_urine", "my wee this morning was the colour of flat coke") == {"dark_urine": True}
    assert reply("cold_pale_leg", "the colour of my foot is normal").get("cold_pale_leg") is not True
    assert "coughing_blood" not in reply("coughing_blood", "the calf is the main thing")
    # Set aside by the sentence, a description is no yes, however the learned reader leans.
    assert reply("cold_pale_leg", "my legs went white and numb in the ice bath, gone since",
                 [entity("sign", "cold_pale_leg", role="aside")]).get("cold_pale_leg") is not True
    # A reply that opens with a plain no answers the check, whatever the words after it resemble.
    assert reply("cannot_move", "no none of those, its not getting worse, it just wont shift") == {
        "cannot_move": False}
    # "... none of the rest": a sign the reply does not name is one of the rest.
    assert reply("weakness", "my wee was dark yellow after the race, back to normal now. none of the rest",
                 [{"entity": "answer", "value": "nothing_else"}]) == {"weakness": False}


@pytest.mark.parametrize("text, fact, corrects", [
    ("actually it started on monday", "monday", True),
    ("2 days. wait, no, 3 days", "3 days", True),
    ("sorry i meant the shin", "shin", True),
    # A cue after the fact is emphasis; one in another sentence corrects nothing here.
    ("it aches in bed, woke me up last night actually. no swelling", "last night", False),
    ("actually no swelling. it started last night", "last night", False),
])
def test_a_correction_cue_corrects_the_fact_it_stands_before_in_its_sentence(text, fact, corrects):
    from actions.tracker_facts import is_correction

    assert is_correction(text, text.index(fact)) is corrects


@pytest.mark.parametrize("subject, expected", [("someone_else", "next_day"), ("the_writer", None)])
async def test_a_fact_said_of_him_answers_the_question_about_him_only(subject, expected, dispatcher, domain,
                                                                     reader_reads_nothing):
    """'he says friday morning when he got out of bed', asked when it started:
    his onset when he is the one assessed; nothing when the writer is."""
    tracker = make_tracker(domain, slots={"requested_slot": "onset", "subject": subject}, intent="inform",
                           entities=[entity("onset", "next_day", "theirs")],
                           text="he says friday morning when he got out of bed",
                           active_loop="assessment_form", latest_action_name="action_listen")
    events = await ValidateAssessmentForm().run(dispatcher, tracker, domain)
    assert slot_sets(events).get("onset") == expected
