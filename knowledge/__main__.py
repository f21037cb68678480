"""python -m knowledge ask "question" | build | eval | bench"""

from __future__ import annotations

import argparse
import os
import sys

# The model is on disk; nothing may be fetched, and TensorFlow is not needed here.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("USE_TF", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ask = commands.add_parser("ask", help="rank the article's passages for a question")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=3, help="how many passages to show")
    commands.add_parser("build", help="rebuild the index (knowledge/index/)")
    commands.add_parser("eval", help="retrieval quality on the dev set; writes reports/retrieval.md")
    commands.add_parser("bench", help="search latency, index build and load times")
    commands.add_parser("passages", help="every passage's id and text, under its section (for passage-level gold)")
    args = parser.parse_args(argv)
    _quiet_libraries()
    return {"ask": _ask, "build": _build, "eval": _eval, "bench": _bench, "passages": _passages}[args.command](args)


def _passages(args) -> int:
    from knowledge.article import load_article

    for section in load_article().sections:
        print(f"## {section.heading}")
        for passage in section.passages:
            print(f"[{passage.id}] {passage.text}\n")
    return 0


def _ask(args) -> int:
    from knowledge.search import Searcher

    searcher = Searcher.load()
    settings = searcher.settings
    scores = searcher.scores(args.question)  # scored once: the answer and the ranking below both use it
    answer = searcher.answer_from(scores)
    if answer is not None:
        print(f"answer (confidence {answer.score:.3f} >= threshold {settings.threshold:.3f}):")
    elif searcher.below_lexical_floor(scores):
        print(f"no answer: no telling word of the article (best BM25 under {settings.lexical_floor}); closest passages:")
    elif searcher.off_topic(scores):
        print("no answer: closer to a question the article does not answer than to anything it does; closest passages:")
    else:
        print(f"no answer: best score below threshold {settings.threshold:.3f}; closest passages:")
    for kind, examples in searcher.index.examples.items():
        nearest = int(scores.examples[kind].argmax())
        print(f"   nearest {kind} example [{scores.examples[kind][nearest]:.3f}]: {examples.questions[nearest]}")
    hits = searcher.top(scores if args.question.strip() else None, args.k)
    for rank, hit in enumerate(hits, start=1):
        refs = ", ".join(ref.label for ref in hit.passage.references)
        print(f"\n{rank}. [{hit.score:.3f}] {hit.passage.section}  ({hit.passage.id})")
        print(f"   {hit.passage.text}")
        if refs:
            print(f"   references: {refs}")
    return 0


def _build(args) -> int:
    import time

    from knowledge.article import load_article
    from knowledge.index import INDEX_DIR, build_index, load_encoder
    from knowledge.settings import load_settings

    settings = load_settings()
    encoder = load_encoder(settings)
    start = time.perf_counter()
    index = build_index(load_article(table_mode=settings.table_mode), encoder, settings, INDEX_DIR, progress=True)
    print(
        f"built {INDEX_DIR}: {len(index.passages)} passages, {index.faiss_index.ntotal} vectors, "
        f"{time.perf_counter() - start:.1f} s, fingerprint {index.manifest['fingerprint'][:12]}"
    )
    return 0


def _eval(args) -> int:
    from knowledge.evaluate import evaluate, render, write_report
    from knowledge.search import Searcher

    text = render(evaluate(Searcher.load()))
    print(text)
    print(f"written to {write_report(text)}")
    return 0


def _bench(args) -> int:
    from knowledge.bench import run_bench

    print(run_bench().render())
    return 0


def _quiet_libraries() -> None:
    """Model-loading chatter is noise for a user of this command line."""
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    for name in ("sentence_transformers", "transformers", "faiss", "bm25s"):
        logging.getLogger(name).setLevel(logging.ERROR)
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


if __name__ == "__main__":
    sys.exit(main())
