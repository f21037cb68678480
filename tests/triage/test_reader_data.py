"""The readers' training data stays apart from every evaluated sentence.

The examples the readers learn from (triage/data/) were written blind; this
test keeps them that way: no example may be a near-duplicate (MiniLM cosine
>= 0.9) of a sentence any evaluation plays (the dev and held-out vignettes'
openings and answers), or the evaluation would measure memory, not reading.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from triage.answer_reader import load_examples
from triage.sign_reader import load_labelled

ROOT = Path(__file__).resolve().parents[2]
EVALUATED = sorted((ROOT / "tests").glob("*/*vignettes.yml"))
NEAR_DUPLICATE = 0.9


def evaluated_sentences() -> list[str]:
    sentences = set()
    for path in EVALUATED:
        for vignette in yaml.safe_load(path.read_text(encoding="utf-8")):
            sentences.add(vignette["opening"])
            sentences.update(str(a) for a in (vignette.get("answers") or {}).values())
    return sorted(sentences)


# The classifier's blind-written first messages (data/nlu/blind_reports.yml) are
# held to the same rule. (The hand-written NLU files hold short replies such as
# "no" or "not sure", which evaluations rightly play too.)
BLIND_NLU = ROOT / "data" / "nlu" / "blind_reports.yml"


def blind_nlu_sentences() -> set[str]:
    blocks = yaml.safe_load(BLIND_NLU.read_text(encoding="utf-8"))["nlu"]
    return {line.strip()[2:] for block in blocks for line in block["examples"].splitlines() if line.strip()}


def training_sentences() -> list[str]:
    return sorted({e.text for e in load_examples()} | {e.text for e in load_labelled()} | blind_nlu_sentences())


@pytest.fixture(scope="module")
def embedder():
    from knowledge.embedder import Embedder
    from knowledge.index import load_encoder

    return Embedder(load_encoder())


def test_the_evaluated_sets_are_found():
    assert len(EVALUATED) >= 3 and len(evaluated_sentences()) > 500


def test_there_are_enough_blind_examples():
    assert len(training_sentences()) >= 1500


def test_no_training_example_is_a_near_duplicate_of_an_evaluated_sentence(embedder):
    cache = ROOT / "var" / "cache"
    train, evaluated = training_sentences(), evaluated_sentences()
    similarity = embedder.many(train, cache) @ embedder.many(evaluated, cache).T
    pairs = [(train[i], evaluated[j], float(similarity[i, j])) for i, j in np.argwhere(similarity >= NEAR_DUPLICATE)]
    assert not pairs, f"{len(pairs)} near-duplicates, e.g. {pairs[:5]}"
