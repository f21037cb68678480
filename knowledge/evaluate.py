"""Retrieval quality on the dev set (tests/dev/questions.yml): dense, lexical, fused.

A question counts as found at rank r when the r-th passage sits under one of
its gold sections. Recall@k and MRR measure ranking alone; "answered" and
"declined" measure the confidence threshold. Each method's threshold is chosen
by the same rule (`choose_threshold`); the chosen method's column uses the
threshold stored in settings.yml. Because the dev set also picks the threshold,
a 5-fold cross-validated estimate is reported next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import yaml

from knowledge.settings import RANKING_METHODS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SET = PROJECT_ROOT / "tests" / "dev" / "questions.yml"
REPORT = PROJECT_ROOT / "reports" / "retrieval.md"
MIN_ANSWERED = 0.95  # the share of in-scope questions the threshold must let through
FOLDS = 5


@dataclass(frozen=True)
class DevQuestion:
    text: str
    gold: tuple[str, ...]


@dataclass(frozen=True)
class DevSet:
    in_scope: tuple[DevQuestion, ...]
    out_of_scope: tuple[str, ...]


def load_dev_set(path: Path = DEV_SET) -> DevSet:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return DevSet(
        in_scope=tuple(DevQuestion(item["q"], tuple(item["gold"])) for item in raw["in_scope"]),
        out_of_scope=tuple(raw["out_of_scope"]),
    )


@dataclass
class MethodReport:
    method: str
    threshold: float
    recall_at_1: float
    recall_at_3: float
    mrr: float
    in_scope_answered: float
    out_of_scope_declined: float
    cv_in_scope_answered: float | None = None
    cv_out_of_scope_declined: float | None = None
    misses: list[str] = field(default_factory=list)  # in-scope questions not found at rank 1
    wrongly_answered: list[str] = field(default_factory=list)  # out-of-scope questions answered
    in_confidences: list[float] = field(default_factory=list)
    out_confidences: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Observation:
    """One dev question seen by one method: where the gold came, how confident it was."""

    question: str
    gold_rank: int | None  # 1-based; None for out-of-scope questions or never found
    top_section: str
    confidence: float


def gold_rank(sections: Sequence[str], gold: Sequence[str]) -> int | None:
    for rank, section in enumerate(sections, start=1):
        if section in gold:
            return rank
    return None


@dataclass(frozen=True)
class ScoredQuestion:
    text: str
    gold: tuple[str, ...] | None  # None: out of scope
    scores: object  # knowledge.search.Scores, dense and lexical


def score_dev_set(searcher, dev: DevSet) -> list[ScoredQuestion]:
    """Embed and score every dev question once; every method ranks from these."""
    questions = [(q.text, q.gold) for q in dev.in_scope] + [(q, None) for q in dev.out_of_scope]
    return [ScoredQuestion(text, gold, searcher.scores(text, method="fused")) for text, gold in questions]


def observe(searcher, scored: list[ScoredQuestion], method: str) -> tuple[list[Observation], list[Observation]]:
    """(in-scope, out-of-scope) observations of one ranking method."""
    in_scope, out_of_scope = [], []
    for question in scored:
        ranked = searcher.rank(question.scores, method)
        sections = [hit.passage.section for hit in ranked]
        confidence = searcher.confidence(question.scores, method)
        rank = gold_rank(sections, question.gold) if question.gold else None
        observation = Observation(question.text, rank, sections[0], confidence)
        (in_scope if question.gold else out_of_scope).append(observation)
    return in_scope, out_of_scope


def choose_threshold(in_scope: Sequence[float], out_of_scope: Sequence[float], min_answered: float = MIN_ANSWERED) -> float:
    """Decline as many out-of-scope questions as possible while answering at least
    `min_answered` of the in-scope ones; then sit halfway to the next lower score,
    so the decision does not hinge on one dev question's exact value."""
    candidates = sorted(set(in_scope) | set(out_of_scope))
    best, best_declined = candidates[0], -1.0
    for threshold in candidates:
        if _share(in_scope, lambda s: s >= threshold) < min_answered:
            break
        declined = _share(out_of_scope, lambda s: s < threshold)
        if declined >= best_declined:
            best, best_declined = threshold, declined
    lower = [score for score in candidates if score < best]
    return (best + lower[-1]) / 2 if lower else best


