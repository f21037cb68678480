"""Whole conversations over REST against the live bot, one per triage level."""
from __future__ import annotations

import pytest

MAX_TURNS = 12


def assess(conversation, opening: str, answers: dict[str, str]) -> dict:
    """Answer each question the bot asks until it gives a triage result."""
    turn = conversation.say(opening)
    for _ in range(MAX_TURNS):
        if "triage" in turn.custom:
            return turn.custom["triage"]
        asked = turn.custom.get("ask")
        assert asked, f"the bot neither asked nor triaged: {turn.messages}"
        turn = conversation.say(answers.pop(asked, "none of these"))
    pytest.fail("no triage result after 12 turns")


def test_normal_soreness_is_self_care(conversation):
    result = assess(
        conversation,
        "my quads are really sore after yesterday's long run",
        {"pain_type": "dull achy", "onset": "woke up with it the next morning",
         "location": "thighs", "spread": "all over the muscle", "duration": "about a day",
         "warning_signs": "none of these"},
    )
    assert result["level"] == "self_care"
    assert result["reasons"] == []
    assert result["facts"]["pain_type"] == "dull_ache"
    assert result["facts"]["location"] == "thigh"


def test_pinpoint_shin_pain_for_a_week_needs_a_doctor(conversation):
    result = assess(
        conversation,
        "sharp pain on my shin bone",
        {"onset": "right after my run", "spread": "one spot i can point to",
         "duration": "about a week", "warning_signs": "nope"},
    )
    assert result["level"] == "see_doctor"
    assert {"S1", "S3", "S4"} <= {r["rule"] for r in result["reasons"]}


def test_red_warm_swollen_calf_is_urgent(conversation):
    result = assess(
        conversation,
        "my calf has been aching since saturday",
        {"pain_type": "throbbing", "onset": "the day after", "spread": "all over",
         "warning_signs": "it's swollen, red and warm to touch"},
    )
    assert result["level"] == "urgent"
    assert "U1" in {r["rule"] for r in result["reasons"]}
    assert all(c["section"] and c["quote"] for c in result["citations"])


def test_emergency_sign_in_a_late_answer_ends_the_assessment_at_once(conversation):
    turn = conversation.say("my calf hurts after running")
    assert turn.custom.get("ask")
    turn = conversation.say("and now my chest hurts and i'm short of breath")
    assert turn.custom["triage"]["level"] == "emergency"
    assert "E1" in {r["rule"] for r in turn.custom["triage"]["reasons"]}
    assert "999" in turn.text and "911" in turn.text


def test_emergency_first_message(conversation):
    turn = conversation.say("fell on my run, my shin is bent at a weird angle")
    assert turn.custom["triage"]["level"] == "emergency"


def test_negated_emergency_sign_is_not_an_emergency(conversation):
    turn = conversation.say("my hamstring aches, no chest pain or breathlessness")
    assert "triage" not in turn.custom
    assert turn.custom.get("ask")


def test_fact_in_the_first_message_is_not_asked_again(conversation):
    turn = conversation.say("i've had a dull ache in my calves for 2 days")
    asked = turn.custom.get("ask")
    assert asked not in {"pain_type", "location", "duration"}


def test_not_sure_leaves_the_fact_unknown(conversation):
    result = assess(
        conversation,
        "my knee hurts after running",
        {"pain_type": "not sure", "onset": "dunno", "spread": "all around the knee",
         "duration": "2 days", "warning_signs": "none"},
    )
    assert "pain_type" in result["unknown"] and "onset" in result["unknown"]


def test_correction_replaces_the_old_value(conversation):
    conversation.say("my shins ache")
    conversation.say("dull")
    turn = conversation.say("started 12-24 hours after")
    assert turn.custom.get("ask") == "spread"
    turn = conversation.say("all over. actually it started on monday")
    assert turn.custom.get("ask") == "warning_signs"
    result = conversation.say("none of these").custom["triage"]
    assert result["facts"]["duration_hours"] >= 24


def test_stop_leaves_the_assessment(conversation):
    conversation.say("my calves hurt")
    turn = conversation.say("stop")
    assert "stopped" in turn.text.lower()
    assert "ask" not in turn.custom
    turn = conversation.say("hello")
    assert "ask" not in turn.custom


def test_question_mid_assessment_is_answered_then_the_question_repeated(conversation):
    first = conversation.say("my calves ache since yesterday")
    pending = first.custom["ask"]
    turn = conversation.say("how often should i replace my running shoes?")
    assert "answer" in turn.custom or turn.custom.get("no_answer")
    assert turn.custom.get("ask") == pending


def test_question_is_answered_from_the_article_with_its_section_and_references(conversation):
    turn = conversation.say("how many miles before i should replace my trainers?")
    citations = turn.custom["answer"]["citations"]
    assert citations[0]["section"] == "3. Choose the Right Footwear"
    assert "300 to 500 miles" in citations[0]["quote"]
    assert citations[0]["references"][0]["url"].startswith("https://www.acefitness.org/")
    assert "3. Choose the Right Footwear" in turn.text and "acefitness.org" in turn.text


def test_question_the_article_does_not_cover_gets_a_plain_no_answer(conversation):
    turn = conversation.say("how do i pop a blister on my toe?")
    assert turn.custom.get("no_answer") is True
    assert "doesn't cover" in turn.text
