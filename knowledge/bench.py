"""Speed of the article search on this machine: search latency, index build and load."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from knowledge.evaluate import load_dev_set
from knowledge.machine import machine

ROUNDS = 3  # each dev question is searched this many times for the latency figures

# Run in a fresh interpreter: the model is loaded first and not timed, then the
# index load is timed including the imports it brings (faiss, bm25s).
LOAD_PROBE = """
import json, sys, time
from knowledge.index import load_encoder
from knowledge.search import Searcher
encoder = load_encoder()
start = time.perf_counter()
Searcher.load(encoder=encoder)
print(json.dumps({"load_s": time.perf_counter() - start}))
"""


@dataclass
class Bench:
    machine: dict
    model_load_s: float
    build_s: float
    load_warm_s: float
    load_fresh_process_s: float
    search_p50_ms: float
    search_p95_ms: float
    searches: int

    def render(self) -> str:
        m = self.machine
        return "\n".join(
            [
                f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, torch threads {m['torch_threads']}, "
                f"load average at start {m['load_average']:.2f} (other processes compete for the cores)",
                f"model load (not part of the targets): {self.model_load_s:.2f} s",
                f"index build (embed {m['vectors']} vectors, write): {self.build_s:.2f} s   (target <= 30 s)",
                f"index load, fresh process after the model, incl. faiss/bm25s imports: "
                f"{self.load_fresh_process_s:.2f} s   (target <= 2 s)",
                f"index load, libraries already imported: {self.load_warm_s * 1000:.0f} ms",
                f"search with embedding, {self.searches} searches: p50 {self.search_p50_ms:.1f} ms, "
                f"p95 {self.search_p95_ms:.1f} ms   (target p50 <= 15 ms)",
            ]
        )


def run_bench() -> Bench:
    from knowledge.article import load_article
    from knowledge.index import INDEX_DIR, build_index, load_encoder, load_or_build
    from knowledge.search import Searcher
    from knowledge.settings import load_settings

    settings = load_settings()
    start = time.perf_counter()
    encoder = load_encoder(settings)
    model_load_s = time.perf_counter() - start

    article = load_article(table_mode=settings.table_mode)
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        built = build_index(article, encoder, settings, Path(scratch))
        build_s = time.perf_counter() - start

    load_or_build(INDEX_DIR, encoder=encoder, settings=settings)  # make sure one is on disk
    Searcher.load(encoder=encoder, settings=settings)  # imports done; what is left is reading
    start = time.perf_counter()
    searcher = Searcher.load(encoder=encoder, settings=settings)
    load_warm_s = time.perf_counter() - start

    import torch

    info = machine() | {"torch_threads": torch.get_num_threads(), "vectors": built.faiss_index.ntotal}
    latencies = search_latencies(searcher, [q.text for q in load_dev_set().in_scope])
    return Bench(
        machine=info,
        model_load_s=model_load_s,
        build_s=build_s,
        load_warm_s=load_warm_s,
        load_fresh_process_s=fresh_process_load_seconds(),
        search_p50_ms=statistics.median(latencies),
        search_p95_ms=statistics.quantiles(latencies, n=20)[18],
        searches=len(latencies),
    )


def search_latencies(searcher, questions: list[str]) -> list[float]:
    for question in questions[:5]:  # warm-up: first calls allocate and compile
        searcher.search(question)
    latencies = []
    for _ in range(ROUNDS):
        for question in questions:
            start = time.perf_counter()
            searcher.search(question, k=3)
            latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def fresh_process_load_seconds() -> float:
    import json

    project_root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", LOAD_PROBE], cwd=project_root, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])["load_s"]
