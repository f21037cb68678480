"""Retrieval figures on the dev and held-out question sets, as JSON, for the quality report.

    python -m bot.retrieval_figures --json OUT.json

Runs in a process of its own (as `python -m knowledge eval` does), so the
sentence-embedding model never shares a process with Rasa's TensorFlow. The
encoder and index are loaded once for both sets. It also writes
reports/retrieval.md, the dev-set report `python -m knowledge eval` writes.
"""
from __future__ import annotations

import os

# The model is on disk; nothing may be fetched, and TensorFlow is not needed here.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("USE_TF", "0")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from bot.settings import ROOT  # noqa: E402

QUESTION_SETS = {"dev": ROOT / "tests" / "dev" / "questions.yml", "heldout": ROOT / "tests" / "heldout" / "questions.yml"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="where to write the figures")
    args = parser.parse_args(argv)

    from knowledge.evaluate import evaluate, figures, load_dev_set, render, write_report
    from knowledge.search import Searcher

    searcher = Searcher.load()
    out = {}
    for name, path in QUESTION_SETS.items():
        evaluation = evaluate(searcher, load_dev_set(path))
        if name == "dev":
            print(f"retrieval dev report: {write_report(render(evaluation))}", flush=True)
        out[name] = figures(evaluation)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
