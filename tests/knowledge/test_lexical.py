"""The lexical ranker's word normalisation."""

from __future__ import annotations

import pytest

from knowledge.lexical import load_tokenizer


@pytest.fixture(scope="module")
def tokenize():
    return load_tokenizer()


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("My calves are sore", ["calf", "soreness"]),
        ("what are shin splints", ["shin", "splint"]),
        ("Optimise your running form", ["optimize", "run", "form"]),  # UK -> US spelling
        ("how many miles before i bin my trainers", ["many", "mile", "bin", "shoe"]),
        ("does it matter", ["matter"]),  # not "doe" and "matt" from the lookup table
        ("Runner\u2019s knee", ["runner", "knee"]),
        ("R.I.C.E. Method (Rest, Ice)", ["rice", "method", "rest", "ice"]),  # one word, as runners type it
        ("what should i eat after a run", ["consume", "run"]),  # the article's "consuming"
    ],
)
def test_tokens(tokenize, text, tokens):
    assert tokenize(text) == tokens


def test_only_stopwords_give_no_tokens(tokenize):
    assert tokenize("what should i do about it") == []


def test_bm25s_import_leaves_jax_importable():
    import sys

    from knowledge.lexical import import_bm25s

    assert import_bm25s().BM25
    assert "jax" not in sys.modules or sys.modules["jax"] is not None
