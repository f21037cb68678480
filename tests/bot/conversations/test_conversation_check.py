"""One turn's reply against its expectations: each kind, passing and failing."""
from __future__ import annotations

import pytest

from bot.conversations.check import Reply, check_turn
from bot.conversations.spec import Expectation

ASKED = Reply.of([
    {"text": "When did it start?", "buttons": [{"title": "During the run", "payload": "/inform{\"onset\": \"during_run\"}"},
                                               {"title": "Not sure", "payload": "/not_sure"}]},
    {"custom": {"ask": "onset"}},
])
URGENT = Reply.of([
    {"text": "**Get medical help today.**"},
    {"text": "If it gets worse: call 999."},
    {"custom": {"triage": {
        "level": "urgent",
        "reasons": [{"rule": "U1", "text": "..."}, {"rule": "S4", "text": "..."}],
        "unknown": ["duration_hours"],
        "citations": [{"section": "Signs of a More Serious Condition", "quote": "...", "references": []},
                      {"section": "Differentiating Soreness from Injury", "quote": "...", "references": []}],
    }}},
])
ANSWER = Reply.of([
    {"text": "From the article, under **3. Choose the Right Footwear**:\n> Gait analysis doesn\u2019t hurt"},
    {"custom": {"answer": {"score": 0.9, "citations": [
        {"section": "3. Choose the Right Footwear", "quote": "...", "references": []},
        {"section": "2. Optimize Your Running Form", "quote": "...", "references": []}]}}},
])
NO_ANSWER = Reply.of([{"text": "The article doesn't cover that."}, {"custom": {"no_answer": True}}])


def results(reply: Reply, **expect) -> list[tuple[bool, str, str]]:
    return [(c.passed, c.expected, c.actual) for c in check_turn(Expectation(**expect), reply)]


@pytest.mark.parametrize("reply, expect, passed", [
    (URGENT, dict(triage="urgent"), True),
    (URGENT, dict(triage="see_doctor"), False),
    (URGENT, dict(triage="emergency"), False),
    (URGENT, dict(triage="see_doctor", triage_at_least=True), True),
    (URGENT, dict(triage="urgent", triage_at_least=True), True),
    (URGENT, dict(triage="emergency", triage_at_least=True), False),
    (URGENT, dict(triage="none"), False),
    (ASKED, dict(triage="none"), True),
    (ASKED, dict(triage="self_care", triage_at_least=True), False),
    (URGENT, dict(rules=("U1",)), True),
    (URGENT, dict(rules=("U1", "S4")), True),
    (URGENT, dict(rules=("U1", "S1")), False),
    (ASKED, dict(rules=("U1",)), False),
    (URGENT, dict(unknown=("duration_hours",)), True),
    (URGENT, dict(unknown=("onset",)), False),
    (ASKED, dict(unknown=("onset",)), False),
    (URGENT, dict(cites=("Differentiating Soreness from Injury",)), True),
    (ANSWER, dict(cites=("3. Choose the Right Footwear",)), True),
    # A runner-up the bot did not quote is not what the runner reads.
    (ANSWER, dict(cites=("2. Optimize Your Running Form",)), False),
    (NO_ANSWER, dict(cites=("3. Choose the Right Footwear",)), False),
    (ASKED, dict(asks="onset"), True),
    (ASKED, dict(asks="duration"), False),
    (ASKED, dict(asks="nothing"), False),
    (ANSWER, dict(asks="nothing"), True),
    (NO_ANSWER, dict(no_answer=True), True),
    (ANSWER, dict(no_answer=True), False),
    (ANSWER, dict(no_answer=False), True),
    (NO_ANSWER, dict(no_answer=False), False),
    # Case, markdown stars, curly quotes and line breaks do not matter to a reader.
    (URGENT, dict(says=("get MEDICAL help today",)), True),
    (URGENT, dict(says=("today. If it gets",)), True),
    (ANSWER, dict(says=("under 3. Choose the Right Footwear", "doesn't hurt")), True),
    (URGENT, dict(says=("normal soreness",)), False),
    (URGENT, dict(does_not_say=("normal soreness",)), True),
    (URGENT, dict(does_not_say=("call 999",)), False),
    (ASKED, dict(offers=("not sure",)), True),
    (ASKED, dict(offers=("None of these",)), False),
])
def test_each_expectation(reply, expect, passed):
    checks = results(reply, **expect)
    assert checks and all(ok == passed for ok, _, _ in checks), checks


def test_no_expectation_no_checks():
    assert check_turn(Expectation(), URGENT) == []


def test_a_failure_reads_as_expected_against_actual():
    [(ok, expected, actual)] = results(URGENT, triage="self_care")
    assert not ok
    assert expected == "triage: self_care"
    assert actual == "triage: urgent (rules: U1, S4)"
    [(_, expected, actual)] = results(ASKED, asks="duration")
    assert (expected, actual) == ("asks: duration", "asks: onset")
    [(_, expected, actual)] = results(URGENT, says=("normal soreness",))
    assert (expected, actual) == ('says: "normal soreness"', 'the reply does not say "normal soreness"')


def test_each_says_is_its_own_check():
    checks = results(URGENT, says=("today", "tomorrow"))
    assert [ok for ok, _, _ in checks] == [True, False]


def test_reply_merges_custom_objects_and_finds_button_payloads():
    assert ASKED.asked == "onset"
    assert ASKED.button_payload("  during THE run ") == '/inform{"onset": "during_run"}'
    assert ASKED.button_payload("After the run") is None
    assert URGENT.rules == ["U1", "S4"]