def cross_validate(in_scope: Sequence[float], out_of_scope: Sequence[float], folds: int = FOLDS) -> tuple[float, float]:
    """Answered and declined shares when each fold is judged by a threshold chosen on the others."""
    answered = declined = 0
    for fold in range(folds):
        train_in = [s for i, s in enumerate(in_scope) if i % folds != fold]
        train_out = [s for i, s in enumerate(out_of_scope) if i % folds != fold]
        threshold = choose_threshold(train_in, train_out)
        answered += sum(s >= threshold for i, s in enumerate(in_scope) if i % folds == fold)
        declined += sum(s < threshold for i, s in enumerate(out_of_scope) if i % folds == fold)
    return answered / len(in_scope), declined / len(out_of_scope)


def summarise(method: str, in_obs: list[Observation], out_obs: list[Observation], threshold: float | None = None) -> MethodReport:
    in_conf = [o.confidence for o in in_obs]
    out_conf = [o.confidence for o in out_obs]
    if threshold is None:
        threshold = choose_threshold(in_conf, out_conf)
    cv_answered, cv_declined = cross_validate(in_conf, out_conf)
    ranks = [o.gold_rank for o in in_obs]
    return MethodReport(
        method=method,
        threshold=threshold,
        recall_at_1=_share(ranks, lambda r: r is not None and r <= 1),
        recall_at_3=_share(ranks, lambda r: r is not None and r <= 3),
        mrr=sum(1 / r for r in ranks if r) / len(ranks),
        in_scope_answered=_share(in_conf, lambda s: s >= threshold),
        out_of_scope_declined=_share(out_conf, lambda s: s < threshold),
        cv_in_scope_answered=cv_answered,
        cv_out_of_scope_declined=cv_declined,
        misses=[f"{o.question} -> rank {o.gold_rank} (top: {o.top_section})" for o in in_obs if o.gold_rank != 1],
        wrongly_answered=[f"{o.question} ({o.confidence:.3f})" for o in out_obs if o.confidence >= threshold],
        in_confidences=in_conf,
        out_confidences=out_conf,
    )


def evaluate(searcher, dev: DevSet | None = None) -> "Evaluation":
    """One report per ranking method (dev-chosen thresholds), then the configured
    method with its configured threshold, plus a sweep of the fusion weight."""
    dev = dev or load_dev_set()
    scored = score_dev_set(searcher, dev)
    reports = [summarise(method, *observe(searcher, scored, method)) for method in RANKING_METHODS]
    chosen = searcher.settings.method
    configured = summarise(chosen, *observe(searcher, scored, chosen), threshold=searcher.settings.threshold)
    configured.method = f"chosen: {chosen} (settings.yml)"
    return Evaluation(dev=dev, reports=reports + [configured], weight_sweep=sweep_weights(searcher, scored))


@dataclass
class Evaluation:
    dev: DevSet
    reports: list[MethodReport]
    weight_sweep: list[MethodReport]


SWEEP_WEIGHTS = (0.0, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1)
SWEEP_FLOORS = (0.0, 0.5, 1.0, 1.5)
SWEEP_MARGINS = (None, -0.08, -0.04, 0.0, 0.04)
SWEEP_EXAMPLE_WEIGHTS = (0.0, 0.1, 0.3, 0.5, 1.0)


def sweep_weights(searcher, scored: list[ScoredQuestion]) -> list[MethodReport]:
    """The fused method with one setting changed at a time (lexical weight, floor,
    off-topic margin, example weight): is the chosen setting on a plateau or a
    spike, and what do the example questions add (margin=off, ex=0.0)?"""
    from dataclasses import replace

    original = searcher.settings
    sweeps = {"lexical_weight": SWEEP_WEIGHTS, "lexical_floor": SWEEP_FLOORS,
              "off_topic_margin": SWEEP_MARGINS, "example_weight": SWEEP_EXAMPLE_WEIGHTS}
    variants = [replace(original, **{name: value}) for name, values in sweeps.items() for value in values]
    reports = []
    try:
        for settings in dict.fromkeys(variants):  # each variant once, in order
            searcher.settings = settings
            report = summarise("fused", *observe(searcher, scored, "fused"))
            margin = "off" if settings.off_topic_margin is None else settings.off_topic_margin
            report.method = (f"w={settings.lexical_weight} floor={settings.lexical_floor} margin={margin} "
                             f"ex={settings.example_weight}")
            reports.append(report)
    finally:
        searcher.settings = original
    return reports


def _share(values: Sequence, predicate: Callable) -> float:
    return sum(1 for value in values if predicate(value)) / len(values) if values else 0.0


# --- report -----------------------------------------------------------------------


