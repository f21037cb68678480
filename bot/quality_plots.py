"""PNG plots for the quality report, drawn from metrics.json's dict with matplotlib (Agg: no display)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; the eval runs without a display
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from bot.evaluate_triage import LEVELS, NO_TRIAGE  # noqa: E402
from bot.quality_report import (  # noqa: E402
    FACT_TITLES, INTENT_RUNS, INTENT_TITLES, RETRIEVAL_FIGURES, SET_TITLES, SETS,
)

COLOURS = {"dev": "#9aa5b1", "heldout": "#1f6feb", "heldout_split": "#1f6feb", "cross_validation": "#f59e0b"}


def draw_all(metrics: dict, out_dir: Path) -> dict:
    """Every plot the metrics allow; {name: file name relative to out_dir}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = {}
    triage, retrieval, intents = metrics.get("triage", {}), metrics.get("retrieval", {}), metrics.get("intents", {})
    if triage:
        plots["triage_confusion"] = _save(triage_confusion(triage), out_dir, "triage_confusion.png")
        plots["fact_accuracy"] = _save(fact_accuracy(triage), out_dir, "fact_accuracy.png")
    if retrieval:
        plots["retrieval"] = _save(retrieval_bars(retrieval), out_dir, "retrieval.png")
    if any(intents.get(run, {}).get("per_intent") for run in INTENT_RUNS):
        plots["intent_f1"] = _save(intent_f1(intents), out_dir, "intent_f1.png")
    return plots


def _save(figure, out_dir: Path, name: str) -> str:
    figure.savefig(out_dir / name, dpi=110, bbox_inches="tight")
    plt.close(figure)
    return name


def triage_confusion(triage: dict):
    """Gold level x predicted level, one panel per set; cells below the diagonal
    (a less urgent level than the gold) are under-triage and drawn in red."""
    names = [n for n in SETS if n in triage]
    columns = list(LEVELS) + [NO_TRIAGE]
    figure, axes = plt.subplots(1, len(names), figsize=(5.6 * len(names), 4.6), squeeze=False)
    for axis, name in zip(axes[0], names):
        confusion = triage[name]["confusion"]
        counts = [[confusion.get(gold, {}).get(col, 0) for col in columns] for gold in LEVELS]
        axis.imshow(counts, cmap="Blues")
        for row, gold in enumerate(LEVELS):
            for col, predicted in enumerate(columns):
                count = counts[row][col]
                under = (predicted == NO_TRIAGE or col < row) and count > 0
                if under:  # a red cell, whatever the blue scale says
                    axis.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, facecolor="#d1242f", edgecolor="none"))
                dark = under or count > max(map(max, counts)) / 2
                axis.text(col, row, str(count), ha="center", va="center", color="white" if dark else "black",
                          fontweight="bold" if under else "normal")
        axis.set_xticks(range(len(columns)), columns, rotation=30, ha="right")
        axis.set_yticks(range(len(LEVELS)), LEVELS)
        axis.set_xlabel("predicted")
        axis.set_ylabel("gold")
        t = triage[name]
        axis.set_title(f"{SET_TITLES[name]}: {t['exact']}/{t['vignettes']} exact, under-triage {t['under_triage']}")
    figure.suptitle("Triage level: gold x predicted (red: under-triage)")
    figure.tight_layout()
    return figure


def _grouped_bars(axis, labels: list, series: dict, colours: dict, legend: dict):
    width = 0.8 / max(len(series), 1)
    for index, (key, values) in enumerate(series.items()):
        positions = [i + (index - (len(series) - 1) / 2) * width for i in range(len(labels))]
        bars = axis.bar(positions, [v if v is not None else 0 for v in values], width, label=legend[key], color=colours[key])
        for bar, value in zip(bars, values):
            text = "n/a" if value is None else f"{value:.2f}"
            axis.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.01, text, ha="center", va="bottom", fontsize=7)
    axis.set_xticks(range(len(labels)), labels)
    axis.set_ylim(0, 1.12)
    axis.legend(loc="upper left", bbox_to_anchor=(1.01, 1))  # outside, so it hides no bar


def fact_accuracy(triage: dict):
    figure, axis = plt.subplots(figsize=(7, 3.8))
    series = {n: [triage[n]["facts"][s]["accuracy"] for s in FACT_TITLES] for n in SETS if n in triage}
    _grouped_bars(axis, list(FACT_TITLES.values()), series, COLOURS, SET_TITLES)
    axis.axhline(0.95, color="#d1242f", linestyle="--", linewidth=1)
    axis.set_ylabel("accuracy")
    axis.set_title("Facts (entities) read from the runner's words: dev vs held-out (goal 0.95)")
    figure.tight_layout()
    return figure


def retrieval_bars(retrieval: dict):
    figure, axis = plt.subplots(figsize=(8.5, 3.8))
    keys = [key for key, _, _ in RETRIEVAL_FIGURES]
    labels = ["Recall@1", "Recall@3", "MRR", "in-scope\nanswered", "out-of-scope\ndeclined"]
    series = {n: [retrieval[n].get(k) for k in keys] for n in SETS if n in retrieval}
    _grouped_bars(axis, labels, series, COLOURS, SET_TITLES)
    axis.set_title("Article retrieval: dev vs held-out")
    figure.tight_layout()
    return figure


def intent_f1(intents: dict):
    names = sorted({n for run in INTENT_RUNS for n in intents.get(run, {}).get("per_intent", {})})
    figure, axis = plt.subplots(figsize=(7.5, 0.38 * len(names) + 1.4))
    height = 0.8 / len(INTENT_RUNS)
    for index, run in enumerate(INTENT_RUNS):
        scores = intents.get(run, {}).get("per_intent", {})
        values = [(scores.get(n) or {}).get("f1") or 0 for n in names]
        positions = [i + (index - (len(INTENT_RUNS) - 1) / 2) * height for i in range(len(names))]
        axis.barh(positions, values, height, label=INTENT_TITLES[run], color=COLOURS[run])
    axis.set_yticks(range(len(names)), names)
    axis.invert_yaxis()
    axis.set_xlim(0, 1)
    axis.set_xlabel("F1")
    axis.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    axis.set_title("Intent F1: held-out split vs cross-validation")
    figure.tight_layout()
    return figure
