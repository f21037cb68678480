"""The example banks: questions the article answers and questions it does not,
saved with the index, and the check that declines a question closer to the
second kind (Searcher.off_topic)."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import numpy as np
import pytest
import yaml

from knowledge import index as index_module
from knowledge.article import load_article
from knowledge.evaluate import load_dev_set
from knowledge.index import EXAMPLE_FILES, EXAMPLES, load_example_questions, load_or_build
from knowledge.search import Scores
from tests.knowledge.test_index import article_copy  # noqa: F401 (a fixture)

ROOT = EXAMPLE_FILES["on_topic"].parents[2]


def plain(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def bank(kind: str) -> list[dict]:
    return yaml.safe_load(EXAMPLE_FILES[kind].read_text(encoding="utf-8"))["questions"]


def test_banks_are_large_and_without_repeats():
    questions = load_example_questions()
    assert len(questions["on_topic"]) >= 150 and len(questions["off_topic"]) >= 250
    every = [plain(q) for kind in questions for q in questions[kind]]
    assert len(every) == len(set(every))


def test_on_topic_examples_name_real_sections_and_cover_each_answering_section():
    sections = {p.section for p in load_article().passages}
    named = [item["section"] for item in bank("on_topic")]
    assert set(named) <= sections
    # Every section with answer passages has examples, except "References",
    # which holds only the reading list.
    assert sections - set(named) <= {"References"}


def test_no_example_is_a_question_the_bot_is_judged_on():
    """The dev and held-out sets measure unseen wording: a bank question equal to
    one of theirs would hand the check its answer."""
    judged = set()
    for path in (ROOT / "tests" / "dev" / "questions.yml", ROOT / "tests" / "heldout" / "questions.yml"):
        questions = load_dev_set(path)
        judged |= {plain(q.text) for q in questions.in_scope} | {plain(q) for q in questions.out_of_scope}
    leaked = [q for qs in load_example_questions().values() for q in qs if plain(q) in judged]
    assert not leaked


def judged_questions() -> list[str]:
    """Every question a dev or held-out set asks the search or the whole bot."""
    found = set()
    for path in sorted([*(ROOT / "tests" / "dev").glob("*questions*.yml"),
                        *(ROOT / "tests" / "heldout").glob("*questions*.yml")]):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for items in raw.values() if isinstance(raw, dict) else [raw]:
            found.update(item["q"] if isinstance(item, dict) else item for item in items or [])
    return sorted(found)


def test_no_example_is_a_near_duplicate_of_a_judged_question(searcher):
    """Near-copies count too (MiniLM cosine >= 0.9, as for the readers' data):
    the check would remember the judged question rather than generalise."""
    bank_questions = [q for qs in load_example_questions().values() for q in qs]
    judged = judged_questions()
    assert len(judged) > 500
    similarity = (np.array([searcher.embed(q) for q in bank_questions])
                  @ np.array([searcher.embed(q) for q in judged]).T)
    pairs = [(bank_questions[i], judged[j]) for i, j in np.argwhere(similarity >= 0.9)]
    assert not pairs, f"{len(pairs)} near-duplicates, e.g. {pairs[:5]}"


def scores(best_passage: float, on_topic: float, off_topic: float, words: int = 8) -> Scores:
    return Scores(
        dense=np.array([best_passage, best_passage - 0.2], dtype=np.float32),
        lexical=np.array([3.0, 1.0], dtype=np.float32),
        examples={"on_topic": np.array([on_topic, 0.1]), "off_topic": np.array([0.0, off_topic])},
        words=words,
    )


@pytest.mark.parametrize("off_topic, declined", [(0.74, False), (0.90, True)])
def test_a_topic_typed_alone_is_declined_only_when_an_off_topic_example_is_clearly_closer(searcher, off_topic,
                                                                                         declined):
    # "foam rolling" sits a hair nearer "foam rolling for neck pain" than any passage.
    assert searcher.off_topic(scores(0.70, 0.69, off_topic, words=2)) is declined


@pytest.mark.parametrize("best_passage, on_topic, off_topic, margin, declined", [
    (0.60, 0.50, 0.70, 0.0, True),  # closer to an off-topic example than to anything else
    (0.60, 0.75, 0.70, 0.0, False),  # an on-topic example is closer still
    (0.72, 0.50, 0.70, 0.0, False),  # the best passage is closer
    (0.72, 0.50, 0.70, -0.04, True),  # within the margin of the best evidence
    (0.60, 0.50, 0.90, None, False),  # the check turned off
])
def test_a_question_nearer_to_off_topic_examples_is_declined(searcher, best_passage, on_topic, off_topic, margin,
                                                               declined):
    original = searcher.settings
    searcher.settings = replace(original, off_topic_margin=margin)
    try:
        found = scores(best_passage, on_topic, off_topic)
        assert searcher.off_topic(found) is declined
        assert (searcher.confidence(found, "fused") == 0.0) is declined
    finally:
        searcher.settings = original


@pytest.mark.parametrize("kind", ["on_topic", "off_topic"])
def test_the_banks_own_questions_go_their_way(searcher, kind):
    """With the real model: most bank questions are answered or declined as their
    bank says (not all: a bank question may still fall under the threshold)."""
    questions = load_example_questions()[kind][::10]
    answered = [searcher.answer(q) is not None for q in questions]
    share = sum(answered) / len(answered)
    assert share >= 0.8 if kind == "on_topic" else share == 0.0


def test_example_vectors_are_saved_and_a_changed_bank_rebuilds(tmp_path, hash_encoder, article_copy, monkeypatch):  # noqa: F811
    folder = tmp_path / "banks"
    folder.mkdir()
    for kind, path in EXAMPLE_FILES.items():
        monkeypatch.setitem(index_module.EXAMPLE_FILES, kind, shutil.copy(path, folder / path.name))
    built = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert (tmp_path / "index" / EXAMPLES).exists()
    assert built.examples["off_topic"].vectors.shape == (len(bank("off_topic")), hash_encoder.dimensions)

    calls = hash_encoder.calls
    loaded = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert hash_encoder.calls == calls
    assert np.allclose(loaded.examples["on_topic"].vectors, built.examples["on_topic"].vectors)

    off_topic = folder / EXAMPLE_FILES["off_topic"].name
    off_topic.write_text(off_topic.read_text(encoding="utf-8") + "  - q: best marathon in europe\n    topic: race\n",
                         encoding="utf-8")
    rebuilt = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert hash_encoder.calls > calls
    assert rebuilt.examples["off_topic"].questions[-1] == "best marathon in europe"


def test_missing_or_corrupt_example_vectors_rebuild(tmp_path, hash_encoder, article_copy):  # noqa: F811
    load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    (tmp_path / "index" / EXAMPLES).write_bytes(b"not a zip file")
    calls = hash_encoder.calls
    index = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert hash_encoder.calls > calls
    assert set(index.examples) == {"on_topic", "off_topic"}
