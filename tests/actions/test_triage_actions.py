"""action_triage and action_emergency: the contract's triage payload and the advice text."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.messages import HEADLINES
from actions.triage_actions import ActionEmergency, ActionTriage
from knowledge.article import load_article
from tests.actions.conftest import (
    all_text,
    assert_contract_citation,
    entity,
    make_tracker,
    merged_custom,
)
from triage.advice import load_advice

OUTSIDE_THE_ARTICLE = "Outside the article"
NO_SIGNS = {
    sign: False
    for sign in (
        "chest_pain", "breathlessness", "coughing_blood", "cold_pale_leg", "cannot_move", "dark_urine",
        "deformity", "injury", "tight_hard_muscle", "swelling", "redness", "warmth", "numbness",
        "tingling", "weakness", "cannot_bear_weight", "had_to_stop", "fever", "pain_at_rest",
        "worse_with_movement", "getting_worse", "heavy_legs", "night_cramps", "eases_with_rest",
    )
}
# A completed assessment of plain DOMS: every fact known, every sign denied.
DOMS = {
    "pain_type": "dull_ache",
    "onset": "next_day",
    "location": "thigh",
    "spread": "widespread",
    "duration": "48",
    "warning_signs": "done",
    "signs": NO_SIGNS,
}

CASES = {
    "self_care": (DOMS, []),
    "see_doctor": ({**DOMS, "duration": "96"}, ["S1"]),
    "urgent": ({**DOMS, "signs": {**NO_SIGNS, "swelling": True, "redness": True}}, ["U1"]),
    "emergency": ({**DOMS, "signs": {**NO_SIGNS, "chest_pain": True}}, ["E1"]),
}


@pytest.fixture(scope="module")
def article_headings() -> set[str]:
    return set(load_article().headings)


async def run_triage(domain, dispatcher, slots, **tracker_args):
    tracker = make_tracker(domain, slots=slots, **tracker_args)
    events = await ActionTriage().run(dispatcher, tracker, domain)
    return events, merged_custom(dispatcher)["triage"], all_text(dispatcher)


def assert_advice_text(text: str, level: str) -> None:
    advice = load_advice()[level]
    assert HEADLINES[level] in text
    assert advice.now in text  # what to do now
    assert "If it gets worse: " + advice.if_worse in text
    assert "not a diagnosis" in text.lower()
    # The order a worried reader needs: level, then what to do, and the caveat last.
    assert text.index(HEADLINES[level]) < text.index(advice.now) < text.index(advice.if_worse)
    assert text.rstrip().endswith(advice.not_a_diagnosis)


@pytest.mark.parametrize("level", list(CASES))
async def test_triage_sends_the_contract_payload_and_the_advice_for_each_level(level, dispatcher, domain, article_headings):
    slots, rules = CASES[level]
    events, triage, text = await run_triage(domain, dispatcher, slots)

    assert events == [SlotSet("assessment_done", True)]
    assert len(dispatcher.messages) == 1

    assert triage["level"] == level
    assert [reason["rule"] for reason in triage["reasons"]] == rules
    for reason in triage["reasons"]:
        assert set(reason) >= {"rule", "text"} and reason["text"].strip()
        assert reason["text"].rstrip(".") in text  # the runner reads why
    assert triage["unknown"] == []  # every fact known, every sign answered
    assert triage["citations"], "every level cites where its reasons or advice come from"
    for citation in triage["citations"]:
        assert_contract_citation(citation)
        assert citation["section"] in article_headings or citation["section"] == OUTSIDE_THE_ARTICLE

    assert_advice_text(text, level)


async def test_the_reason_citations_come_first_in_the_payload(dispatcher, domain):
    slots, _ = CASES["urgent"]
    _, triage, _ = await run_triage(domain, dispatcher, slots)
    first = triage["citations"][0]
    assert first["section"] == "Signs of a More Serious Condition"
    assert first["quote"].startswith("Swelling, Redness, or Warmth")


async def test_several_rules_are_all_reasons_most_urgent_first(dispatcher, domain):
    slots = {**DOMS, "pain_type": "sharp", "duration": "96", "signs": {**NO_SIGNS, "numbness": True}}
    _, triage, text = await run_triage(domain, dispatcher, slots)
    assert triage["level"] == "urgent"
    assert [reason["rule"] for reason in triage["reasons"]] == ["U3", "S1", "S4"]
    assert text.startswith(f"**{HEADLINES['urgent']}**")


async def test_triage_names_the_facts_it_could_not_use(dispatcher, domain):
    slots = {**DOMS, "duration": "unknown", "onset": "unknown"}
    _, triage, text = await run_triage(domain, dispatcher, slots)
    assert triage["level"] == "self_care"
    assert "duration_hours" in triage["unknown"] and "onset" in triage["unknown"]
    assert "how long you've had it" in text and "when it started" in text
    assert "treat this with care" in text


async def test_triage_with_unanswered_signs_reports_them_unknown(dispatcher, domain):
    # "Not sure" to the checklist: no sign answered, so the red flags stay unknown.
    slots = {**DOMS, "warning_signs": "unknown", "signs": None}
    _, triage, _ = await run_triage(domain, dispatcher, slots)
    assert triage["level"] == "self_care"
    assert "chest_pain" in triage["unknown"]


async def test_triage_after_a_correction_uses_the_new_value(dispatcher, domain):
    # "actually it's been 5 days": the slot now says 120 hours.
    _, triage, _ = await run_triage(domain, dispatcher, {**DOMS, "duration": "120"})
    assert triage["level"] == "see_doctor"
    assert [reason["rule"] for reason in triage["reasons"]] == ["S1"]


# --- action_emergency ------------------------------------------------------------


async def run_emergency(domain, dispatcher, **tracker_args):
    tracker = make_tracker(domain, intent="emergency", **tracker_args)
    events = await ActionEmergency().run(dispatcher, tracker, domain)
    return events, merged_custom(dispatcher)["triage"], all_text(dispatcher)


async def test_emergency_with_a_stated_emergency_only(dispatcher, domain):
    events, triage, text = await run_emergency(domain, dispatcher, text="I think this is an emergency")
    assert events == [SlotSet("assessment_done", True), SlotSet("requested_slot", None)]
    assert triage["level"] == "emergency"
    assert triage["reasons"], "the runner is told why, even when no rule fired"
    assert triage["reasons"][0]["rule"] == "stated"
    assert triage["reasons"][0]["text"].strip()
    assert "999" in text and "112" in text and "911" in text
    assert_advice_text(text, "emergency")


async def test_emergency_with_a_stated_emergency_only_sends_contract_citations(dispatcher, domain):
    _, triage, _ = await run_emergency(domain, dispatcher, text="I think this is an emergency")
    for citation in triage["citations"]:
        assert_contract_citation(citation)


async def test_emergency_uses_the_signs_in_the_latest_message(dispatcher, domain):
    # The sign is not in the `signs` slot yet; the message says it.
    events, triage, text = await run_emergency(
        domain,
        dispatcher,
        slots={"signs": {"swelling": True}},
        entities=[entity("sign", "chest_pain", role="present")],
        text="I have chest pain",
    )
    assert triage["level"] == "emergency"
    rules = [reason["rule"] for reason in triage["reasons"]]
    assert rules[0] == "E1" and "stated" not in rules
    assert triage["citations"][0]["references"][0]["url"].startswith("https://www.nhs.uk/")
    for citation in triage["citations"]:
        assert_contract_citation(citation)
    assert "999" in text and "112" in text and "911" in text
    assert SlotSet("assessment_done", True) in events


async def test_emergency_keeps_the_rules_that_did_fire_as_reasons(dispatcher, domain):
    # Urgent facts, but the runner says it is an emergency: emergency, with both reasons.
    _, triage, _ = await run_emergency(domain, dispatcher, slots={"signs": {"numbness": True}})
    assert triage["level"] == "emergency"
    assert [reason["rule"] for reason in triage["reasons"]] == ["stated", "U3"]


async def test_emergency_denied_signs_do_not_count(dispatcher, domain):
    _, triage, _ = await run_emergency(domain, dispatcher, entities=[entity("sign", "chest_pain", role="absent")])
    assert [reason["rule"] for reason in triage["reasons"]] == ["stated"]


def test_a_result_about_someone_else_speaks_of_them():
    from actions.messages import of_them, triage_text
    from triage.engine import assess
    from triage.facts import Facts

    result = assess(Facts(pain_type="sharp", location="calf", spread="one_spot", signs={"had_to_stop": True}))
    text = triage_text(result, about_them=True)
    assert "the person you are writing for" in text
    why = next(line for line in text.split("\n\n") if line.startswith("Why: "))
    assert "Your" not in why and "Their pain" in why
    assert of_them("Your pain gets worse when you move, or makes you limp.") == \
        "Their pain gets worse when they move, or makes them limp."


async def test_a_reply_about_someone_else_leaves_the_writers_own_result_in_their_voice(dispatcher, domain):
    # "none for me, my brother was short of breath": the writer's own assessment stays theirs.
    slots = {**DOMS, "subject": "the_writer"}
    _, _, text = await run_triage(domain, dispatcher, slots, text="none for me, my brother was short of breath",
                                  entities=[{"entity": "subject", "value": "someone_else", "role": "only"}])
    assert "person you are writing for" not in text
