"""Tests for the triage evaluation driver and the validity of the dev set."""

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot import evaluate_triage as ev  # noqa: E402

VIGNETTES_PATH = ROOT / "tests" / "dev" / "vignettes.yml"
VOCABULARY_PATH = ROOT / "triage" / "vocabulary.yml"
RULE_IDS = [f"E{i}" for i in range(1, 6)] + [f"U{i}" for i in range(1, 6)] + [f"S{i}" for i in range(1, 8)]
RULE_LEVEL = {"E": "emergency", "U": "urgent", "S": "see_doctor"}
ANSWER_KEYS = {"pain_type", "onset", "location", "duration", "warning_signs"}


def result(gold, predicted, gold_facts=None, facts=None, error=None):
    return {
        "id": "x", "note": "", "gold_level": gold, "gold_facts": gold_facts or {},
        "predicted_level": predicted, "reasons": [], "unknown": [], "facts": facts or {},
        "asked": [], "transcript": [], "error": error,
    }


# ---------------------------------------------------------------- merge / answers


def test_merge_custom_combines_objects_across_messages():
    messages = [
        {"text": "Got it."},
        {"custom": {"ask": "onset"}},
        {"text": "When did it start?", "buttons": [{"title": "During", "payload": "/x"}]},
        {"custom": {"extra": 1}},
    ]
    assert ev.merge_custom(messages) == {"ask": "onset", "extra": 1}


def test_merge_custom_handles_empty_and_malformed():
    assert ev.merge_custom([]) == {}
    assert ev.merge_custom(None) == {}
    assert ev.merge_custom([{"custom": "not a dict"}, "junk"]) == {}


def test_choose_answer_same_words_unknown_and_alias():
    answers = {"onset": "next day", "warning_signs": "none", "location": "whole thigh"}
    assert ev.choose_answer("onset", answers) == "next day"
    assert ev.choose_answer("duration", answers) == ev.UNKNOWN_ANSWER
    assert ev.choose_answer("spread", answers) == "whole thigh"
    assert ev.choose_answer("spread", {**answers, "spread": "one spot"}) == "one spot"


# ---------------------------------------------------------------- conversation loop


def scripted_bot(turns):
    """A fake `send` that replays one list of messages per turn and records inputs."""
    sent = []

    def send(text):
        sent.append(text)
        return turns[len(sent) - 1]

    return send, sent


def test_run_vignette_answers_asks_and_records_triage():
    vignette = {"id": "t1", "opening": "legs sore", "answers": {"onset": "next day", "warning_signs": "none"},
                "expect": {"level": "self_care", "facts": {"onset": "next_day"}}}
    triage = {"level": "self_care", "reasons": [], "unknown": ["duration"],
              "facts": {"onset": "next_day", "duration_hours": None}}
    send, sent = scripted_bot([
        [{"text": "When?"}, {"custom": {"ask": "onset"}}],
        [{"custom": {"ask": "duration"}}],
        [{"custom": {"ask": "warning_signs"}}],
        [{"custom": {"ask": "warning_signs"}}],
        [{"text": "Rest up."}, {"custom": {"triage": triage}}],
    ])
    out = ev.run_vignette(vignette, send)
    assert sent == ["legs sore", "next day", ev.UNKNOWN_ANSWER, "none", "none"]  # asked again: the same words
    assert out["predicted_level"] == "self_care"
    assert out["facts"]["onset"] == "next_day"
    assert out["unknown"] == ["duration"]
    assert out["error"] is None


def test_run_vignette_stops_at_emergency_on_opening():
    vignette = {"id": "t2", "opening": "chest pain", "answers": {}, "expect": {"level": "emergency"}}
    send, sent = scripted_bot([[{"custom": {"triage": {"level": "emergency"}}}]])
    assert ev.run_vignette(vignette, send)["predicted_level"] == "emergency"
    assert sent == ["chest pain"]


def test_run_vignette_gives_up_after_max_turns():
    vignette = {"id": "t3", "opening": "hi", "answers": {}, "expect": {"level": "urgent"}}
    out = ev.run_vignette(vignette, lambda text: [{"custom": {"ask": "onset"}}], max_turns=4)
    assert out["predicted_level"] is None
    assert "no triage" in out["error"]
    assert len(out["transcript"]) == 4


def test_run_vignette_records_error_when_bot_neither_asks_nor_triages():
    vignette = {"id": "t4", "opening": "hi", "answers": {}, "expect": {"level": "urgent"}}
    out = ev.run_vignette(vignette, lambda text: [{"text": "hello!"}])
    assert out["predicted_level"] is None and out["error"]


# ---------------------------------------------------------------- scoring


