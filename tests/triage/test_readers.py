"""The readers that learn from examples, on small hand-made vectors: no model needed."""
from __future__ import annotations

import numpy as np

from triage.answer_reader import AnswerReader, Example, _label, leave_one_out
from triage.sign_reader import ASK, SURE, SignReading, clauses, combine

AXES = np.eye(3, dtype=np.float32)


def unit(*values) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def reader(threshold=0.62):
    examples = [Example("onset", "woke up with it", "next_day"), Example("onset", "mid run", "during_run"),
                Example("onset", "halfway round", "during_run")]
    vectors = np.stack([AXES[0], AXES[1], unit(0.1, 1, 0)])
    return AnswerReader(examples, vectors, embed_one=lambda text: AXES[2], threshold=threshold)


def test_a_reply_near_its_examples_takes_their_option():
    assert reader().match("onset", unit(0.05, 1, 0)).value == "during_run"
    assert reader().match("onset", unit(1, 0.05, 0)).value == "next_day"


def test_a_reply_near_no_example_is_not_read():
    assert reader().match("onset", AXES[2]) is None
    assert reader().read("onset", "anything") is None  # embeds to the third axis


def test_unknown_slots_payloads_and_empty_replies_are_not_read():
    assert reader().read("location", "calf") is None
    assert reader().read("onset", "/inform") is None
    assert reader().read("onset", "   ") is None


def test_a_duration_example_is_labelled_with_its_buttons_bucket():
    assert [_label("duration", h) for h in (2, 30, 100, 400)] == ["12", "48", "96", "336"]
    assert _label("duration", "unknown") == "unknown" and _label("onset", "next_day") == "next_day"


def test_leave_one_out_counts_what_is_read_and_read_right():
    examples = [Example("onset", "a", "x"), Example("onset", "b", "x"), Example("onset", "c", "y")]
    vectors = np.stack([AXES[0], unit(1, 0.1, 0), AXES[2]])
    figures = leave_one_out(examples, vectors, threshold=0.62)
    assert figures == {"read": 2 / 3, "right_when_read": 1.0}  # "c" has no neighbour close enough


def test_a_message_is_judged_clause_by_clause_and_whole():
    assert clauses("swollen but not red") == ["swollen", "not red", "swollen but not red"]
    assert clauses("calf is rock hard") == ["calf is rock hard"]
    assert clauses("  ") == []


def reading(present: dict, doubt: dict | None = None) -> SignReading:
    return SignReading(present, {**present, **(doubt or {})})


def test_a_sure_learned_sign_that_cannot_raise_the_level_counts():
    combined = combine({}, reading({"heavy_legs": SURE}), checkable=frozenset({"dark_urine"}))
    assert combined.present == {"heavy_legs"} and combined.to_check == ()


def test_a_sure_learned_sign_that_matters_is_asked_back_not_counted():
    combined = combine({}, reading({"dark_urine": 0.97}), checkable=frozenset({"dark_urine"}))
    assert combined.present == frozenset() and combined.to_check == ("dark_urine",)


def test_a_disagreement_with_the_lexicons_denial_is_asked_back():
    combined = combine({"chest_pain": False}, reading({"chest_pain": 0.95}), frozenset({"chest_pain"}))
    assert combined.to_check == ("chest_pain",)


def test_a_half_believed_sign_is_asked_back_and_a_faint_one_is_not():
    checkable = frozenset({"swelling", "fever"})
    combined = combine({}, reading({"swelling": 0.3, "fever": 0.1}, {"swelling": ASK, "fever": ASK - 0.2}), checkable)
    assert combined.to_check == ("swelling",)


def test_the_lexicons_present_sign_stands_and_one_question_back_at_most():
    checkable = frozenset({"swelling", "redness", "warmth"})
    combined = combine({"swelling": True}, reading({"swelling": 0.0, "redness": 0.95, "warmth": 0.92}), checkable)
    assert combined.present == frozenset() and combined.to_check == ("redness",)
