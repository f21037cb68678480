"""The quality report's pure parts: gathering figures, comparing with the last run,
rendering Markdown; and the shape of the held-out sets."""
import copy
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot import evaluate_triage as ev
from bot import quality_report as q
from knowledge.machine import cpu_model

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "heldout"


def result(vid, gold, predicted, gold_facts=None, facts=None, said=("my calf hurts",), reasons=()):
    return {
        "id": vid, "note": f"note of {vid}", "gold_level": gold, "gold_facts": gold_facts or {},
        "predicted_level": predicted, "reasons": [{"rule": r, "text": "..."} for r in reasons], "unknown": [],
        "facts": facts or {}, "asked": [], "transcript": [{"user": text, "bot": [], "custom": {}} for text in said],
        "error": None,
    }


def triage_of(results):
    return q.triage_figures(ev.summarize(results), results)


RASA_INTENT_REPORT = {
    "greet": {"precision": 1.0, "recall": 0.5, "f1-score": 0.667, "support": 4, "confused_with": {"goodbye": 2}},
    "goodbye": {"precision": 0.6, "recall": 1.0, "f1-score": 0.75, "support": 3, "confused_with": {}},
    "accuracy": 0.714,
    "macro avg": {"precision": 0.8, "recall": 0.75, "f1-score": 0.708, "support": 7},
    "weighted avg": {"precision": 0.83, "recall": 0.714, "f1-score": 0.702, "support": 7},
    "micro avg": {"precision": 0.714, "recall": 0.714, "f1-score": 0.714, "support": 7},
}


def metrics(under_id="h01", mrr=0.9, exact_ok=True):
    results = [
        result(under_id, "urgent", "see_doctor", said=["my calf is red and swollen", "none"], reasons=["S4"]),
        result("h02", "self_care", "self_care" if exact_ok else "see_doctor",
               {"pain_type": "dull_ache", "duration_hours": [10, 20]}, {"pain_type": "dull_ache", "duration_hours": 30}),
        result("h03", "see_doctor", "urgent"),
    ]
    retrieval = {"questions": {"in_scope": 2, "out_of_scope": 1}, "method": "fused", "threshold": 0.5,
                 "recall_at_1": 0.5, "recall_at_3": 1.0, "mrr": mrr, "in_scope_answered": 1.0,
                 "out_of_scope_declined": 0.0, "ranking_by_method": {"dense": {"recall_at_1": 0.5, "recall_at_3": 1.0, "mrr": 0.7}},
                 "misses": ["why legs ache -> rank 2 (top: X)"], "wrongly_answered": ["pizza? (0.6)"]}
    intents = {"settings": {"training_fraction": 0.8, "seed": 42, "folds": 5, "folds_why": "time"},
               "heldout_split": {**q.intent_figures(RASA_INTENT_REPORT), "images": ["nlu_heldout/intent_confusion_matrix.png"]},
               "cross_validation": q.intent_figures(RASA_INTENT_REPORT)}
    meta = {"date": "2026-11-26 17:00 UTC", "commit": "abc123", "machine": {"cpu": "Test CPU", "cores": 2, "python": "3.11"}}
    return q.gather(meta, intents, {"dev": triage_of(results[1:]), "heldout": triage_of(results)},
                    {"dev": retrieval, "heldout": copy.deepcopy(retrieval)})


# ---------------------------------------------------------------- gathering


def test_intent_figures_read_rasas_report():
    figures = q.intent_figures(RASA_INTENT_REPORT)
    assert figures["accuracy"] == 0.714
    assert figures["macro_f1"] == 0.708 and figures["weighted_f1"] == 0.702
    assert set(figures["per_intent"]) == {"greet", "goodbye"}  # averages are not intents
    assert figures["per_intent"]["greet"] == {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 4,
                                              "confused_with": {"goodbye": 2}}


def test_intent_figures_fall_back_to_micro_average_without_accuracy():
    report = {k: v for k, v in RASA_INTENT_REPORT.items() if k != "accuracy"}
    assert q.intent_figures(report)["accuracy"] == 0.714


def test_triage_figures_list_every_under_triage_with_the_runners_words():
    t = metrics()["triage"]["heldout"]
    assert (t["vignettes"], t["exact"], t["under_triage"], t["over_triage"]) == (3, 1, 1, 1)
    [under] = t["under_triaged"]
    assert under["id"] == "h01" and under["gold"] == "urgent" and under["predicted"] == "see_doctor"
    assert under["said"] == ["my calf is red and swollen", "none"]
    assert under["reasons"] == ["S4"]
    assert t["confusion"]["urgent"]["see_doctor"] == 1


def test_triage_figures_record_fact_errors_of_failures():
    t = metrics()["triage"]["heldout"]
    failing = {o["id"]: o for o in t["failures"]}
    assert set(failing) == {"h01", "h02", "h03"}  # h02 has the right level but a wrong duration
    assert failing["h02"]["fact_errors"] == {"duration_hours": [[10, 20], 30]}
    assert t["facts"]["pain_type"]["accuracy"] == 1.0 and t["facts"]["duration_hours"]["accuracy"] == 0.0


