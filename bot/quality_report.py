"""One quality report: figures gathered into one dict, compared with the last run, rendered as Markdown.

Everything here is pure (dicts in, dicts or text out); running the bot, Rasa and
the retrieval evaluation is bot/quality_run.py's job, drawing is bot/quality_plots.py's.

metrics.json holds:
    meta       date, commit, machine, what ran and how long it took
    intents    rasa test nlu on a held-out split, and cross-validation
    triage     dev and held-out vignettes over REST (bot/evaluate_triage.py)
    retrieval  dev and held-out questions (knowledge/evaluate.py)
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Optional

from bot.evaluate_triage import LEVELS, NO_TRIAGE, slot_mismatches, triage_direction

SETS = ("dev", "heldout")
SET_TITLES = {"dev": "dev (tuned on)", "heldout": "held-out"}
SET_SHORT = {"dev": "dev", "heldout": "held-out"}
INTENT_RUNS = ("heldout_split", "cross_validation")
INTENT_TITLES = {"heldout_split": "held-out split", "cross_validation": "cross-validation"}
FACT_TITLES = {"pain_type": "pain type", "onset": "onset", "location": "location", "duration_hours": "duration"}

# Every figure compared between runs: (dotted path in metrics.json, label, higher is better).
TRIAGE_FIGURES = [
    ("exact_rate", "triage exact level", True),
    ("under_triage", "triage under-triage (count)", False),
    ("over_triage", "triage over-triage (count)", False),
    ("no_triage", "triage no result (count)", False),
] + [(f"facts.{slot}.accuracy", f"fact accuracy: {title}", True) for slot, title in FACT_TITLES.items()]
RETRIEVAL_FIGURES = [
    ("recall_at_1", "retrieval Recall@1", True),
    ("recall_at_3", "retrieval Recall@3", True),
    ("mrr", "retrieval MRR", True),
    ("in_scope_answered", "retrieval in-scope answered", True),
    ("out_of_scope_declined", "retrieval out-of-scope declined", True),
]
INTENT_FIGURES = [
    ("accuracy", "intent accuracy", True),
    ("macro_f1", "intent macro F1", True),
    ("weighted_f1", "intent weighted F1", True),
]
COUNT_FIGURES = {"under_triage", "over_triage", "no_triage"}


def comparable_figures() -> list[tuple[str, str, bool]]:
    figures = []
    for run in INTENT_RUNS:
        figures += [(f"intents.{run}.{key}", f"{label}, {INTENT_TITLES[run]}", up) for key, label, up in INTENT_FIGURES]
    for name in SETS:
        figures += [(f"triage.{name}.{key}", f"{label}, {SET_SHORT[name]}", up) for key, label, up in TRIAGE_FIGURES]
    for name in SETS:
        figures += [(f"retrieval.{name}.{key}", f"{label}, {SET_SHORT[name]}", up) for key, label, up in RETRIEVAL_FIGURES]
    return figures


# ---------------------------------------------------------------- gathering


def intent_figures(report: dict) -> dict:
    """Rasa's intent_report.json (sklearn's classification report) in our words."""
    per_intent = {}
    for name, row in report.items():
        if not isinstance(row, dict) or "support" not in row or name.endswith(" avg"):
            continue
        per_intent[name] = {
            "precision": row.get("precision"),
            "recall": row.get("recall"),
            "f1": row.get("f1-score"),
            "support": row.get("support"),
            "confused_with": dict(row.get("confused_with") or {}),
        }
    accuracy = report.get("accuracy")
    if accuracy is None:  # sklearn reports micro avg instead when some labels are missing
        accuracy = (report.get("micro avg") or {}).get("f1-score")
    return {
        "accuracy": accuracy,
        "macro_f1": (report.get("macro avg") or {}).get("f1-score"),
        "weighted_f1": (report.get("weighted avg") or {}).get("f1-score"),
        "examples": (report.get("weighted avg") or {}).get("support"),
        "per_intent": per_intent,
    }


def runner_words(result: dict) -> list[str]:
    """What the runner said in one vignette, in order."""
    return [turn["user"] for turn in result.get("transcript", [])]


def vignette_outcome(result: dict) -> dict:
    return {
        "id": result["id"],
        "note": result.get("note", ""),
        "gold": result["gold_level"],
        "predicted": result["predicted_level"],
        "direction": triage_direction(result["gold_level"], result["predicted_level"]),
        "reasons": [r.get("rule", "?") if isinstance(r, dict) else str(r) for r in result.get("reasons", [])],
        "fact_errors": {slot: list(pair) for slot, pair in slot_mismatches(result).items()},
        "error": result.get("error"),
        "said": runner_words(result),
    }


def triage_figures(summary: dict, results: list) -> dict:
    """evaluate_triage's summary and results, reduced to what the report shows."""
    outcomes = [vignette_outcome(r) for r in results]
    return {
        "vignettes": summary["total"],
        "exact": summary["exact"],
        "exact_rate": summary["exact_rate"],
        "under_triage": summary["under_triage"],
        "over_triage": summary["over_triage"],
        "no_triage": summary["no_triage"],
        "confusion": summary["confusion"],
        "facts": summary["slots"],
        "under_triaged": [o for o in outcomes if o["direction"] == "under"],
        "failures": [o for o in outcomes if o["id"] in summary["failures"]],
    }