def test_triage_direction_uses_urgency_order():
    assert ev.triage_direction("urgent", "urgent") == "exact"
    assert ev.triage_direction("emergency", "urgent") == "under"
    assert ev.triage_direction("see_doctor", "self_care") == "under"
    assert ev.triage_direction("self_care", "see_doctor") == "over"
    assert ev.triage_direction("urgent", "emergency") == "over"
    assert ev.triage_direction("self_care", None) == "under"


def test_summary_counts_under_and_over_triage():
    results = [
        result("emergency", "urgent"),
        result("urgent", "self_care"),
        result("self_care", "see_doctor"),
        result("see_doctor", "see_doctor"),
        result("urgent", None, error="no triage after 12 turns"),
    ]
    summary = ev.summarize(results)
    assert summary["under_triage"] == 3
    assert summary["over_triage"] == 1
    assert summary["exact"] == 1
    assert summary["exact_rate"] == pytest.approx(0.2)
    assert summary["no_triage"] == 1


def test_confusion_matrix_gold_by_predicted():
    matrix = ev.confusion_matrix([
        result("urgent", "urgent"), result("urgent", "see_doctor"),
        result("urgent", "see_doctor"), result("self_care", None),
    ])
    assert matrix["urgent"]["urgent"] == 1
    assert matrix["urgent"]["see_doctor"] == 2
    assert matrix["self_care"][ev.NO_TRIAGE] == 1
    assert matrix["emergency"]["emergency"] == 0
    assert sum(sum(row.values()) for row in matrix.values()) == 4


@pytest.mark.parametrize("gold, predicted, expected", [
    ([40, 56], 48, True),
    ([40, 56], 40, True),
    ([40, 56], 56.0, True),
    ([40, 56], 60, False),
    ([40, 56], None, False),
    (None, None, True),
    (None, 48, False),
    ([0.5, 2], 1, True),
    ([40, 56], "48", True),
    ([40, 56], "two days", False),
])
def test_duration_matches_range_or_both_null(gold, predicted, expected):
    assert ev.duration_matches(gold, predicted) is expected


def test_slot_accuracy_compares_only_where_gold_given():
    results = [
        result("self_care", "self_care", {"pain_type": "dull_ache", "duration_hours": [10, 20]},
               {"pain_type": "dull_ache", "onset": "during_run", "duration_hours": 15}),
        result("self_care", "self_care", {"pain_type": "sharp", "onset": None},
               {"pain_type": "dull_ache", "onset": None}),
    ]
    scores = ev.slot_accuracy(results)
    assert scores["pain_type"] == {"correct": 1, "total": 2, "accuracy": 0.5}
    assert scores["onset"] == {"correct": 1, "total": 1, "accuracy": 1.0}
    assert scores["duration_hours"]["accuracy"] == 1.0
    assert scores["location"]["total"] == 0 and scores["location"]["accuracy"] is None


def test_slot_accuracy_where_reached_skips_facts_an_emergency_never_came_to():
    ended_early = result("emergency", "emergency", {"pain_type": "dull_ache", "location": "calf"}, {"location": "calf"})
    misread = result("self_care", "self_care", {"pain_type": "dull_ache"}, {"pain_type": "sharp"})
    never_read = result("self_care", "self_care", {"onset": "next_day"}, {})
    never_read["asked"] = ["onset"]
    scores = ev.slot_accuracy([ended_early, misread, never_read], only_reached=True)
    assert scores["pain_type"] == {"correct": 0, "total": 1, "accuracy": 0.0}  # the misread one only
    assert scores["location"] == {"correct": 1, "total": 1, "accuracy": 1.0}
    assert scores["onset"] == {"correct": 0, "total": 1, "accuracy": 0.0}  # asked, and not understood
    assert ev.slot_accuracy([ended_early])["pain_type"]["total"] == 1  # the strict figure counts it


def test_threshold_violations():
    perfect = ev.summarize([result("urgent", "urgent", {"location": "calf"}, {"location": "calf"})])
    assert ev.threshold_violations(perfect) == []
    over = ev.summarize([result("self_care", "urgent")] + [result("urgent", "urgent")] * 30)
    assert ev.threshold_violations(over) == []  # 30/31 > 0.95, over-triage allowed
    under = ev.summarize([result("urgent", "see_doctor")] + [result("urgent", "urgent")] * 30)
    assert any("under-triage" in p for p in ev.threshold_violations(under))
    bad_slot = ev.summarize([result("urgent", "urgent", {"location": "calf"}, {"location": "shin"})])
    assert any("location" in p for p in ev.threshold_violations(bad_slot))


def test_report_lists_failures_with_reasons_and_facts():
    failing = result("emergency", "urgent", {"location": "calf"}, {"location": "calf", "signs": {"swelling": True}})
    failing.update(id="v99", reasons=[{"rule": "U1", "text": "swollen red calf"}])
    passing = result("self_care", "self_care")
    passing["id"] = "v98"
    summary = ev.summarize([failing, passing])
    report = ev.render_report(summary, [failing, passing])
    assert "### v99" in report and "### v98" not in report
    assert "gold `emergency`, predicted `urgent`" in report
    assert "U1: swollen red calf" in report
    assert '"swelling": true' in report
    assert "FAIL: under-triage" in report


