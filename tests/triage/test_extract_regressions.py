"""Phrasings that once went wrong in the triage dev set, written again in other words."""
from __future__ import annotations

from datetime import datetime

import pytest

from triage.extract import extract

NOW = datetime(2026, 11, 26, 15)


@pytest.mark.parametrize(
    "text, sign, present",
    [
        ("my leg isn't cold or pale at all", "cold_pale_leg", False),
        ("foot not cold or blue, just sore", "cold_pale_leg", False),
        ("it doesnt bother me at night", "pain_at_rest", False),
        ("the cramp is gone when i'm resting", "eases_with_rest", True),
        ("tight calves that ease off after a few minutes of walking", "eases_with_rest", True),
        ("it hurts more the faster i go", "worse_with_movement", True),
        # A question puts the subject inside the negation; once read as "no breathlessness".
        ("why can't i catch my breath?", "breathlessness", True),
        ("why can't i breathe properly", "breathlessness", True),
        ("im not able to breathe well", "breathlessness", True),
        # "can't breathe" is a red flag even after a run; "out of breath at the end" is not.
        ("i can't breathe properly after my run", "breathlessness", True),
        ("was out of breath at the end of my 10k", "breathlessness", None),
        ("my calf doesn't feel right, its cold and white", "cold_pale_leg", True),
        # "spread out" answers the spread question; it is not "spreading" (worse).
        ("spread out", "getting_worse", None),
        ("the pain keeps spreading up my leg", "getting_worse", True),
        ("it's spreading", "getting_worse", True),
        ("front of my thighs, spread out", "getting_worse", None),
        ("it's spread along the whole muscle, not one spot", "getting_worse", None),
    ],
)
def test_signs(text, sign, present):
    assert extract(text, NOW).signs().get(sign) is present


@pytest.mark.parametrize(
    "text, onset",
    [
        ("about 15 mins into my run", "during_run"),
        ("in the last mile of the race", "during_run"),
        ("an hour or so after my run", "right_after"),
        ("day after parkrun", "next_day"),  # no "the": once read as "days after"
    ],
)
def test_onsets_are_not_durations(text, onset):
    facts = extract(text, NOW).facts()
    assert facts.get("onset") == onset
    assert "duration_hours" not in facts


def test_minutes_of_easing_are_not_how_long_it_hurt():
    assert "duration_hours" not in extract("eases off after a couple mins walking", NOW).facts()


def test_a_hard_muscle_with_spreading_pain_is_an_emergency():
    from triage.engine import assess

    assert assess(extract("my calf is rock hard and the pain is spreading", NOW).facts()).level == "emergency"