def gather(meta: dict, intents: dict, triage: dict, retrieval: dict) -> dict:
    return {"meta": meta, "intents": intents, "triage": triage, "retrieval": retrieval}


# ---------------------------------------------------------------- machine and commit


def git_commit(root: Path) -> str:
    """The checked-out commit, read from .git without running git."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        ref_file = git / ref
        if ref_file.exists():
            return ref_file.read_text(encoding="utf-8").strip()[:12]
        for line in (git / "packed-refs").read_text(encoding="utf-8").splitlines():
            if line.endswith(" " + ref):
                return line.split()[0][:12]
    except OSError:
        pass
    return "unknown"


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# ---------------------------------------------------------------- comparison


def lookup(metrics: Optional[dict], path: str) -> Any:
    node: Any = metrics
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, (int, float)) and not isinstance(node, bool) else None


def compare(previous: Optional[dict], current: dict) -> list[dict]:
    """One row per comparable figure: before, after, delta and whether it got better."""
    rows = []
    for path, label, higher_is_better in comparable_figures():
        before, after = lookup(previous, path), lookup(current, path)
        if before is None and after is None:
            continue
        delta = after - before if before is not None and after is not None else None
        if delta is None:
            change = "new" if before is None else "gone"
        elif abs(delta) < 1e-9:
            change = "same"
        else:
            change = "better" if (delta > 0) == higher_is_better else "worse"
        rows.append({"figure": path, "label": label, "before": before, "after": after, "delta": delta, "change": change})
    return rows


def changed_vignettes(previous: Optional[dict], current: dict) -> dict:
    """Per set: vignette ids that started failing, and ids that were fixed."""
    changes = {}
    for name in SETS:
        before = {o["id"] for o in ((previous or {}).get("triage", {}).get(name, {}) or {}).get("failures", [])}
        after = {o["id"] for o in current.get("triage", {}).get(name, {}).get("failures", [])}
        if previous and name in (previous.get("triage") or {}):
            changes[name] = {"now_failing": sorted(after - before), "now_passing": sorted(before - after)}
    return changes


def load_previous(path: Path) -> tuple[Optional[dict], Optional[str]]:
    """(metrics, None), (None, None) when there is none, (None, why) when it cannot be read."""
    if not path.exists():
        return None, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return None, f"{path} could not be read ({error}); no comparison"
    if not isinstance(data, dict) or "meta" not in data:
        return None, f"{path} is not a quality report's metrics; no comparison"
    return data, None


# ---------------------------------------------------------------- formatting


def fmt(value: Any, path: str = "") -> str:
    if value is None:
        return "n/a"
    if path.split(".")[-1] in COUNT_FIGURES or isinstance(value, int):
        return str(int(value))
    return f"{value:.3f}"


def fmt_delta(row: dict) -> str:
    if row["delta"] is None:
        return row["change"]
    if row["change"] == "same":
        return "="
    sign = "+" if row["delta"] > 0 else ""
    text = f"{sign}{int(row['delta'])}" if row["figure"].split(".")[-1] in COUNT_FIGURES else f"{sign}{row['delta']:.3f}"
    return f"{text} ({row['change']})"


def pct(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def ratio(correct: int, total: int) -> str:
    return f"{correct}/{total} ({pct(correct / total if total else None)})"


def table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def escape(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------- Markdown


def header_lines(meta: dict) -> list[str]:
    m = meta.get("machine", {})
    lines = [
        "# Quality report",
        "",
        f"- date: {meta.get('date', 'n/a')}",
        f"- git commit: `{meta.get('commit', 'unknown')}` (uncommitted changes, if any, are not visible here)",
        f"- machine: {m.get('cpu', 'unknown')}, {m.get('cores', '?')} cores; Python {m.get('python', '?')}",
    ]
    if meta.get("durations_s"):
        parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in meta["durations_s"].items())
        lines.append(f"- time taken: {parts}")
    lines += [
        "",
        "Produced by `make eval` (`python -m bot eval`). Figures on the **dev** sets are optimistic: the "
        "lexicon, dialogue and search were tuned on them. The **held-out** sets (`tests/heldout/`) were "
        "written from TRIAGE.md and the article alone, without seeing the bot's data, lexicon or the dev sets, "
        "and are never tuned on; they are the honest figures.",
        "",
    ]
    return lines


def summary_lines(metrics: dict) -> list[str]:
    triage, retrieval, intents = metrics.get("triage", {}), metrics.get("retrieval", {}), metrics.get("intents", {})
    rows = []

    def both(section: dict, key: str, show) -> list[str]:
        return [show(section[name]) if name in section else "n/a" for name in SETS]

    if triage:
        rows.append(["triage vignettes", *both(triage, "", lambda t: str(t["vignettes"])), ""])
        rows.append(["triage exact level", *both(triage, "", lambda t: ratio(t["exact"], t["vignettes"])), ">= 95%"])
        rows.append(["**under-triage** (safety)", *both(triage, "", lambda t: f"**{t['under_triage']}**"), "0"])
        rows.append(["over-triage", *both(triage, "", lambda t: str(t["over_triage"])), ""])
        for slot, title in FACT_TITLES.items():
            rows.append([f"fact accuracy: {title}", *both(
                triage, "", lambda t, s=slot: ratio(t["facts"][s]["correct"], t["facts"][s]["total"])), ">= 95%"])
    if retrieval:
        for key, label, _ in RETRIEVAL_FIGURES:
            rows.append([label.replace("retrieval ", "retrieval: "), *both(retrieval, key, lambda r, k=key: fmt(r.get(k))), ""])
    lines = ["## Summary: dev and held-out side by side", ""]
    lines += table(["figure", SET_TITLES["dev"], SET_TITLES["heldout"], "goal"], rows)
    if intents:
        lines += ["", "Intents (DIET + FactExtractor overrides, the whole NLU pipeline):", ""]
        lines += table(
            ["figure", *(INTENT_TITLES[r] for r in INTENT_RUNS)],
            [[label, *(fmt(intents.get(r, {}).get(key)) for r in INTENT_RUNS)] for key, label, _ in INTENT_FIGURES],
        )
    return lines + [""]


def comparison_lines(previous: Optional[dict], current: dict, note: Optional[str] = None) -> list[str]:
    lines = ["## Changes since the previous report", ""]
    if previous is None:
        return lines + [note or "No previous report (reports/quality/metrics.json) was found: nothing to compare.", ""]
    meta = previous.get("meta", {})
    lines += [f"Previous: {meta.get('date', 'n/a')}, commit `{meta.get('commit', 'unknown')}` "
              "(kept as `previous_metrics.json`).", ""]
    rows = compare(previous, current)
    changed = [r for r in rows if r["change"] != "same"]
    if not changed:
        lines += ["Every figure is the same as before.", ""]
    else:
        lines += table(["figure", "before", "after", "change"],
                       [[r["label"], fmt(r["before"], r["figure"]), fmt(r["after"], r["figure"]), fmt_delta(r)] for r in changed])
        same = len(rows) - len(changed)
        lines += ["", f"{same} other figures unchanged."]
    for name, ids in changed_vignettes(previous, current).items():
        if ids["now_failing"] or ids["now_passing"]:
            lines += ["", f"{SET_TITLES[name]} vignettes now failing: {', '.join(ids['now_failing']) or 'none'}; "
                          f"now passing: {', '.join(ids['now_passing']) or 'none'}."]
    return lines + [""]


def outcome_lines(outcome: dict) -> list[str]:
    lines = [
        f"- **{outcome['id']}** gold `{outcome['gold']}`, predicted `{outcome['predicted']}` "
        f"(rules fired: {', '.join(outcome['reasons']) or 'none'}). {escape(outcome['note'])}",
    ]
    for slot, (gold, got) in outcome["fact_errors"].items():
        lines.append(f"  - {FACT_TITLES.get(slot, slot)}: gold `{gold}`, understood `{got}`")
    if outcome.get("error"):
        lines.append(f"  - error: {escape(outcome['error'])}")
    said = " / ".join(f'"{escape(text)}"' for text in outcome["said"])
    lines.append(f"  - runner said: {said}")
    return lines


def safety_lines(triage: dict) -> list[str]:
    lines = ["## Safety: every under-triaged vignette", "",
             "Under-triage (a level less urgent than the gold) is the figure that must be 0.", ""]
    for name in SETS:
        if name not in triage:
            continue
        under = triage[name]["under_triaged"]
        lines.append(f"### {SET_TITLES[name]}: {len(under)} under-triaged of {triage[name]['vignettes']}")
        lines.append("")
        for outcome in under:
            lines += outcome_lines(outcome)
        if not under:
            lines.append("- none")
        lines.append("")
    return lines


def confusion_table(confusion: dict) -> list[str]:
    columns = list(LEVELS) + [NO_TRIAGE]
    rows = [[f"**{gold}**", *(confusion.get(gold, {}).get(c, 0) for c in columns)] for gold in LEVELS]
    return table(["gold \\ predicted", *columns], rows)


def triage_lines(triage: dict, plots: dict) -> list[str]:
    lines = ["## Triage", ""]
    if plots.get("triage_confusion"):
        lines += [f"![triage confusion matrices]({plots['triage_confusion']})", ""]
    for name in SETS:
        if name in triage:
            lines += [f"Confusion matrix, {SET_TITLES[name]} (rows gold, columns predicted):", ""]
            lines += confusion_table(triage[name]["confusion"]) + [""]
    if "heldout" in triage:
        failures = triage["heldout"]["failures"]
        lines += [f"### Held-out failures ({len(failures)}): wrong level, wrong fact or no result", ""]
        for outcome in failures:
            lines += outcome_lines(outcome)
        lines += [""] if failures else ["- none", ""]
    if "dev" in triage:
        ids = [o["id"] for o in triage["dev"]["failures"]]
        lines += [f"Dev failures ({len(ids)}): {', '.join(ids) or 'none'} (details in `reports/triage_eval.md`).", ""]
    return lines


def entity_lines(triage: dict, plots: dict) -> list[str]:
    lines = [
        "## Entities (the triage facts)",
        "",
        "DIET's entity recognition is off, and the NLU data carries no entity annotations: the facts come "
        "from the deterministic FactExtractor (`bot/nlu/fact_extractor.py` over `triage/extract.py`). "
        "`rasa test nlu` would therefore have nothing to score them against, so the entity scores are "
        "the per-fact accuracies on the vignettes, where every gold fact is written down: the fact the bot "
        "reports in its triage result must equal the gold value (a duration must fall in the gold range; "
        "a gold of \"not sure\" must be reported unknown).",
        "",
    ]
    if plots.get("fact_accuracy"):
        lines += [f"![fact accuracy]({plots['fact_accuracy']})", ""]
    rows = []
    for slot, title in FACT_TITLES.items():
        rows.append([title, *(ratio(triage[n]["facts"][slot]["correct"], triage[n]["facts"][slot]["total"])
                              if n in triage else "n/a" for n in SETS)])
    return lines + table(["fact", SET_TITLES["dev"], SET_TITLES["heldout"]], rows) + [""]


def intent_lines(intents: dict, plots: dict) -> list[str]:
    meta = intents.get("settings", {})
    lines = [
        "## Intents",
        "",
        f"- held-out split: `rasa data split nlu` (training fraction {meta.get('training_fraction', '?')}, "
        f"random seed {meta.get('seed', '?')}); a model trained on the training part only, in a scratch "
        "directory (models/ is not touched), tested with `rasa test nlu` on the other part.",
        f"- cross-validation: `rasa test nlu --cross-validation --folds {meta.get('folds', '?')}` on all of data/nlu. "
        f"{meta.get('folds_why', '')}",
        "",
    ]
    if plots.get("intent_f1"):
        lines += [f"![intent F1]({plots['intent_f1']})", ""]
    for run in INTENT_RUNS:
        if run in intents and intents[run].get("images"):
            lines += [f"Rasa's plots, {INTENT_TITLES[run]}: " + ", ".join(
                f"[{Path(image).stem}]({image})" for image in intents[run]["images"]), ""]
            lines += [f"![{INTENT_TITLES[run]} confusion matrix]({intents[run]['images'][0]})", ""]
    names = sorted({n for run in INTENT_RUNS for n in intents.get(run, {}).get("per_intent", {})})
    rows = []
    for name in names:
        row = [name]
        for run in INTENT_RUNS:
            score = intents.get(run, {}).get("per_intent", {}).get(name)
            row += [fmt(score["precision"]), fmt(score["recall"]), fmt(score["f1"]), score["support"]] if score else ["n/a"] * 4
        rows.append(row)
    header = ["intent"] + [f"{label} ({INTENT_TITLES[run]})" for run in INTENT_RUNS for label in ("P", "R", "F1", "n")]
    lines += table(header, rows) + [""]
    confusions = top_confusions(intents.get("cross_validation", {}))
    if confusions:
        lines += ["Most frequent confusions (cross-validation): " + "; ".join(
            f"{gold} -> {predicted} ({count})" for gold, predicted, count in confusions), ""]
    return lines


def top_confusions(run: dict, limit: int = 8) -> list[tuple[str, str, int]]:
    pairs = [(gold, predicted, count) for gold, score in run.get("per_intent", {}).items()
             for predicted, count in score.get("confused_with", {}).items()]
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))[:limit]


def retrieval_lines(retrieval: dict, plots: dict) -> list[str]:
    lines = ["## Retrieval", ""]
    if not retrieval:
        return lines + ["Not measured.", ""]
    any_set = next(iter(retrieval.values()))
    lines += [
        f"Method `{any_set.get('method')}`, threshold {fmt(any_set.get('threshold'))} from knowledge/settings.yml "
        "(chosen on the dev set, so the held-out answered/declined figures are honest). Full dev report with "
        "the threshold trade-off and weight sweep: `reports/retrieval.md`.",
        "",
    ]
    if plots.get("retrieval"):
        lines += [f"![retrieval]({plots['retrieval']})", ""]
    sizes = [f"{SET_TITLES[n]}: {retrieval[n]['questions']['in_scope']} in scope, "
             f"{retrieval[n]['questions']['out_of_scope']} out of scope" for n in SETS if n in retrieval]
    lines += ["Questions: " + "; ".join(sizes) + ".", ""]
    lines += table(["figure", *(SET_TITLES[n] for n in SETS)],
                   [[label.replace("retrieval ", ""), *(fmt(retrieval.get(n, {}).get(key)) for n in SETS)]
                    for key, label, _ in RETRIEVAL_FIGURES])
    methods = sorted({m for n in SETS for m in retrieval.get(n, {}).get("ranking_by_method", {})})
    if methods:
        lines += ["", "Ranking alone, by method (Recall@1 / Recall@3 / MRR):", ""]
        rows = [[m, *(" / ".join(fmt(retrieval[n]["ranking_by_method"][m][k]) for k in ("recall_at_1", "recall_at_3", "mrr"))
                      if m in retrieval.get(n, {}).get("ranking_by_method", {}) else "n/a" for n in SETS)] for m in methods]
        lines += table(["method", *(SET_TITLES[n] for n in SETS)], rows)
    if "heldout" in retrieval:
        lines += ["", "Held-out questions not found at rank 1:", ""]
        lines += [f"- {escape(m)}" for m in retrieval["heldout"]["misses"]] or ["- none"]
        lines += ["", "Held-out out-of-scope questions answered anyway:", ""]
        lines += [f"- {escape(m)}" for m in retrieval["heldout"]["wrongly_answered"]] or ["- none"]
    return lines + [""]


def files_lines(plots: dict) -> list[str]:
    return [
        "## Files",
        "",
        "- `reports/quality/report.md` (this file) and `metrics.json` (every figure, for the next comparison); "
        "`previous_metrics.json` (the run before)",
        "- plots: " + ", ".join(f"`{p}`" for p in plots.values() if p),
        "- `nlu_heldout/`, `nlu_cv/`: Rasa's intent reports, errors and plots",
        "- `reports/triage_eval.md`, `reports/triage_eval_heldout.md`: every triage failure with its transcript",
        "- `reports/retrieval.md`: the dev retrieval report",
        "",
    ]


def render_markdown(metrics: dict, previous: Optional[dict] = None, plots: Optional[dict] = None,
                    previous_note: Optional[str] = None) -> str:
    plots = plots or {}
    triage = metrics.get("triage", {})
    lines = header_lines(metrics.get("meta", {}))
    lines += summary_lines(metrics)
    lines += comparison_lines(previous, metrics, previous_note)
    if triage:
        lines += safety_lines(triage)
        lines += triage_lines(triage, plots)
        lines += entity_lines(triage, plots)
    if metrics.get("intents"):
        lines += intent_lines(metrics["intents"], plots)
    lines += retrieval_lines(metrics.get("retrieval", {}), plots)
    lines += files_lines(plots)
    return "\n".join(lines) + "\n"