def test_metrics_survive_a_json_round_trip():
    m = metrics()
    assert json.loads(json.dumps(m)) == json.loads(json.dumps(json.loads(json.dumps(m))))
    assert q.lookup(json.loads(json.dumps(m)), "triage.heldout.under_triage") == 1


# ---------------------------------------------------------------- machine and commit


def test_cpu_model_from_cpuinfo():
    assert cpu_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags: x\n") == "AMD EPYC 7B13"


def test_git_commit_read_from_files(tmp_path):
    git = tmp_path / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text("0123456789abcdef0123\n")
    assert q.git_commit(tmp_path) == "0123456789ab"
    (git / "refs" / "heads" / "main").unlink()
    (git / "packed-refs").write_text("# pack\nfedcba9876543210 refs/heads/main\n")
    assert q.git_commit(tmp_path) == "fedcba987654"
    assert q.git_commit(tmp_path / "nowhere") == "unknown"


# ---------------------------------------------------------------- comparison


def test_compare_gives_before_after_delta_and_direction():
    before, after = metrics(mrr=0.8), metrics(mrr=0.9, exact_ok=False)
    rows = {r["figure"]: r for r in q.compare(before, after)}
    mrr = rows["retrieval.dev.mrr"]
    assert mrr["before"] == 0.8 and mrr["after"] == 0.9
    assert mrr["delta"] == pytest.approx(0.1) and mrr["change"] == "better"
    exact = rows["triage.heldout.exact_rate"]
    assert exact["change"] == "worse" and exact["delta"] == pytest.approx(-1 / 3)
    assert rows["triage.heldout.over_triage"]["change"] == "worse"  # fewer is better for counts
    assert rows["triage.heldout.under_triage"]["change"] == "same"


def test_compare_with_nothing_before_marks_figures_new():
    rows = q.compare(None, metrics())
    assert rows and all(r["change"] == "new" and r["before"] is None for r in rows)


def test_changed_vignettes_name_new_failures_and_fixes():
    before = metrics(under_id="h01")
    after = metrics(under_id="h09")
    changes = q.changed_vignettes(before, after)
    assert changes["heldout"] == {"now_failing": ["h09"], "now_passing": ["h01"]}


def test_load_previous_handles_missing_corrupt_and_foreign_files(tmp_path):
    path = tmp_path / "metrics.json"
    assert q.load_previous(path) == (None, None)
    path.write_text("{not json")
    previous, note = q.load_previous(path)
    assert previous is None and "could not be read" in note
    path.write_text('{"something": 1}')
    assert "not a quality report" in q.load_previous(path)[1]
    path.write_text(json.dumps(metrics()))
    assert q.load_previous(path)[0]["meta"]["commit"] == "abc123"


# ---------------------------------------------------------------- Markdown


def test_report_starts_with_date_commit_and_machine():
    text = q.render_markdown(metrics())
    head = text.split("## Summary")[0]
    assert "2026-11-26 17:00 UTC" in head and "`abc123`" in head and "Test CPU, 2 cores" in head


def test_report_puts_dev_and_heldout_side_by_side():
    text = q.render_markdown(metrics())
    assert "| figure | dev (tuned on) | held-out | goal |" in text
    assert "| **under-triage** (safety) | **0** | **1** | 0 |" in text
    assert "| triage exact level | 1/2 (50.0%) | 1/3 (33.3%) | >= 95% |" in text


def test_report_lists_every_heldout_under_triage_with_what_the_runner_said():
    text = q.render_markdown(metrics())
    safety = text.split("## Safety")[1].split("\n## ")[0]
    assert "### held-out: 1 under-triaged of 3" in safety
    assert "**h01** gold `urgent`, predicted `see_doctor`" in safety
    assert '"my calf is red and swollen" / "none"' in safety
    assert "### dev (tuned on): 0 under-triaged of 2" in safety


def test_report_without_previous_says_so_and_with_previous_shows_changes():
    assert "No previous report" in q.render_markdown(metrics())
    text = q.render_markdown(metrics(mrr=0.9), previous=metrics(mrr=0.8))
    changes = text.split("## Changes since the previous report")[1].split("\n## ")[0]
    assert "| retrieval MRR, dev | 0.800 | 0.900 | +0.100 (better) |" in changes
    assert "commit `abc123`" in changes
    assert "figures unchanged" in changes


def test_report_with_identical_previous_says_nothing_changed():
    assert "Every figure is the same as before." in q.render_markdown(metrics(), previous=metrics())


def test_report_explains_why_entities_are_fact_accuracies_and_shows_them():
    text = q.render_markdown(metrics())
    entities = text.split("## Entities")[1].split("\n## ")[0]
    assert "entity recognition is off" in entities
    assert "| duration | 0/1 (0.0%) | 0/1 (0.0%) |" in entities