def test_main_exits_2_when_bot_unreachable(tmp_path):
    args = ["--url", "http://127.0.0.1:9", "--report", str(tmp_path / "r.md")]
    assert ev.main(args) == 2
    assert ev.main(args + ["--no-fail"]) == 0


# ---------------------------------------------------------------- the dev set


@pytest.fixture(scope="module")
def vignettes():
    return yaml.safe_load(VIGNETTES_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vocabulary():
    return yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))


def test_dev_set_size_and_unique_ids(vignettes):
    assert len(vignettes) >= 48
    ids = [v["id"] for v in vignettes]
    assert len(ids) == len(set(ids))


def test_dev_set_has_every_level_and_enough_self_care(vignettes):
    levels = Counter(v["expect"]["level"] for v in vignettes)
    assert set(levels) == set(ev.LEVELS)
    assert levels["self_care"] >= 10


def test_every_rule_exercised_at_least_twice(vignettes):
    counts = Counter(rule for v in vignettes for rule in v["expect"]["rules"])
    assert set(counts) <= set(RULE_IDS)
    assert {rule: counts[rule] for rule in RULE_IDS if counts[rule] < 2} == {}


def test_gold_level_is_most_urgent_level_of_listed_rules(vignettes):
    for v in vignettes:
        rules = v["expect"]["rules"]
        implied = max((RULE_LEVEL[r[0]] for r in rules), key=ev.level_rank, default="self_care")
        assert v["expect"]["level"] == implied, v["id"]


def test_vignette_shape(vignettes):
    for v in vignettes:
        assert re.fullmatch(r"[vh]\d+", v["id"]), v["id"]
        assert isinstance(v["opening"], str) and v["opening"].strip(), v["id"]
        assert set(v["answers"]) <= ANSWER_KEYS, v["id"]
        assert all(isinstance(text, str) and text.strip() for text in v["answers"].values()), v["id"]
        assert set(v["expect"]["facts"]) <= set(ev.CORE_SLOTS), v["id"]


def test_gold_facts_are_canonical(vignettes, vocabulary):
    for v in vignettes:
        facts = v["expect"]["facts"]
        for slot in ("pain_type", "onset", "location"):
            if slot in facts and facts[slot] is not None:
                assert facts[slot] in vocabulary[slot], (v["id"], slot, facts[slot])


def test_gold_durations_are_ranges_or_null(vignettes):
    for v in vignettes:
        facts = v["expect"]["facts"]
        if "duration_hours" not in facts or facts["duration_hours"] is None:
            continue
        low, high = facts["duration_hours"]
        assert 0 <= low <= high, v["id"]


def first_written(vignettes):
    """The dev set's own vignettes (v01...). The first held-out set, moved into
    the dev file later (h01...), follows the held-out schema: a fact the runner
    leaves vague is left out of expect.facts rather than guessed."""
    return [v for v in vignettes if v["id"].startswith("v")]


def test_non_emergency_vignettes_grade_all_core_slots(vignettes):
    for v in first_written(vignettes):
        if v["expect"]["level"] != "emergency":
            assert set(v["expect"]["facts"]) == set(ev.CORE_SLOTS), v["id"]


def test_self_care_vignettes_are_under_three_days_and_fully_known(vignettes):
    for v in first_written(vignettes):
        if v["expect"]["level"] != "self_care":
            continue
        facts = v["expect"]["facts"]
        assert all(facts[slot] is not None for slot in ev.CORE_SLOTS), v["id"]
        assert facts["pain_type"] == "dull_ache", v["id"]
        assert facts["duration_hours"][1] < 72, v["id"]
        assert "not sure" not in " ".join(v["answers"].values()).lower(), v["id"]


def test_a_fact_reported_unknown_matches_a_gold_of_not_sure():
    from bot.evaluate_triage import fact_matches

    assert fact_matches("onset", None, "unknown")
    assert fact_matches("duration_hours", None, "unknown")
    assert not fact_matches("onset", "next_day", "unknown")
    assert not fact_matches("onset", None, "next_day")


def test_a_set_that_fixes_its_day_is_played_on_that_day(tmp_path):
    fixed = tmp_path / "fixed.yml"
    fixed.write_text("# Blind set Z. Today for every vignette: Saturday 2026-12-05.\n- id: z_01\n")
    free = tmp_path / "free.yml"
    free.write_text("# Blind set Y, written on 2026-12-04.\n- id: y_01\n")
    assert ev.runners_clock(fixed) == "2026-12-05T17:00:00"
    assert ev.runners_clock(free) is None