def render(evaluation: "Evaluation") -> str:
    reports, dev = evaluation.reports, evaluation.dev
    rows = [
        ("Recall@1", lambda r: f"{r.recall_at_1:.3f}"),
        ("Recall@3", lambda r: f"{r.recall_at_3:.3f}"),
        ("MRR", lambda r: f"{r.mrr:.3f}"),
        ("threshold", lambda r: f"{r.threshold:.3f}"),
        ("in-scope answered", lambda r: f"{r.in_scope_answered:.1%}"),
        ("out-of-scope declined", lambda r: f"{r.out_of_scope_declined:.1%}"),
        ("in-scope answered (5-fold CV)", lambda r: f"{r.cv_in_scope_answered:.1%}"),
        ("out-of-scope declined (5-fold CV)", lambda r: f"{r.cv_out_of_scope_declined:.1%}"),
    ]
    lines = [
        "# Retrieval report",
        "",
        f"Dev set: {len(dev.in_scope)} in-scope and {len(dev.out_of_scope)} out-of-scope questions "
        "(tests/dev/questions.yml). Produced by `python -m knowledge eval`.",
        "",
        "Thresholds apply to the best passage's score: cosine similarity for dense and rrf, BM25 for "
        "lexical, cosine + w * BM25 for fused; every method but dense also declines a question whose "
        "best BM25 score is under the lexical floor in settings.yml. Each column's threshold declines "
        f"as many out-of-scope questions as possible "
        f"while answering at least {MIN_ANSWERED:.0%} of in-scope ones; the last column uses the "
        "threshold in knowledge/settings.yml. The CV rows choose the threshold on 4/5 of the questions "
        "and judge the other 1/5, an estimate of how the threshold does on unseen questions.",
        "",
    ]
    lines += _table(reports, rows)
    lines += [
        "",
        "## Fusion weight, lexical floor and off-topic margin sweep",
        "",
        "fused = cosine + w * BM25 (w = 0: cosine alone, as ranking); floor: the best BM25 score a question "
        "needs before it can be answered at all; margin: the off-topic example check, off when the column says so; "
        "ex: the weight of the on-topic example questions in ranking (knowledge/data/*_topic_questions.yml). "
        "Each column's threshold chosen by the same rule.",
        "",
    ]
    lines += _table(evaluation.weight_sweep, rows)
    chosen = reports[-1]
    lines += ["", f"## Threshold trade-off ({chosen.method})", "", "| threshold | in-scope answered | out-of-scope declined |", "|---|---|---|"]
    for threshold in _tradeoff_points(chosen):
        answered = _share(chosen.in_confidences, lambda c: c >= threshold)
        declined = _share(chosen.out_confidences, lambda c: c < threshold)
        lines.append(f"| {threshold:.3f} | {answered:.1%} | {declined:.1%} |")
    lines += ["", f"## Not at rank 1 ({chosen.method})", ""]
    lines += [f"- {miss}" for miss in chosen.misses] or ["- none"]
    lines += ["", f"## Out-of-scope questions answered ({chosen.method})", ""]
    lines += [f"- {item}" for item in chosen.wrongly_answered] or ["- none"]
    return "\n".join(lines) + "\n"


def _tradeoff_points(report: MethodReport) -> list[float]:
    """Thresholds that answer 100%, 97.5%, 95%, 90% and 85% of in-scope questions."""
    ordered = sorted(report.in_confidences)
    points = {ordered[int(len(ordered) * (1 - share))] for share in (1.0, 0.975, 0.95, 0.9, 0.85)}
    return sorted({round(point, 3) for point in points | {report.threshold}})


def _table(reports: list[MethodReport], rows) -> list[str]:
    lines = ["| metric | " + " | ".join(r.method for r in reports) + " |", "|---|" + "---|" * len(reports)]
    return lines + [f"| {name} | " + " | ".join(fmt(r) for r in reports) + " |" for name, fmt in rows]


def write_report(text: str, path: Path = REPORT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- figures as data (for the quality report, bot/quality_report.py) ---------------


def figures(evaluation: "Evaluation") -> dict:
    """The configured method's figures (its threshold from settings.yml, so none
    is chosen on the questions being judged) and every method's ranking figures."""
    configured = evaluation.reports[-1]
    return {
        "questions": {"in_scope": len(evaluation.dev.in_scope), "out_of_scope": len(evaluation.dev.out_of_scope)},
        "method": configured.method,
        "threshold": configured.threshold,
        "recall_at_1": configured.recall_at_1,
        "recall_at_3": configured.recall_at_3,
        "mrr": configured.mrr,
        "in_scope_answered": configured.in_scope_answered,
        "out_of_scope_declined": configured.out_of_scope_declined,
        "ranking_by_method": {
            report.method: {"recall_at_1": report.recall_at_1, "recall_at_3": report.recall_at_3, "mrr": report.mrr}
            for report in evaluation.reports[:-1]
        },
        "misses": list(configured.misses),
        "wrongly_answered": list(configured.wrongly_answered),
    }