def test_report_shows_intents_plots_and_escapes_table_cells():
    m = metrics()
    m["triage"]["heldout"]["under_triaged"][0]["said"] = ["left | right"]
    text = q.render_markdown(m, plots={"triage_confusion": "triage_confusion.png", "intent_f1": "intent_f1.png"})
    assert "![triage confusion matrices](triage_confusion.png)" in text
    assert "![intent F1](intent_f1.png)" in text
    assert "(nlu_heldout/intent_confusion_matrix.png)" in text
    assert "| greet | 1.000 | 0.500 | 0.667 | 4 |" in text
    assert "greet -> goodbye (2)" in text
    assert '"left \\| right"' in text


def test_report_renders_with_parts_missing():
    m = metrics()
    m["intents"], m["retrieval"] = {}, {}
    text = q.render_markdown(m)
    assert "## Retrieval" in text and "Not measured." in text
    assert "## Intents" not in text


# ---------------------------------------------------------------- the held-out sets

LEVEL_OF_RULE = {"E": "emergency", "U": "urgent", "S": "see_doctor"}


@pytest.fixture(scope="module")
def heldout_vignettes():
    return yaml.safe_load((HELDOUT / "vignettes.yml").read_text(encoding="utf-8"))


def test_heldout_vignettes_cover_every_level_and_rule(heldout_vignettes):
    assert len(heldout_vignettes) >= 40
    assert len({v["id"] for v in heldout_vignettes}) == len(heldout_vignettes)
    levels = Counter(v["expect"]["level"] for v in heldout_vignettes)
    assert set(levels) == set(ev.LEVELS) and min(levels.values()) >= 8
    rules = {r for v in heldout_vignettes for r in v["expect"]["rules"]}
    assert rules >= {f"E{i}" for i in range(1, 6)} | {f"U{i}" for i in range(1, 6)} | {f"S{i}" for i in range(1, 8)}


def test_heldout_gold_level_is_the_most_urgent_rule(heldout_vignettes):
    for v in heldout_vignettes:
        implied = max((LEVEL_OF_RULE[r[0]] for r in v["expect"]["rules"]), key=ev.level_rank, default="self_care")
        assert v["expect"]["level"] == implied, v["id"]


def test_heldout_vignettes_use_the_dev_schema_and_canonical_facts(heldout_vignettes):
    from triage.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    for v in heldout_vignettes:
        assert v["opening"].strip() and set(v["answers"]) <= {"pain_type", "onset", "location", "duration", "warning_signs"}
        facts = v["expect"]["facts"]
        assert set(facts) <= set(ev.CORE_SLOTS), v["id"]
        for slot in ("pain_type", "onset", "location"):
            if facts.get(slot) is not None:
                assert facts[slot] in vocabulary.values_of(slot), (v["id"], slot)
        if facts.get("duration_hours") is not None:
            low, high = facts["duration_hours"]
            assert 0 <= low <= high, v["id"]


def test_heldout_questions_have_real_sections_and_none_from_the_dev_set():
    from knowledge.article import load_article
    from knowledge.evaluate import load_dev_set

    heldout, dev = load_dev_set(HELDOUT / "questions.yml"), load_dev_set()
    assert len(heldout.in_scope) >= 40 and len(heldout.out_of_scope) >= 20
    sections = {p.section for p in load_article().passages}
    for question in heldout.in_scope:
        assert set(question.gold) <= sections, question.text
    dev_texts = {q.text.lower() for q in dev.in_scope} | {t.lower() for t in dev.out_of_scope}
    assert not [q.text for q in heldout.in_scope if q.text.lower() in dev_texts]
    assert not [t for t in heldout.out_of_scope if t.lower() in dev_texts]


# ---------------------------------------------------------------- writing the report


def test_write_report_keeps_the_previous_run_and_compares_with_it(tmp_path):
    from bot.quality_run import write_report

    first = metrics(mrr=0.8)
    write_report(first, tmp_path)
    assert "No previous report" in (tmp_path / "report.md").read_text()
    assert not (tmp_path / "previous_metrics.json").exists()
    for plot in ("triage_confusion.png", "fact_accuracy.png", "retrieval.png", "intent_f1.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG", plot

    write_report(metrics(mrr=0.9), tmp_path)
    assert json.loads((tmp_path / "previous_metrics.json").read_text())["retrieval"]["dev"]["mrr"] == 0.8
    assert json.loads((tmp_path / "metrics.json").read_text())["retrieval"]["dev"]["mrr"] == 0.9
    assert "| retrieval MRR, dev | 0.800 | 0.900 | +0.100 (better) |" in (tmp_path / "report.md").read_text()


def test_write_report_over_a_corrupt_metrics_file_says_why_there_is_no_comparison(tmp_path):
    from bot.quality_run import write_report

    (tmp_path / "metrics.json").write_text("{oops")
    report = write_report(metrics(), tmp_path).read_text()
    assert "could not be read" in report
    assert json.loads((tmp_path / "metrics.json").read_text())["meta"]["commit"] == "abc123"
