"""`make eval`: measure everything, then write the one quality report (reports/quality/).

The glue around the pure bot/quality_report.py: a bot of its own for the triage
vignettes (ports 5505/5555), Rasa's NLU tests in a scratch directory (models/
that `make run` uses is never written), and the retrieval figures in a process
of their own.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bot import evaluate_triage, quality_report
from bot.settings import ROOT, Settings, isolated_settings, quiet_environment
from knowledge.machine import machine

QUALITY_DIR = ROOT / "reports" / "quality"
VIGNETTE_SETS = {
    "dev": (ROOT / "tests" / "dev" / "vignettes.yml", ROOT / "reports" / "triage_eval.md"),
    "heldout": (ROOT / "tests" / "heldout" / "vignettes.yml", ROOT / "reports" / "triage_eval_heldout.md"),
}
# The blind sets carry passage-level gold: their REST report adds passage R@1
# next to section R@1, and counts requests and questions for someone else apart.
QUESTION_SETS = {"dev": ROOT / "tests" / "dev" / "questions.yml", "heldout": ROOT / "tests" / "heldout" / "questions.yml",
                 "dev, blind, passage gold": ROOT / "tests" / "dev" / "blind_questions.yml",
                 "held-out, blind, passage gold": ROOT / "tests" / "heldout" / "blind_questions.yml",
                 "held-out, blind C, with vague": ROOT / "tests" / "heldout" / "blind_questions_c.yml",
                 "held-out, blind D, with vague": ROOT / "tests" / "heldout" / "blind_questions_d.yml",
                 "held-out, blind E, with vague": ROOT / "tests" / "heldout" / "blind_questions_e.yml",
                 "held-out, blind F, with vague": ROOT / "tests" / "heldout" / "blind_questions_f.yml",
                 "held-out, blind G, with vague": ROOT / "tests" / "heldout" / "blind_questions_g.yml",
                 "held-out, blind H, with vague": ROOT / "tests" / "heldout" / "blind_questions_h.yml",
                 "held-out, blind I, with vague": ROOT / "tests" / "heldout" / "blind_questions_i.yml",
                 "held-out, blind J, with vague": ROOT / "tests" / "heldout" / "blind_questions_j.yml",
                 "held-out, blind K, with vague": ROOT / "tests" / "heldout" / "blind_questions_k.yml",
                 "held-out, blind L, with vague": ROOT / "tests" / "heldout" / "blind_questions_l.yml",
                 "held-out, blind M, with vague": ROOT / "tests" / "heldout" / "blind_questions_m.yml",
                 "held-out, blind N, with vague": ROOT / "tests" / "heldout" / "blind_questions_n.yml"}
EVAL_PORTS = (5505, 5555)
SPLIT_FRACTION = 0.8
SPLIT_SEED = 42
# Each fold trains a model (about 30 to 40 s on 2 cores); 5 folds keep the
# whole `make eval` near 6 minutes while every intent still has examples in
# each test fold (the smallest intent has about 30).
CV_FOLDS = 5
CV_FOLDS_WHY = (f"{CV_FOLDS} folds: each fold trains a model (about 30 to 40 s on 2 cores), so 5 keep `make eval` "
                "to a few minutes while every intent still has examples in each test fold.")
RASA_IMAGES = ("intent_confusion_matrix.png", "intent_histogram.png")


class Timer:
    def __init__(self) -> None:
        self.durations: dict[str, float] = {}

    @contextmanager
    def step(self, name: str):
        print(f"\n== {name}", flush=True)
        started = time.monotonic()
        try:
            yield
        finally:
            self.durations[name] = round(time.monotonic() - started, 1)


# ---------------------------------------------------------------- triage


def measure_triage(scratch: Path) -> tuple[dict, list[str], str]:
    """Both vignette sets, then both question sets, against one bot of our own;
    ({set: figures}, dev threshold problems, Markdown of the questions asked over REST)."""
    from bot.servers import running_bot

    settings = isolated_settings(scratch, *EVAL_PORTS)
    figures, problems = {}, []
    with running_bot(settings):
        for name, (vignettes, report) in VIGNETTE_SETS.items():
            print(f"-- {name} vignettes ({vignettes.relative_to(ROOT)})", flush=True)
            summary, results = evaluate_triage.evaluate(settings.rasa_url, vignettes, report)
            figures[name] = quality_report.triage_figures(summary, results)
            if name == "dev":
                problems = evaluate_triage.threshold_violations(summary)
        questions = measure_questions_over_rest(settings.rasa_url)
    return figures, problems, questions


def measure_questions_over_rest(url: str) -> str:
    """The article questions asked of the whole bot (NLU, actions and search), as runners ask."""
    import yaml

    from bot import evaluate_answers
    from bot.rest_client import RestClient

    sections = []
    for name, path in QUESTION_SETS.items():
        print(f"-- {name} questions over REST ({path.relative_to(ROOT)})", flush=True)
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))
        summary = evaluate_answers.evaluate(RestClient(url), questions)
        sections.append(evaluate_answers.render(summary, str(path.relative_to(ROOT))))
    return "\n\n".join(sections)


# ---------------------------------------------------------------- intents


def _rasa(arguments: list[str], env: dict, log: Path) -> None:
    with open(log, "ab") as handle:
        completed = subprocess.run([sys.executable, "-m", "rasa", *arguments], cwd=ROOT, env=env,
                                   stdout=handle, stderr=subprocess.STDOUT)
    if completed.returncode != 0:
        raise RuntimeError(f"rasa {' '.join(arguments[:2])} failed; see {log}")


def _intent_run(out_dir: Path) -> dict:
    figures = quality_report.intent_figures(json.loads((out_dir / "intent_report.json").read_text(encoding="utf-8")))
    relative = out_dir.relative_to(QUALITY_DIR)
    figures["images"] = [f"{relative}/{name}" for name in RASA_IMAGES if (out_dir / name).exists()]
    return figures


def measure_intents_on_split(scratch: Path, env: dict, log: Path) -> dict:
    """Train on a fixed-seed 80% of data/nlu, test on the other 20%."""
    split, out = scratch / "split", QUALITY_DIR / "nlu_heldout"
    shutil.rmtree(out, ignore_errors=True)
    _rasa(["data", "split", "nlu", "--nlu", "data/nlu", "--training-fraction", str(SPLIT_FRACTION),
           "--random-seed", str(SPLIT_SEED), "--out", str(split)], env, log)
    _rasa(["train", "nlu", "--config", "config.yml", "--domain", "bot/domain.yml", "--nlu", str(split / "training_data.yml"),
           "--out", str(scratch / "models"), "--fixed-model-name", "split"], env, log)
    _rasa(["test", "nlu", "--model", str(scratch / "models" / "split.tar.gz"), "--nlu", str(split / "test_data.yml"),
           "--out", str(out)], env, log)
    return _intent_run(out)


def measure_intents_cross_validated(env: dict, log: Path) -> dict:
    out = QUALITY_DIR / "nlu_cv"
    shutil.rmtree(out, ignore_errors=True)
    _rasa(["test", "nlu", "--nlu", "data/nlu", "--config", "config.yml", "--cross-validation",
           "--folds", str(CV_FOLDS), "--out", str(out)], env, log)
    return _intent_run(out)


def measure_intents(scratch: Path, settings: Settings, timer: Timer) -> dict:
    env = quiet_environment(settings)
    env["RASA_CACHE_DIRECTORY"] = str(scratch / "rasa-cache")  # the shared cache stays as `make run` left it
    log = scratch / "nlu.log"
    intents = {"settings": {"training_fraction": SPLIT_FRACTION, "seed": SPLIT_SEED, "folds": CV_FOLDS,
                            "folds_why": CV_FOLDS_WHY}}
    try:
        with timer.step("intents: held-out split (rasa data split nlu, train nlu, test nlu)"):
            intents["heldout_split"] = measure_intents_on_split(scratch, env, log)
        with timer.step(f"intents: {CV_FOLDS}-fold cross-validation (rasa test nlu --cross-validation)"):
            intents["cross_validation"] = measure_intents_cross_validated(env, log)
    except RuntimeError as error:
        kept = QUALITY_DIR / "nlu.log"
        shutil.copy(log, kept)
        print(f"{error} (log kept in {kept})", file=sys.stderr)
    return intents


# ---------------------------------------------------------------- retrieval


def measure_retrieval(scratch: Path, settings: Settings) -> dict:
    out = scratch / "retrieval.json"
    completed = subprocess.run([sys.executable, "-m", "bot.retrieval_figures", "--json", str(out)],
                               cwd=ROOT, env=quiet_environment(settings))
    if completed.returncode != 0 or not out.exists():
        print("retrieval figures failed", file=sys.stderr)
        return {}
    return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the report


def write_report(metrics: dict, out_dir: Path = QUALITY_DIR) -> Path:
    """Keep the last run's metrics as previous_metrics.json, then write the new ones,
    the plots and report.md comparing the two."""
    from bot.quality_plots import draw_all

    out_dir.mkdir(parents=True, exist_ok=True)
    current_path, previous_path = out_dir / "metrics.json", out_dir / "previous_metrics.json"
    previous, note = quality_report.load_previous(current_path)
    if previous is not None:
        shutil.copy(current_path, previous_path)
    elif previous_path.exists():  # nothing new to keep; compare with the one kept before
        previous, note = quality_report.load_previous(previous_path)
    current_path.write_text(json.dumps(metrics, indent=2, sort_keys=True), encoding="utf-8")
    plots = draw_all(metrics, out_dir)
    report = out_dir / "report.md"
    report.write_text(quality_report.render_markdown(metrics, previous, plots, note), encoding="utf-8")
    return report


def run(base: Settings) -> int:
    """Everything `make eval` measures; 1 when the dev triage thresholds fail, as before."""
    import tempfile

    timer = Timer()
    with tempfile.TemporaryDirectory(prefix="quality-") as scratch_name:
        scratch = Path(scratch_name)
        with timer.step("triage and questions: dev and held-out, over REST (a bot of its own on 5505/5555)"):
            triage, problems, questions_over_rest = measure_triage(scratch)
        with timer.step("retrieval: dev and held-out questions"):
            retrieval = measure_retrieval(scratch, base)
        intents = measure_intents(scratch, base, timer)
    meta = {"date": quality_report.now_utc(), "commit": quality_report.git_commit(ROOT),
            "machine": machine(), "durations_s": timer.durations}
    report = write_report(quality_report.gather(meta, intents, triage, retrieval))
    with open(report, "a", encoding="utf-8") as handle:  # the search alone is above; here the whole bot
        handle.write("\n\n" + questions_over_rest + "\n")
    print_summary(triage, retrieval, intents, problems, report)
    return 1 if problems or not retrieval or "cross_validation" not in intents else 0


def print_summary(triage: dict, retrieval: dict, intents: dict, problems: list, report: Path) -> None:
    print("\n== Quality summary")
    for name, t in triage.items():
        print(f"triage {quality_report.SET_TITLES[name]}: exact {t['exact']}/{t['vignettes']}, "
              f"under-triage {t['under_triage']} {[o['id'] for o in t['under_triaged']]}, over-triage {t['over_triage']}")
    for name, r in retrieval.items():
        print(f"retrieval {quality_report.SET_TITLES[name]}: Recall@1 {r['recall_at_1']:.3f}, MRR {r['mrr']:.3f}, "
              f"answered {r['in_scope_answered']:.3f}, declined {r['out_of_scope_declined']:.3f}")
    for run_name in quality_report.INTENT_RUNS:
        if run_name in intents:
            print(f"intents {quality_report.INTENT_TITLES[run_name]}: accuracy {intents[run_name]['accuracy']:.3f}, "
                  f"macro F1 {intents[run_name]['macro_f1']:.3f}")
    print("\n".join(f"FAIL (dev triage): {p}" for p in problems) or "dev triage thresholds: PASS")
    print(f"\nQuality report: {report.relative_to(ROOT)} (plots and metrics.json beside it)", flush=True)
